import { createSecretKey, type KeyObject } from 'node:crypto';

const keys = new Map<string, KeyObject>();

/**
 * The HS256 key as a KeyObject, made once. Given the secret as a string, jsonwebtoken builds a
 * KeyObject on every sign and verify, first trying to parse it as a PEM public key (an
 * exception each time): a measurable part of every authenticated request.
 */
export function jwtKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret))));
  return key;
}
