import { Injectable } from '@nestjs/common';
import client from 'prom-client';
import { DatabaseStatus } from '../database/database-status.js';

const DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface RouteStats {
  labels: { method: string; route: string };
  statuses: Map<number, number>;
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * The HTTP requests answered, counted and timed per method and route in plain maps and turned
 * into Prometheus series only when scraped: prom-client's labelled metrics validate and hash
 * their labels on every observation, a few µs of every request. Registered like any metric.
 */
class HttpMetrics {
  private readonly routes = new Map<string, Map<string, RouteStats>>();

  observe(method: string, route: string, status: number, seconds: number): void {
    let byRoute = this.routes.get(method);
    if (!byRoute) this.routes.set(method, (byRoute = new Map<string, RouteStats>()));
    let stats = byRoute.get(route);
    if (!stats) {
      stats = { labels: { method, route }, statuses: new Map(), buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      byRoute.set(route, stats);
    }
    stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
    let b = 0;
    while (b < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[b]) b++;
    stats.buckets[b]++;
    stats.sum += seconds;
    stats.count++;
  }

  private all(): RouteStats[] {
    return [...this.routes.values()].flatMap((byRoute) => [...byRoute.values()]);
  }

  /** What prom-client's registry renders: name, help, type and the values of each series. */
  private metric(name: string, help: string, type: 'counter' | 'histogram', values: () => unknown[]) {
    const meta = { name, help, type, aggregator: 'sum' as const };
    return { ...meta, get: () => Promise.resolve({ ...meta, values: values() }), reset: () => this.routes.clear() };
  }

  readonly requests = this.metric('http_requests_total', 'HTTP requests answered, by method, route pattern and status code.', 'counter', () =>
    this.all().flatMap((s) => [...s.statuses].map(([status, value]) => ({ labels: { ...s.labels, status: String(status) }, value }))),
  );

  readonly durations = this.metric('http_request_duration_seconds', 'Time to answer an HTTP request, by method and route pattern.', 'histogram', () =>
    this.all().flatMap((s) => {
      let cumulative = 0;
      const bucket = `http_request_duration_seconds_bucket`;
      return [
        ...DURATION_BUCKETS.map((le, i) => ({ metricName: bucket, labels: { le }, sharedLabels: s.labels, value: (cumulative += s.buckets[i]) })),
        { metricName: bucket, labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count },
        { metricName: 'http_request_duration_seconds_sum', labels: {}, sharedLabels: s.labels, value: s.sum },
        { metricName: 'http_request_duration_seconds_count', labels: {}, sharedLabels: s.labels, value: s.count },
      ];
    }),
  );
}

/** Prometheus metrics of one application instance (its own registry: tests start several). */
@Injectable()
export class MetricsService {
  readonly registry = new client.Registry();

  private readonly http = new HttpMetrics();

  readonly reportRuns = new client.Counter({
    name: 'report_runs_total',
    help: 'Report runs finished by a worker, by type and status (SUCCEEDED or FAILED).',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new client.Counter({
    name: 'webhook_attempts_total',
    help: 'Webhook delivery attempts made by this instance, by outcome (succeeded or failed).',
    labelNames: ['outcome'] as const,
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
    this.registry.registerMetric(this.http.requests as unknown as client.Metric);
    this.registry.registerMetric(this.http.durations as unknown as client.Metric);
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
    this.http.observe(method, route, status, seconds);
  }
}
