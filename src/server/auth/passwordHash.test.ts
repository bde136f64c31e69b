import { describe, expect, it } from 'vitest';

import { defaultScryptParams, hashPassword, verifyPassword } from './passwordHash.ts';

describe('hashPassword / verifyPassword', () => {
  it('encodes scrypt$N$r$p$salt$hash with the default cost and a 16-byte salt', async () => {
    const encoded = await hashPassword('correct horse battery');
    const [scheme, N, r, p, salt, hash] = encoded.split('$');
    expect([scheme, Number(N), Number(r), Number(p)]).toEqual(['scrypt', 2 ** 15, 8, 1]);
    expect(defaultScryptParams).toEqual({ N: 2 ** 15, r: 8, p: 1 });
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery', encoded)).toBe(true);
    expect(await verifyPassword('correct horse batterY', encoded)).toBe(false);
  });

  it('salts every hash differently', async () => {
    const params = { N: 1024, r: 8, p: 1 };
    expect(await hashPassword('same', params)).not.toBe(await hashPassword('same', params));
  });

  it('verifies with the parameters stored in the hash', async () => {
    const cheap = await hashPassword('pw-12345', { N: 1024, r: 4, p: 2 });
    expect(cheap.startsWith('scrypt$1024$4$2$')).toBe(true);
    expect(await verifyPassword('pw-12345', cheap)).toBe(true);
  });

  it('treats malformed or hostile hashes as a mismatch instead of throwing', async () => {
    for (const encoded of [
      '',
      'plain',
      'bcrypt$10$abc',
      'scrypt$1000$8$1$c2FsdA==$aGFzaA==',
      'scrypt$2097152$8$1$c2FsdA==$aGFzaA==',
      'scrypt$1024$8$1$$',
    ]) {
      expect(await verifyPassword('x', encoded), encoded).toBe(false);
    }
  });
});
