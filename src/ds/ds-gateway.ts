import { Inject, Injectable } from '@nestjs/common';
import { ApiProblem, businessRule } from '../common/errors/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { type DemarcheSchema, DsClient, DsError } from './ds-client.js';

/**
 * The service's door to Démarches Simplifiées: a client per token with the configured URL,
 * timeouts and pace, and DS's failures as problems — a token or démarche DS refuses is the
 * caller's to fix (422 ds-refused); DS away is 503 (try again later).
 */
@Injectable()
export class DsGateway {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  client(token: string): DsClient {
    const { apiUrl, timeoutMs, minIntervalMs, maxRetries } = this.config.ds;
    return new DsClient({ url: apiUrl, token, timeoutMs, minIntervalMs, maxRetries });
  }

  async demarche(number: number, token: string): Promise<DemarcheSchema> {
    try {
      return await this.client(token).demarche(number);
    } catch (error) {
      throw problemOf(error);
    }
  }
}

export function problemOf(error: unknown): unknown {
  if (!(error instanceof DsError)) return error;
  if (error.kind === 'graphql' || (error.kind === 'http' && error.status !== undefined && error.status < 500 && error.status !== 429)) {
    return businessRule('ds-refused', `${error.message}. Check the démarche's number and its token.`, { dsStatus: error.status ?? null });
  }
  return new ApiProblem(503, `${error.message}; try again later.`, 'ds-unavailable', {}, { 'Retry-After': '60' });
}
