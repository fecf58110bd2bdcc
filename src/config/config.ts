// Typed configuration, read once from the environment and validated: a bad variable stops
// the start with a message that names it. Pure: no Nest, no I/O.

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  /** Unset: an embedded PostgreSQL under `embedded.dir`. */
  databaseUrl: string | undefined;
  database: {
    poolSize: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    idleTimeoutMs: number;
    /** Keep statements prepared per connection (off behind a pooler that cannot: PgBouncer < 1.21 in transaction mode). */
    preparedStatements: boolean;
    /** Emit Prisma's query events (counting statements per request in tests, debugging). */
    queryEvents: boolean;
  };
  embedded: { dir: string; port: number };
  jwt: { secret: string | undefined; issuer: string; audience: string; accessTtlSeconds: number };
  bootstrap: { email: string; password: string | undefined; regionCode: string };
  logLevel: LogLevel;
  reportsCron: string;
  rateLimitPerMinute: number;
  loginMaxFailures: number;
  bodyLimitBytes: number;
  /**
   * API requests served at once by an instance (0: no limit); the others wait in order of
   * arrival up to `queueWaitMs`, then are answered 503 busy.
   */
  http: { concurrency: number; queueWaitMs: number };
  corsOrigins: string[];
  /** Behind a load balancer: take the client address from X-Forwarded-For (rate limits). */
  trustProxy: boolean;
  /** Run the job workers (reports) in this process; false for an API-only instance. */
  workersEnabled: boolean;
  /** How often pg-boss checks its schedules (seconds, 1-45). */
  jobsCronIntervalSeconds: number;
  /** How often an instance running workers seals the audit trail (milliseconds). */
  auditSealIntervalMs: number;
  /** Run migrations at start (the default); off when operators run `npm run db:migrate`. */
  migrateOnStart: boolean;
  /** The pièces of the dossiers: limits, and where their bytes live. */
  documents: DocumentsConfig;
  notifications: NotificationsConfig;
  /** Démarches Simplifiées' GraphQL API (calls for applications collected there). */
  ds: { apiUrl: string; timeoutMs: number; minIntervalMs: number; maxRetries: number; syncCron: string; syncPageSize: number };
  /**
   * The bench's seam (`npm run bench:webhooks`): write no outbox event, to time a transition
   * without it. It loses events: refused in production.
   */
  outboxOffForBench: boolean;
  /** Key of the secrets kept encrypted at rest (webhook secrets); unset: derived from JWT_SECRET. */
  dataEncryptionKey: string | undefined;
}

export interface NotificationsConfig {
  webhooks: {
    /** Allow `http://127.0.0.1`, `http://localhost` and `http://[::1]` targets (development and tests only). */
    allowLoopback: boolean;
    /** One attempt's time limit, connection to last byte. */
    timeoutMs: number;
    /** The first retry's delay; each next one doubles (capped at 6 h), plus up to 25 % jitter. */
    retryBaseMs: number;
    /**
     * Attempts before a delivery is given up. The default spans more than 72 h: a receiver down
     * for good has its subscription disabled (its events kept) before any event is given up.
     */
    maxAttempts: number;
    /** How often a worker looks for deliveries due. */
    pollMs: number;
    /** Deliveries attempted at once by a worker. */
    concurrency: number;
    /** A subscription whose attempts all failed for this long is disabled. */
    disableAfterHours: number;
    /** How long the previous secret still signs after a rotation. */
    rotationGraceHours: number;
  };
  mail: {
    /** `smtp://user:pass@host:587` or `smtps://…`; unset: digests are logged, and read at GET /me/digest. */
    smtpUrl: string | undefined;
    from: string;
    /** When the daily digest and the deadline events go out (cron, Europe/Paris). */
    digestCron: string;
  };
}

export interface S3Config {
  /** Any S3 API: AWS, Scaleway, OVHcloud, MinIO, Garage… (unset: AWS for the region). */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** Path-style URLs (most S3-compatible servers): `endpoint/bucket/key`. */
  forcePathStyle: boolean;
}

export interface DocumentsConfig {
  /** Largest pièce accepted, in bytes (413 above). */
  maxBytes: number;
  /** Pièces of one dossier (current versions, withdrawn ones included). */
  maxPerDossier: number;
  /** `postgres` (the default: chunks in the database) or `s3`. */
  storage: 'postgres' | 's3';
  s3: S3Config | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!values.includes(raw as T)) {
      problems.push(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!['true', 'false', '1', '0'].includes(raw)) {
      problems.push(`${name} must be true or false (got "${raw}")`);
      return fallback;
    }
    return raw === 'true' || raw === '1';
  };

  const nodeEnv = oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined) {
    try {
      const url = new URL(databaseUrl);
      if (!['postgres:', 'postgresql:'].includes(url.protocol)) throw new Error();
    } catch {
      problems.push('DATABASE_URL must be a postgresql:// connection string');
    }
  }

  const jwtSecret = str('JWT_SECRET');
  if (nodeEnv === 'production' && (jwtSecret === undefined || Buffer.byteLength(jwtSecret) < 32)) {
    problems.push('JWT_SECRET is required in production and must be at least 32 bytes long');
  } else if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 16) {
    problems.push('JWT_SECRET must be at least 16 bytes long (32 in production)');
  }

  const bootstrapEmail = (str('BOOTSTRAP_ADMIN_EMAIL') ?? 'admin@localhost').toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(bootstrapEmail)) problems.push('BOOTSTRAP_ADMIN_EMAIL must be an e-mail address');
  const bootstrapPassword = str('BOOTSTRAP_ADMIN_PASSWORD');
  if (bootstrapPassword !== undefined && bootstrapPassword.length < 12) {
    problems.push('BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters long');
  }
  const bootstrapRegion = str('BOOTSTRAP_REGION_CODE') ?? '84';
  if (!/^\d{2,3}$/.test(bootstrapRegion)) problems.push('BOOTSTRAP_REGION_CODE must be an INSEE region code such as 84');

  const reportsCron = str('REPORTS_CRON') ?? '0 2 * * *';
  if (reportsCron.split(/\s+/).length !== 5) problems.push('REPORTS_CRON must be a 5-field cron expression');

  const poolSize = int('DATABASE_POOL_SIZE', 10, 1, 200);
  const config: AppConfig = {
    nodeEnv,
    host: str('HOST') ?? '0.0.0.0',
    port: int('PORT', 3000, 0, 65535),
    databaseUrl,
    database: {
      poolSize,
      connectTimeoutMs: int('DATABASE_CONNECT_TIMEOUT_MS', 3000, 100, 120_000),
      statementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
      idleTimeoutMs: int('DATABASE_IDLE_TIMEOUT_MS', 30_000, 1000, 3_600_000),
      preparedStatements: bool('DATABASE_PREPARED_STATEMENTS', true),
      queryEvents: bool('DATABASE_QUERY_EVENTS', false),
    },
    embedded: { dir: str('EMBEDDED_PG_DIR') ?? '.data/postgres', port: int('EMBEDDED_PG_PORT', 54329, 1024, 65535) },
    jwt: {
      secret: jwtSecret,
      issuer: str('JWT_ISSUER') ?? 'msp-funding',
      audience: str('JWT_AUDIENCE') ?? 'msp-funding-api',
      accessTtlSeconds: int('JWT_ACCESS_TTL_SECONDS', 900, 60, 86_400),
    },
    bootstrap: { email: bootstrapEmail, password: bootstrapPassword, regionCode: bootstrapRegion },
    logLevel: oneOf<LogLevel>('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    reportsCron,
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000),
    loginMaxFailures: int('LOGIN_MAX_FAILURES', 10, 1, 10_000),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    http: {
      // Twice the pool: enough to keep every connection busy, few enough that none waits long for one.
      concurrency: int('HTTP_CONCURRENCY', 2 * poolSize, 0, 10_000),
      queueWaitMs: int('HTTP_QUEUE_WAIT_MS', 30_000, 0, 600_000),
    },
    corsOrigins: (str('CORS_ORIGINS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: bool('TRUST_PROXY', false),
    migrateOnStart: bool('MIGRATE_ON_START', true),
    workersEnabled: bool('WORKERS_ENABLED', true),
    jobsCronIntervalSeconds: int('JOBS_CRON_INTERVAL_SECONDS', 30, 1, 45),
    auditSealIntervalMs: int('AUDIT_SEAL_INTERVAL_MS', 1000, 100, 60_000),
    documents: documentsConfig(str, int, bool, oneOf, problems),
    notifications: notificationsConfig(str, int, bool, problems),
    dataEncryptionKey: str('DATA_ENCRYPTION_KEY'),
    outboxOffForBench: bool('OUTBOX_OFF_FOR_BENCH', false),
    ds: {
      apiUrl: str('DS_API_URL') ?? 'https://www.demarches-simplifiees.fr/api/v2/graphql',
      timeoutMs: int('DS_TIMEOUT_MS', 30_000, 100, 300_000),
      // DS allows 400 requests a minute per token: 160 ms apart is 375.
      minIntervalMs: int('DS_MIN_INTERVAL_MS', 160, 0, 60_000),
      maxRetries: int('DS_MAX_RETRIES', 4, 0, 20),
      syncCron: str('DS_SYNC_CRON') ?? '*/30 * * * *',
      syncPageSize: int('DS_SYNC_PAGE_SIZE', 100, 1, 100),
    },
  };
  if (!/^https?:\/\/\S+$/.test(config.ds.apiUrl)) problems.push('DS_API_URL must be an http(s) URL');
  if (config.ds.syncCron.split(/\s+/).length !== 5) problems.push('DS_SYNC_CRON must be a 5-field cron expression');
  if (config.notifications.webhooks.allowLoopback && nodeEnv === 'production')
    problems.push('WEBHOOKS_ALLOW_LOOPBACK is for development and tests: it is refused when NODE_ENV=production');
  if (config.outboxOffForBench && nodeEnv === 'production') problems.push('OUTBOX_OFF_FOR_BENCH loses events: it is refused when NODE_ENV=production');
  if (config.dataEncryptionKey !== undefined && Buffer.byteLength(config.dataEncryptionKey) < 32) problems.push('DATA_ENCRYPTION_KEY must be at least 32 bytes long');
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function documentsConfig(
  str: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max: number) => number,
  bool: (name: string, fallback: boolean) => boolean,
  oneOf: <T extends string>(name: string, values: readonly T[], fallback: T) => T,
  problems: string[],
): DocumentsConfig {
  const storage = oneOf('DOCUMENTS_STORAGE', ['postgres', 's3'] as const, 'postgres');
  const bucket = str('S3_BUCKET');
  if (storage === 's3' && !bucket) problems.push('S3_BUCKET is required when DOCUMENTS_STORAGE=s3');
  const endpoint = str('S3_ENDPOINT');
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) problems.push('S3_ENDPOINT must be an http(s) URL');
  return {
    maxBytes: int('DOCUMENTS_MAX_BYTES', 20 * 1_048_576, 1024, 5 * 1024 * 1_048_576),
    maxPerDossier: int('DOCUMENTS_MAX_PER_DOSSIER', 200, 1, 100_000),
    storage,
    s3:
      storage === 's3' && bucket
        ? {
            endpoint,
            region: str('S3_REGION') ?? 'us-east-1',
            bucket,
            accessKeyId: str('S3_ACCESS_KEY_ID'),
            secretAccessKey: str('S3_SECRET_ACCESS_KEY'),
            forcePathStyle: bool('S3_FORCE_PATH_STYLE', endpoint !== undefined),
          }
        : undefined,
  };
}

function notificationsConfig(
  str: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max: number) => number,
  bool: (name: string, fallback: boolean) => boolean,
  problems: string[],
): NotificationsConfig {
  const smtpUrl = str('SMTP_URL');
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl)) problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  const digestCron = str('DIGEST_CRON') ?? '0 7 * * *';
  if (digestCron.split(/\s+/).length !== 5) problems.push('DIGEST_CRON must be a 5-field cron expression');
  return {
    webhooks: {
      allowLoopback: bool('WEBHOOKS_ALLOW_LOOPBACK', false),
      timeoutMs: int('WEBHOOKS_TIMEOUT_MS', 10_000, 100, 60_000),
      retryBaseMs: int('WEBHOOKS_RETRY_BASE_MS', 30_000, 10, 3_600_000),
      maxAttempts: int('WEBHOOKS_MAX_ATTEMPTS', 22, 1, 100),
      pollMs: int('WEBHOOKS_POLL_MS', 1000, 10, 60_000),
      concurrency: int('WEBHOOKS_CONCURRENCY', 8, 1, 100),
      disableAfterHours: int('WEBHOOKS_DISABLE_AFTER_HOURS', 72, 1, 24 * 60),
      rotationGraceHours: int('WEBHOOKS_ROTATION_GRACE_HOURS', 24, 0, 24 * 30),
    },
    mail: { smtpUrl, from: str('MAIL_FROM') ?? 'Financement MSP <no-reply@localhost>', digestCron },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
