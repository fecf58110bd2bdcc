import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../common/access/decorators.js';
import { ApiProblem } from '../common/errors/problem.js';
import { ApiProblems } from '../common/http/openapi.js';
import { DatabaseStatus } from '../database/database-status.js';

const PING_TIMEOUT_MS = 2000;
/** Any route refuses the NUL character in its query (app.factory.ts, preValidation). */
const QUERY_NUL = [400, 'The query string holds the NUL character.'] as const;
const SHUTTING_DOWN = [503, 'The instance is shutting down.'] as const;
const CHECKS = {
  type: 'object' as const,
  description: 'Each check by name, with its state',
  additionalProperties: { type: 'object' as const, required: ['status'], properties: { status: { type: 'string' as const, enum: ['up', 'down'] } } },
};
/** What terminus answers when every check is up. */
const READY = {
  type: 'object' as const,
  required: ['status', 'info', 'error', 'details'],
  properties: { status: { type: 'string' as const, enum: ['ok'] }, info: CHECKS, error: CHECKS, details: CHECKS },
  example: { status: 'ok', info: { database: { status: 'up' } }, error: {}, details: { database: { status: 'up' } } },
};

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseStatus,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness', description: 'The process answers; the database is not asked.' })
  @ApiOkResponse({ description: 'Alive', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  @ApiProblems(QUERY_NUL, SHUTTING_DOWN)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  // Terminus documents its own 503 body; this one answers a problem (below).
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness', description: 'The database answers a ping within 2 s; otherwise 503, the problem giving each check (`checks`).' })
  @ApiOkResponse({ description: 'Ready', schema: READY })
  @ApiProblems(QUERY_NUL, [503, 'The database does not answer (the problem gives `checks`), or the instance is shutting down.'])
  async ready() {
    try {
      return await this.health.check([() => this.databaseCheck()]);
    } catch (error) {
      const details = (error as { getResponse?: () => { details?: unknown } }).getResponse?.().details;
      throw new ApiProblem(503, 'The database is unreachable.', 'unavailable', { checks: details }, { 'Retry-After': '5' });
    }
  }

  private async databaseCheck() {
    const indicator = this.indicators.check('database');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Error('no answer within 2 s');
    try {
      await Promise.race([
        this.database.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(timedOut), PING_TIMEOUT_MS);
        }),
      ]);
      return indicator.up();
    } catch (error) {
      // Not the driver's message: it names hosts and ports.
      return indicator.down({ message: error === timedOut ? timedOut.message : 'unreachable' });
    } finally {
      clearTimeout(timer);
    }
  }
}
