import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file sits at <root>/src/database (ts-jest) or <root>/dist/database (built).
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const schemaPath = resolve(projectRoot, 'prisma', 'schema.prisma');
export const migrationsDir = resolve(projectRoot, 'prisma', 'migrations');
