import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AppConfig } from './config.js';

/**
 * Outside production JWT_SECRET may be unset: a random one is kept next to the embedded
 * database (git-ignored), so tokens survive a restart of a developer's service.
 */
export async function withJwtSecret(config: AppConfig): Promise<AppConfig> {
  if (config.jwt.secret) return config;
  const file = join(dirname(config.embedded.dir), 'jwt-secret');
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, randomBytes(48).toString('base64url') + '\n', { mode: 0o600 });
  }
  const secret = (await readFile(file, 'utf8')).trim();
  return { ...config, jwt: { ...config.jwt, secret } };
}
