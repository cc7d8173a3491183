// Who decides the site's address: the relying party passkeys are bound to and the base of mail
// links, from what was configured, the public URL a tunnel reported, and the defaults; and the
// holder that keeps the public URL.
import { describe, expect, it } from 'vitest';
import { linkBaseFor, relyingPartyFor } from '../../src/auth/site-address';
import { loadConfig } from '../../src/config';
import { createPublicOrigin } from '../../src/public-origin';

const configOf = (env: Record<string, string | undefined> = {}) => loadConfig({ DATABASE_PATH: ':memory:', JWT_SECRET: 'x'.repeat(48), PORT: '5000', ...env });
const TUNNEL = 'https://ada-authbook.loca.lt';

describe('relyingPartyFor', () => {
  it.each([
    { case: 'the default before any public URL', env: {}, publicOrigin: null, expected: { rpId: 'localhost', origin: 'http://localhost:5000' } },
    { case: "the tunnel's URL once there is one", env: {}, publicOrigin: TUNNEL, expected: { rpId: 'ada-authbook.loca.lt', origin: TUNNEL } },
    { case: 'a public URL on an IP address cannot be an RP ID: the default', env: {}, publicOrigin: 'http://203.0.113.9:8080', expected: { rpId: 'localhost', origin: 'http://localhost:5000' } },
    {
      case: 'WEBAUTHN_ORIGIN wins over the tunnel',
      env: { WEBAUTHN_ORIGIN: 'https://auth.example.org' },
      publicOrigin: TUNNEL,
      expected: { rpId: 'auth.example.org', origin: 'https://auth.example.org' },
    },
    {
      case: 'WEBAUTHN_RP_ID alone wins over the tunnel too',
      env: { WEBAUTHN_RP_ID: 'localhost' },
      publicOrigin: TUNNEL,
      expected: { rpId: 'localhost', origin: 'http://localhost:5000' },
    },
    {
      case: "PUBLIC_URL's origin wins over the tunnel (a path is not part of an origin)",
      env: { PUBLIC_URL: 'https://auth.example.org/sso' },
      publicOrigin: TUNNEL,
      expected: { rpId: 'auth.example.org', origin: 'https://auth.example.org' },
    },
    {
      case: 'WEBAUTHN_ORIGIN wins over PUBLIC_URL',
      env: { WEBAUTHN_ORIGIN: 'https://login.example.org', PUBLIC_URL: 'https://auth.example.org' },
      publicOrigin: null,
      expected: { rpId: 'login.example.org', origin: 'https://login.example.org' },
    },
    {
      case: 'a PUBLIC_URL on an IP address is skipped: the tunnel',
      env: { PUBLIC_URL: 'http://203.0.113.9:8080' },
      publicOrigin: TUNNEL,
      expected: { rpId: 'ada-authbook.loca.lt', origin: TUNNEL },
    },
    {
      case: 'with PORT=0, localhost at the port the server listens on',
      env: { PORT: '0' },
      publicOrigin: null,
      expected: { rpId: 'localhost', origin: 'http://localhost:41234' },
    },
  ])('$case', ({ env, publicOrigin, expected }) => {
    expect(relyingPartyFor(configOf(env), publicOrigin, 'http://127.0.0.1:41234')).toEqual(expected);
  });

  it('config tells an explicit relying party from the default', () => {
    expect(configOf().secondFactor.webauthnConfigured).toBe(false);
    expect(configOf({ WEBAUTHN_ORIGIN: 'http://localhost:5000' }).secondFactor.webauthnConfigured).toBe(true);
    expect(configOf({ WEBAUTHN_RP_ID: 'localhost' }).secondFactor.webauthnConfigured).toBe(true);
  });
});

describe('linkBaseFor', () => {
  it.each([
    { case: 'PUBLIC_URL wins over the tunnel', env: { PUBLIC_URL: 'https://auth.example.org/' }, publicOrigin: TUNNEL, ownUrl: 'http://127.0.0.1:5000', expected: 'https://auth.example.org' },
    { case: "else the tunnel's URL", env: {}, publicOrigin: TUNNEL, ownUrl: 'http://127.0.0.1:5000', expected: TUNNEL },
    { case: "else the server's own URL", env: {}, publicOrigin: null, ownUrl: 'http://127.0.0.1:5000', expected: 'http://127.0.0.1:5000' },
    { case: 'else localhost at the configured port', env: {}, publicOrigin: null, ownUrl: null, expected: 'http://localhost:5000' },
  ])('$case', ({ env, publicOrigin, ownUrl, expected }) => {
    expect(linkBaseFor(configOf(env), publicOrigin, ownUrl)).toBe(expected);
  });
});

describe('createPublicOrigin', () => {
  it('keeps the origin of the URL last set, and refuses anything but http(s)', () => {
    const publicOrigin = createPublicOrigin();
    expect(publicOrigin.current()).toBeNull();
    publicOrigin.set('https://ada.loca.lt/app?x=1');
    expect(publicOrigin.current()).toBe('https://ada.loca.lt');
    publicOrigin.set('http://b0b.localhost:4321');
    expect(publicOrigin.current()).toBe('http://b0b.localhost:4321');
    expect(() => publicOrigin.set('javascript:alert(1)')).toThrow('must be an http:// or https:// URL');
    expect(publicOrigin.current()).toBe('http://b0b.localhost:4321');
  });
});
