import { describe, expect, it } from 'vitest';
import { checkPassword, loadCommonPasswords } from '../../src/auth/password-policy';
import { createPasswordHasher, describeBcryptHash } from '../../src/auth/passwords';

const hasher = createPasswordHasher(4);
const policy = { minLength: 8, maxLength: 1024, requireMixedCharacters: false };

describe('password hashing', () => {
  it('6.2.8 verifies the password exactly: bytes past bcrypt\'s 72 still count', async () => {
    const base = 'a'.repeat(80);
    const hash = await hasher.hash(`${base}1`);
    expect(await hasher.verify(`${base}1`, hash)).toBe(true);
    expect(await hasher.verify(`${base}2`, hash)).toBe(false);
    expect(await hasher.verify(base, hash)).toBe(false);
  });

  it('6.2.8 a NUL byte does not cut the password short', async () => {
    const hash = await hasher.hash('prefix\u0000one');
    expect(await hasher.verify('prefix\u0000one', hash)).toBe(true);
    expect(await hasher.verify('prefix\u0000two', hash)).toBe(false);
    expect(await hasher.verify('prefix', hash)).toBe(false);
  });

  it('6.2.9 accepts 64+ characters of any Unicode, normalised (NFKC) so both spellings match', async () => {
    const long = 'pässwörd🔐日本語'.repeat(8);
    expect([...long].length).toBeGreaterThanOrEqual(64);
    expect(checkPassword(long, policy)).toEqual([]);
    const hash = await hasher.hash(long);
    expect(await hasher.verify(long, hash)).toBe(true);
    const composed = 'caf\u00e9 au lait noir';
    const decomposed = 'cafe\u0301 au lait noir';
    expect(await hasher.verify(decomposed, await hasher.hash(composed))).toBe(true);
  });

  it('produces a standard bcrypt string at the configured cost, with a fresh salt each time', async () => {
    const first = await hasher.hash('same password here');
    const second = await hasher.hash('same password here');
    expect(first).not.toBe(second);
    expect(describeBcryptHash(first)).toMatchObject({ algorithm: '2b', cost: 4 });
    expect(describeBcryptHash(first).salt).toHaveLength(22);
    expect(describeBcryptHash(first).hash).toHaveLength(31);
  });

  it('verifyAgainstNothing costs a compare and always fails', async () => {
    expect(await hasher.verifyAgainstNothing('anything at all')).toBe(false);
  });
});

describe('password policy', () => {
  it('6.2.4 ships at least 3,000 common passwords and refuses them, whatever the case', () => {
    expect(loadCommonPasswords().size).toBeGreaterThanOrEqual(10_000);
    expect(checkPassword('Test1234', policy)).toEqual(['Password is one of the most commonly used passwords']);
    expect(checkPassword('PASSWORD1', policy)).toEqual(['Password is one of the most commonly used passwords']);
  });

  it('6.2.1 needs at least 8 characters, counted in code points', () => {
    expect(checkPassword('tiny7ch', policy)).toEqual(['Password must be at least 8 characters long']);
    expect(checkPassword('🔐🔐🔐🔐🔐🔐🔐🔐', policy)).toEqual([]);
  });

  it('caps the length against abuse', () => {
    expect(checkPassword('x'.repeat(1025), policy)).toEqual(['Password must be at most 1024 characters long']);
  });

  it('6.2.5 has no composition rules by default; the original\'s rule is an option', () => {
    expect(checkPassword('all lowercase words', policy)).toEqual([]);
    const mixed = { ...policy, requireMixedCharacters: true };
    expect(checkPassword('all lowercase words', mixed)).toEqual([
      'Password must contain at least one uppercase letter',
      'Password must contain at least one digit',
    ]);
    expect(checkPassword('Mixed Case 42 words', mixed)).toEqual([]);
  });

  it('6.2.11 refuses the account\'s own username or email as its password', () => {
    expect(checkPassword('adalovelace', policy, { username: 'AdaLovelace' })).toContain('Password must not be your username or email');
    expect(checkPassword('ada@example.com', policy, { email: 'ada@example.com' })).toContain('Password must not be your username or email');
    expect(checkPassword('ada.lovelace.1815', policy, { username: 'ada_lovelace' })).toContain('Password must not be your username or email');
  });

  it('6.2.11 refuses passwords built on the documented context-specific words', () => {
    expect(checkPassword('Authbook2026!', policy)).toEqual(["Password is too easy to guess: it is built on the word 'authbook'"]);
    expect(checkPassword('administrator#1', policy)).toEqual(["Password is too easy to guess: it is built on the word 'administrator'"]);
    expect(checkPassword('authbook is my favourite', policy)).toEqual([]);
  });
});
