import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../../src/accounts/passwords.js';

describe('password storage (SECURITY.md: argon2id, 19 MiB, t=2, p=1)', () => {
  it('hashes with argon2id and the OWASP parameters, and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const [, kind, version, params] = hash.split('$');
    expect([kind, version]).toEqual(['argon2id', 'v=19']);
    expect(params.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(undefined, 'correct horse battery staple')).toBe(false);
    expect(MIN_PASSWORD_LENGTH).toBe(12);
  });
});
