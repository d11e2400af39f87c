import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  passwordProblem,
  verifyPassword,
} from '../../../src/server/auth/passwords';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('passwords', () => {
  it('hashes with a fresh salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery', FAST);
    const b = await hashPassword('correct horse battery', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treats the same text in another Unicode form as the same password', async () => {
    const hash = await hashPassword('Kennwort für Jürgen', FAST);
    expect(await verifyPassword('Kennwort fu\u0308r Ju\u0308rgen', hash)).toBe(true);
  });

  it('refuses malformed stored hashes without throwing, also absurd parameters', async () => {
    for (const stored of [
      '',
      'plain',
      'scrypt$1$2$3',
      'bcrypt$10$x$y$z$w',
      'scrypt$9999999999$8$1$c2FsdA$aGFzaA',
      'scrypt$1024$8$1$c2FsdA$short',
    ]) {
      expect(await verifyPassword('x', stored), stored).toBe(false);
    }
  });

  it('asks for a new hash when the parameters were weaker', async () => {
    const hash = await hashPassword('correct horse battery', FAST);
    expect(needsRehash(hash, FAST)).toBe(false);
    expect(needsRehash(hash, { ...FAST, N: 2 ** 17 })).toBe(true);
  });

  it('names what is wrong with a new password', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('x'.repeat(201))).toMatch(/at most 200/);
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/repeat/);
    expect(passwordProblem('password123')).toMatch(/common/);
    expect(passwordProblem('olga.owner-2026!', { email: 'olga.owner@example.com' })).toMatch(/email/);
    expect(passwordProblem('a long secret phrase')).toBeNull();
  });
});
