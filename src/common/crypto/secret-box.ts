import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';

/**
 * Secrets the service must read back (a webhook's signing secret) kept encrypted at rest:
 * AES-256-GCM under a key derived (HKDF-SHA256) from DATA_ENCRYPTION_KEY, or JWT_SECRET when
 * that is unset. Text form `v1.<iv>.<tag>.<ciphertext>` (base64url); a row altered or read
 * with another key fails to open instead of giving garbage.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(material: string) {
    this.key = Buffer.from(hkdfSync('sha256', material, 'msp-funding', 'secrets-at-rest/v1', 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The secret, or null when it was sealed under another key (DATA_ENCRYPTION_KEY or JWT_SECRET changed). */
  tryOpen(sealed: string): string | null {
    try {
      return this.open(sealed);
    } catch {
      return null;
    }
  }
}

export const SECRET_BOX = Symbol('SECRET_BOX');

/** The one SecretBox of the application (webhook secrets, Démarches Simplifiées tokens). */
export const secretBoxProvider: Provider = {
  provide: SECRET_BOX,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new SecretBox(config.dataEncryptionKey ?? config.jwt.secret!),
};
