// The GraphQL documents this service sends to Démarches Simplifiées, each validated against
// src/ds/schema.graphql by the tests.

/** A démarche's title and the champs of its active revision (what a mapping is checked against). */
export const DEMARCHE_SCHEMA = `
  query demarcheSchema($number: Int!) {
    demarche(number: $number) {
      number
      title
      activeRevision {
        id
        champDescriptors { __typename id label required }
      }
    }
  }`;

/** One page of a démarche's dossiers, oldest change first, from a cursor, changed since a time. */
export const DOSSIERS_PAGE = `
  query dossiersPage($number: Int!, $first: Int!, $after: String, $updatedSince: ISO8601DateTime) {
    demarche(number: $number) {
      dossiers(first: $first, after: $after, updatedSince: $updatedSince) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          number
          state
          dateDepot
          dateDerniereModification
          demandeur {
            __typename
            ... on PersonneMorale { siret }
          }
          champs {
            __typename
            id
            champDescriptorId
            label
            stringValue
            ... on TextChamp { value }
            ... on DecimalNumberChamp { decimal: value }
            ... on IntegerNumberChamp { integer: value }
            ... on DateChamp { date }
            ... on SiretChamp { etablissement { siret } }
            ... on CommuneChamp { commune { code name postalCode } }
            ... on PieceJustificativeChamp { files { filename contentType byteSizeBigInt checksum url } }
          }
        }
      }
    }
  }`;

/** Our status as a private annotation on the DS dossier (write-back, off by default). */
export const MODIFY_ANNOTATION = `
  mutation modifyAnnotation($input: DossierModifierAnnotationTextInput!) {
    dossierModifierAnnotationText(input: $input) {
      errors { message }
    }
  }`;

/** A message to the promoter on the DS dossier (a missing pièce asked for). */
export const SEND_MESSAGE = `
  mutation sendMessage($input: DossierEnvoyerMessageInput!) {
    dossierEnvoyerMessage(input: $input) {
      errors { message }
      message { id }
    }
  }`;

export const DOCUMENTS = { DEMARCHE_SCHEMA, DOSSIERS_PAGE, MODIFY_ANNOTATION, SEND_MESSAGE };
