// Secrets at rest: what is sealed opens only with the same key and the same context, and any
// altered byte is refused rather than decrypted into something else.
import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/secret-box';

const newBox = () => createSecretBox(createSecretKey(randomBytes(32)));

describe('secret box (AES-256-GCM with the context as associated data)', () => {
  it('opens what it sealed, and never seals the same value to the same text twice', () => {
    const box = newBox();
    const a = box.seal('JBSWY3DPEHPK3PXP', 'totp:42');
    const b = box.seal('JBSWY3DPEHPK3PXP', 'totp:42');
    expect(a).not.toBe(b); // a fresh nonce each time
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(a, 'totp:42').toString()).toBe('JBSWY3DPEHPK3PXP');
    expect(box.open(box.seal(Buffer.from([0, 255, 7]), 'k').toString(), 'k')).toEqual(Buffer.from([0, 255, 7]));
  });

  it('refuses another context (a value copied to another user or purpose), another key, and any altered byte', () => {
    const box = newBox();
    const sealed = box.seal('seed of user 42', 'totp:42');
    expect(() => box.open(sealed, 'totp:43')).toThrow();
    expect(() => newBox().open(sealed, 'totp:42')).toThrow();
    const bytes = Buffer.from(sealed.split('.')[2], 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] ^= 1;
      const parts = sealed.split('.');
      parts[2] = altered.toString('base64url');
      expect(() => box.open(parts.join('.'), 'totp:42')).toThrow();
    }
    for (const bad of ['', 'v1.a.b', 'v2' + sealed.slice(2), sealed + '.x']) expect(() => box.open(bad, 'totp:42')).toThrow('not a sealed secret');
  });

  it('takes only a 32-byte secret key', () => {
    expect(() => createSecretBox(createSecretKey(randomBytes(16)))).toThrow('32-byte');
  });
});
