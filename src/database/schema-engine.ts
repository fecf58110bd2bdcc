// Prisma's migration engine, in its WASM build, so that migrations are written and applied
// without the native schema engine (which cannot be downloaded on every machine).
// The package is ESM that imports a `.wasm` file, which Node 20 cannot do without a flag:
// instantiate it by hand through its JS glue, as its own entry point would.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);

export interface MigrationDirectory {
  name: string;
  sql: string;
}

type Engine = {
  diff(params: unknown): Promise<{ exitCode: number; stdout?: string }>;
  applyMigrations(params: unknown): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
};

let glue: Promise<{ SchemaEngine: { new: (...args: unknown[]) => Promise<Engine> } }> | undefined;

function loadGlue() {
  glue ??= (async () => {
    const glueFile = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as Record<string, unknown> & {
      __wbg_set_wasm(exports: unknown): void;
    };
    const bytes = await readFile(join(dirname(glueFile), 'schema_engine_bg.wasm'));
    // @types/node 20 does not declare the WebAssembly global.
    const wasm = (globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array, i: object): Promise<{ instance: { exports: unknown } }> } }).WebAssembly;
    // The engine leaves timers behind (its own timeouts) that would keep a command-line
    // process alive for seconds after its work is done: they should not hold the process.
    const imports: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(bg).filter((n) => n.startsWith('__wbg_setTimeout_'))) {
      const set = bg[name] as (...args: unknown[]) => { unref?: () => void };
      imports[name] = (...args: unknown[]) => {
        const timer = set(...args);
        timer?.unref?.();
        return timer;
      };
    }
    const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': imports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return bg as never;
  })();
  return glue;
}

const noFilters = { externalTables: [], externalEnums: [] };

// @prisma/adapter-pg runs a migration script by splitting it on ';', which breaks
// dollar-quoted function bodies and comments, and applies half a migration when a statement
// fails. Send the script as one simple query instead, as the native engine does: PostgreSQL
// then runs it in one implicit transaction, so a migration applies whole or not at all.
class WholeScriptPg extends PrismaPg {
  readonly opened: { dispose(): Promise<void> }[] = [];

  override async connect() {
    const adapter = await super.connect();
    this.opened.push(adapter);
    const withErrors = adapter as unknown as { onError(e: unknown): never };
    adapter.executeScript = async (script: string) => {
      try {
        await (adapter.underlyingDriver() as { query(sql: string): Promise<unknown> }).query(script);
      } catch (error) {
        withErrors.onError(error);
      }
    };
    return adapter;
  }
}

export async function withSchemaEngine<T>(connectionString: string, datamodel: string, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadGlue();
  const factory = new WholeScriptPg({ connectionString });
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', datamodel]] }, () => undefined, adapter);
  try {
    return await fn(engine);
  } finally {
    engine.free();
    // Close its connections now rather than when they idle out (a CLI would wait for them).
    await Promise.all(factory.opened.map((a) => a.dispose().catch(() => undefined)));
  }
}

/** The SQL that takes a database from `from` (none: empty) to the datamodel `to`. */
export async function diffSql(connectionString: string, from: string | null, to: string): Promise<string> {
  return withSchemaEngine(connectionString, to, async (engine) => {
    const files = (text: string) => ({ tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: text }] });
    const result = await engine.diff({
      from: from === null ? { tag: 'empty' } : files(from),
      to: files(to),
      script: true,
      exitCode: null,
      shadowDatabaseUrl: null,
      filters: noFilters,
    });
    return result.stdout ?? '';
  });
}

/** The SQL that takes the live database at `connectionString` to the datamodel `to`. */
export async function diffFromDatabaseSql(connectionString: string, to: string, configDir: string): Promise<string> {
  return withSchemaEngine(connectionString, to, async (engine) => {
    const files = [{ path: 'schema.prisma', content: to }];
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files, configDir },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      shadowDatabaseUrl: null,
      filters: noFilters,
    });
    return result.stdout ?? '';
  });
}

/** Applies the pending migrations and records them in `_prisma_migrations`, as `prisma migrate deploy`. */
export async function applyMigrations(connectionString: string, datamodel: string, baseDir: string, migrations: MigrationDirectory[]): Promise<string[]> {
  return withSchemaEngine(connectionString, datamodel, async (engine) => {
    const result = await engine.applyMigrations({
      migrationsList: {
        baseDir,
        lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' },
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
        })),
        shadowDbInitScript: '',
      },
      filters: noFilters,
    });
    return result.appliedMigrationNames;
  });
}
