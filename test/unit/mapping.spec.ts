// A call's mapping checked against a démarche's champs, and the conversions of DS values.
import { countOf, eurosToCents, type MappedField, mappingProblems, sirenOf } from '../../src/calls/mapping.js';

const CHAMPS = [
  { id: 'c-nom', type: 'TextChampDescriptor', label: 'Nom du porteur' },
  { id: 'c-projet', type: 'TextChampDescriptor', label: 'Nom du projet' },
  { id: 'c-commune', type: 'CommuneChampDescriptor', label: 'Commune d’implantation' },
  { id: 'c-siret', type: 'SiretChampDescriptor', label: 'SIRET' },
  { id: 'c-travaux', type: 'DecimalNumberChampDescriptor', label: 'Travaux (€)' },
  { id: 'c-date', type: 'DateChampDescriptor', label: 'Visite sur site' },
  { id: 'c-projet-sante', type: 'PieceJustificativeChampDescriptor', label: 'Projet de santé' },
];
const MINIMAL: MappedField[] = [
  { champId: 'c-nom', target: 'promoter.name' },
  { champId: 'c-projet', target: 'project.name' },
  { champId: 'c-commune', target: 'project.commune' },
];

describe('mappingProblems', () => {
  it('takes a mapping whose champs exist with the types their targets take', () => {
    expect(
      mappingProblems(
        [
          ...MINIMAL,
          { champId: 'c-siret', target: 'promoter.siren' },
          { champId: 'c-travaux', target: 'expense', category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux' },
          { champId: 'c-date', target: 'siteMeeting.heldOn' },
          { champId: 'c-projet-sante', target: 'document', kind: 'PROJET_DE_SANTE' },
        ],
        CHAMPS,
      ),
    ).toEqual([]);
  });

  it('names unknown champs, wrong types, missing details, targets fed twice or not at all', () => {
    const problems = mappingProblems(
      [
        { champId: 'c-nom', target: 'promoter.name' },
        { champId: 'c-inconnu', target: 'project.name' },
        { champId: 'c-date', target: 'project.commune' },
        { champId: 'c-travaux', target: 'expense' },
        { champId: 'c-projet-sante', target: 'document' },
        { champId: 'c-projet', target: 'promoter.name' },
      ],
      CHAMPS,
    );
    expect(problems).toEqual([
      { field: 'fields[1].champId', message: 'the démarche has no champ c-inconnu (in its active revision)' },
      { field: 'fields[2].champId', message: 'champ c-date ("Visite sur site") is a DateChampDescriptor; project.commune takes CommuneChampDescriptor or TextChampDescriptor' },
      { field: 'fields[3].category', message: 'an expense needs its category' },
      { field: 'fields[4].kind', message: 'a pièce needs its kind' },
      { field: 'fields', message: 'promoter.name is fed by 2 champs (c-nom, c-projet); one at most' },
    ]);
    expect(mappingProblems([MINIMAL[0], MINIMAL[2]], CHAMPS)).toEqual([{ field: 'fields', message: 'project.name is fed by no champ: a dossier cannot be created without it' }]);
  });
});

describe('conversions', () => {
  it.each([
    ['125000.5', 12_500_050n],
    ['125 000,50', 12_500_050n],
    ['1 250,00 €', 125_000n],
    ['1\u202f250,5', 125_050n],
    ['0', 0n],
    ['-12.3', -1230n],
    ['12.345', null],
    ['douze', null],
    ['', null],
    [null, null],
  ])('euros %p → %p cents', (text, cents) => expect(eurosToCents(text)).toBe(cents));

  it('takes a SIREN from a SIRET or as typed', () => {
    expect(sirenOf('21430040500017')).toBe('214300405');
    expect(sirenOf('214 300 405')).toBe('214300405');
    expect(sirenOf('2143004')).toBeNull();
  });

  it('counts people from integer or decimal text', () => {
    expect(countOf('12')).toBe(12);
    expect(countOf('12.0')).toBe(12);
    expect(countOf('4 000')).toBe(4000);
    expect(countOf('12.5')).toBeNull();
    expect(countOf(null)).toBeNull();
  });
});
