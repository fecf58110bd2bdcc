// A client of Démarches Simplifiées' GraphQL API (v2): paced under its limit (400 requests a
// minute per token), 429 answered by waiting what Retry-After says, timeouts and server errors
// retried with backoff, GraphQL errors reported at once. No Nest, no database.
import { DEMARCHE_SCHEMA, DOSSIERS_PAGE, MODIFY_ANNOTATION, SEND_MESSAGE } from './queries.js';

export const DS_PUBLIC_API = 'https://www.demarches-simplifiees.fr/api/v2/graphql';

export class DsError extends Error {
  constructor(
    message: string,
    /** graphql: the API refused the query (not retried); http: a status it gave; timeout; network. */
    readonly kind: 'graphql' | 'http' | 'timeout' | 'network',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DsError';
  }
}

export interface DsClientOptions {
  url: string;
  token: string;
  timeoutMs: number;
  /** The least time between two requests (160 ms: 375 a minute, under DS's 400). */
  minIntervalMs: number;
  /** Retries of a request after a timeout, a network error, a 5xx or a 429. */
  maxRetries: number;
  /** The first retry's wait (doubled each time, plus jitter), when the answer names none. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ChampDescriptor {
  id: string;
  type: string;
  label: string;
  required: boolean;
}

export interface DemarcheSchema {
  number: number;
  title: string;
  revisionId: string;
  champs: ChampDescriptor[];
}

export interface DsFile {
  filename: string;
  contentType: string;
  byteSizeBigInt: string;
  checksum: string;
  url: string;
}

export interface DsChamp {
  __typename: string;
  id: string;
  champDescriptorId: string;
  label: string;
  stringValue: string | null;
  value?: string | null;
  decimal?: number | null;
  integer?: string | null;
  date?: string | null;
  etablissement?: { siret: string } | null;
  commune?: { code: string; name: string; postalCode: string | null } | null;
  files?: DsFile[];
}

export interface DsDossier {
  id: string;
  number: number;
  state: 'en_construction' | 'en_instruction' | 'accepte' | 'refuse' | 'sans_suite';
  dateDepot: string;
  dateDerniereModification: string;
  demandeur: { __typename: string; siret?: string };
  champs: DsChamp[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class DsClient {
  private next = 0;
  /** Requests sent (retries included), for the sync run's record. */
  requests = 0;

  constructor(private readonly options: DsClientOptions) {}

  async demarche(number: number): Promise<DemarcheSchema> {
    const { demarche } = await this.query<{
      demarche: { number: number; title: string; activeRevision: { id: string; champDescriptors: { __typename: string; id: string; label: string; required: boolean }[] } };
    }>(DEMARCHE_SCHEMA, { number });
    return {
      number: demarche.number,
      title: demarche.title,
      revisionId: demarche.activeRevision.id,
      champs: demarche.activeRevision.champDescriptors.map((c) => ({ id: c.id, type: c.__typename, label: c.label, required: c.required })),
    };
  }

  /** The démarche's dossiers changed since `updatedSince` (all without it), page after page. */
  async *dossiers(number: number, updatedSince?: Date, pageSize = 100): AsyncGenerator<DsDossier[]> {
    let after: string | null = null;
    for (;;) {
      const page: { demarche: { dossiers: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: (DsDossier | null)[] } } } = await this.query(DOSSIERS_PAGE, {
        number,
        first: pageSize,
        after,
        updatedSince: updatedSince?.toISOString() ?? null,
      });
      const { pageInfo, nodes } = page.demarche.dossiers;
      yield nodes.filter((n): n is DsDossier => n !== null);
      if (!pageInfo.hasNextPage || !pageInfo.endCursor) return;
      after = pageInfo.endCursor;
    }
  }

  /** Writes `value` in the dossier's private annotation `annotationId`, as the instructeur (setting a value: safe to retry). */
  async annotate(input: { dossierId: string; instructeurId: string; annotationId: string; value: string }): Promise<void> {
    const { dossierModifierAnnotationText: payload } = await this.query<{ dossierModifierAnnotationText: { errors: { message: string }[] | null } | null }>(MODIFY_ANNOTATION, {
      input,
    });
    mutationErrors(payload?.errors);
  }

  /** Sends a message to the dossier's promoter, as the instructeur: sent once (not retried, a retry could send it twice). */
  async message(input: { dossierId: string; instructeurId: string; body: string }): Promise<string> {
    const { dossierEnvoyerMessage: payload } = await this.query<{ dossierEnvoyerMessage: { errors: { message: string }[] | null; message: { id: string } | null } | null }>(
      SEND_MESSAGE,
      { input },
      { retry: false },
    );
    mutationErrors(payload?.errors);
    if (!payload?.message) throw new DsError('Démarches Simplifiées sent no message back', 'graphql');
    return payload.message.id;
  }

  /** Sends a document, paced and retried as the class says (`retry: false`: sent once). */
  async query<T>(query: string, variables: Record<string, unknown>, { retry = true } = {}): Promise<T> {
    const { backoffMs = 500 } = this.options;
    const maxRetries = retry ? this.options.maxRetries : 0;
    const wait = this.options.sleep ?? sleep;
    for (let attempt = 0; ; attempt++) {
      const pause = this.next - Date.now();
      if (pause > 0) await wait(pause);
      this.next = Date.now() + this.options.minIntervalMs;
      this.requests++;
      let retryAfterMs: number | undefined;
      let failure: DsError;
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.options.token}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        if (res.ok) {
          const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
          if (body.errors?.length) throw new DsError(`Démarches Simplifiées refused the query: ${body.errors.map((e) => e.message).join('; ')}`, 'graphql');
          if (!body.data) throw new DsError('Démarches Simplifiées answered no data', 'graphql');
          return body.data;
        }
        await res.body?.cancel();
        if (res.status !== 429 && res.status < 500) throw new DsError(`Démarches Simplifiées answered HTTP ${res.status}`, 'http', res.status);
        const header = res.headers.get('retry-after');
        if (header && /^\d+$/.test(header)) retryAfterMs = Number(header) * 1000;
        failure = new DsError(`Démarches Simplifiées answered HTTP ${res.status}`, 'http', res.status);
      } catch (error) {
        if (error instanceof DsError) throw error;
        const name = (error as Error).name;
        failure =
          name === 'TimeoutError' || name === 'AbortError'
            ? new DsError(`Démarches Simplifiées did not answer within ${this.options.timeoutMs} ms`, 'timeout')
            : new DsError(`Démarches Simplifiées could not be reached: ${(error as Error).message}`, 'network');
      }
      if (attempt >= maxRetries) throw failure;
      await wait(retryAfterMs ?? backoffMs * 2 ** attempt * (1 + Math.random() * 0.25));
    }
  }
}

/** A mutation's own errors (a dossier DS does not let the instructeur change) as a refusal. */
function mutationErrors(errors: { message: string }[] | null | undefined): void {
  if (errors?.length) throw new DsError(`Démarches Simplifiées refused the change: ${errors.map((e) => e.message).join('; ')}`, 'graphql');
}
