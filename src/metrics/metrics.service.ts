import { Injectable } from '@nestjs/common';
import client from 'prom-client';
import { DatabaseStatus } from '../database/database-status.js';

/** Prometheus metrics of one application instance (its own registry: tests start several). */
@Injectable()
export class MetricsService {
  readonly registry = new client.Registry();

  readonly httpRequests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly reportRuns = new client.Counter({
    name: 'report_runs_total',
    help: 'Report runs finished by a worker, by type and status (SUCCEEDED or FAILED).',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });

  readonly reportDuration = new client.Histogram({
    name: 'report_run_duration_seconds',
    help: 'Time to compute a report run, by type.',
    labelNames: ['type'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  constructor(database: DatabaseStatus) {
    client.collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, read: () => number) =>
      new client.Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    gauge('db_pool_connections_total', 'Connections open in the database pool.', () => database.pool().total);
    gauge('db_pool_connections_idle', 'Idle connections in the database pool.', () => database.pool().idle);
    gauge('db_pool_requests_waiting', 'Queries waiting for a pool connection.', () => database.pool().waiting);
    gauge('db_pool_connections_max', 'Size of the database pool.', () => database.pool().max);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }
}
