import { createSecretKey, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { createTokenService, hmacKeyId } from '../../src/auth/tokens';

const secret = createSecretKey(randomBytes(48));
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const nowSeconds = NOW / 1000;
const options = { secret, issuer: 'authbook', audience: 'authbook', ttlSeconds: 900, clockSkewSeconds: 5, now: () => NOW };
const tokens = createTokenService(options);

const validClaims = () => ({ iss: 'authbook', aud: 'authbook', sub: '7', sid: 'session-1', jti: 'j1', iat: nowSeconds, exp: nowSeconds + 900 });
const sign = (claims: object, header: object = { typ: 'at+jwt' }, key: jwt.Secret = secret, algorithm: jwt.Algorithm = 'HS256') =>
  jwt.sign(claims, key, { algorithm, header: { alg: algorithm, ...header } as jwt.JwtHeader });
const without = (key: string) => Object.fromEntries(Object.entries(validClaims()).filter(([k]) => k !== key));
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  it('7.2.2 signs fresh tokens carrying iss, aud, sub, sid, jti, iat and exp, and verifies them', () => {
    const { token, expiresIn } = tokens.sign({ userId: 7, sessionId: 'session-1' });
    expect(expiresIn).toBe(900);
    const verified = tokens.verify(token);
    expect(verified).toMatchObject({ userId: 7, sessionId: 'session-1' });
    expect(verified!.claims).toMatchObject({ iss: 'authbook', aud: 'authbook', sub: '7', sid: 'session-1', iat: nowSeconds, exp: nowSeconds + 900 });
    expect(verified!.claims.jti).toMatch(/^[\w-]{22}$/);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: hmacKeyId(secret) });
  });

  it('gives every token its own jti', () => {
    const a = tokens.verify(tokens.sign({ userId: 1, sessionId: 's' }).token)!;
    const b = tokens.verify(tokens.sign({ userId: 1, sessionId: 's' }).token)!;
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it('accepts a hand-made token with the right claims (the table below changes one thing each)', () => {
    expect(tokens.verify(sign(validClaims()))).not.toBeNull();
  });

  const attacker = createSecretKey(randomBytes(48));
  const cases: Array<[string, () => string]> = [
    ['9.1.1 tampered payload (role or sub changed)', () => {
      const [header, , signature] = sign(validClaims()).split('.');
      return `${header}.${b64({ ...validClaims(), sub: '1' })}.${signature}`;
    }],
    ['9.1.2 alg none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(validClaims())}.`],
    ['9.1.2 another HMAC algorithm (HS512) with our key', () => sign(validClaims(), {}, secret, 'HS512')],
    ['9.1.3 a key named by kid/jku/jwk headers is never used', () =>
      sign(validClaims(), { typ: 'at+jwt', kid: 'attacker', jku: 'https://evil.example/jwks.json', jwk: { kty: 'oct' } }, attacker)],
    ['9.2.1 expired', () => sign({ ...validClaims(), iat: nowSeconds - 2000, exp: nowSeconds - 1000 })],
    ['9.2.1 not yet valid (nbf beyond the skew)', () => sign({ ...validClaims(), nbf: nowSeconds + 60 })],
    ['9.2.1 issued in the future beyond the skew', () => sign({ ...validClaims(), iat: nowSeconds + 60 })],
    ['9.2.2 wrong type (an ID token or other JWT)', () => sign(validClaims(), { typ: 'JWT' })],
    ['9.2.3 wrong audience', () => sign({ ...validClaims(), aud: 'another-service' })],
    ['9.2.3 wrong issuer', () => sign({ ...validClaims(), iss: 'someone-else' })],
    ['missing sid', () => sign(without('sid'))],
    ['missing jti', () => sign(without('jti'))],
    ['missing exp', () => sign(without('exp'))],
    ['non-numeric subject', () => sign({ ...validClaims(), sub: 'admin' })],
    ['garbage', () => 'not.a.token'],
  ];
  it.each(cases)('%s: refused', (_name, make) => {
    expect(tokens.verify(make())).toBeNull();
  });

  it('9.2.1 tolerates a small clock skew on iat and nbf', () => {
    expect(tokens.verify(sign({ ...validClaims(), iat: nowSeconds + 4, nbf: nowSeconds + 4 }))).not.toBeNull();
  });

  it('9.2.1 expires tokens after the configured lifetime', () => {
    const { token } = tokens.sign({ userId: 3, sessionId: 's' });
    const later = createTokenService({ ...options, now: () => NOW + 906_000 });
    expect(later.verify(token)).toBeNull();
    const almost = createTokenService({ ...options, now: () => NOW + 899_000 });
    expect(almost.verify(token)).not.toBeNull();
  });
});
