import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../common/access/decorators.js';
import { ApiProblem } from '../common/errors/problem.js';
import { DatabaseStatus } from '../database/database-status.js';

const PING_TIMEOUT_MS = 2000;

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
  @ApiOperation({ summary: 'The process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'The database answers (503 otherwise)' })
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
