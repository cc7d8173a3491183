// ES256 signing keys: made here, kept in the database (the private half sealed with secret-box.ts
// under "signing-key:<kid>"), and scheduled. A key is published (JWKS) from its creation, signs from
// its activation until the next key activates, and keeps verifying for a grace period after that:
// the access-token lifetime, the clock skew and one reload interval of the key ring (a process may
// sign with it that much longer), so every token it signed has expired before it goes.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { SigningKeyRecord } from '../db/store';
import type { SecretBox } from '../secret-box';

export const SIGNING_KEY_ALGORITHM = 'ES256';

/** A public key as the JWKS publishes it (RFC 7517/7518: EC P-256). */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof SIGNING_KEY_ALGORITHM;
  use: 'sig';
}

/** A stored key made usable: the public key always, the private key opened on first use. */
export interface HeldSigningKey {
  kid: string;
  jwk: PublicJwk;
  publicKey: KeyObject;
  privateKey(): KeyObject;
  createdAt: number;
  activatesAt: number;
}

const sealContext = (kid: string) => `signing-key:${kid}`;

/** RFC 7638 thumbprint: the kid follows from the key, so two processes can never give one kid two keys. */
function thumbprint(jwk: { crv: string; kty: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A new P-256 key pair as a row to store. */
export function newSigningKey(box: SecretBox, createdAt: number, activatesAt: number): SigningKeyRecord {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { crv, x, y } = publicKey.export({ format: 'jwk' }) as { crv: 'P-256'; x: string; y: string };
  const kid = thumbprint({ crv, kty: 'EC', x, y });
  const jwk: PublicJwk = { kty: 'EC', crv, x, y, kid, alg: SIGNING_KEY_ALGORITHM, use: 'sig' };
  return {
    kid,
    alg: SIGNING_KEY_ALGORITHM,
    publicJwk: JSON.stringify(jwk),
    sealedPrivateKey: box.seal(privateKey.export({ format: 'der', type: 'pkcs8' }), sealContext(kid)),
    createdAt,
    activatesAt,
  };
}

/** A stored row as a key to verify with; its private half is opened (once) only to sign. */
export function holdSigningKey(box: SecretBox, record: SigningKeyRecord): HeldSigningKey {
  const jwk = JSON.parse(record.publicJwk) as PublicJwk;
  let privateKey: KeyObject | undefined;
  return {
    kid: record.kid,
    jwk,
    publicKey: createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' }),
    privateKey() {
      if (!privateKey) {
        try {
          privateKey = createPrivateKey({ key: box.open(record.sealedPrivateKey, sealContext(record.kid)), format: 'der', type: 'pkcs8' });
        } catch {
          throw new Error(`signing key ${record.kid} does not open with this SECRETS_KEY (was it changed?)`);
        }
      }
      return privateKey;
    },
    createdAt: record.createdAt,
    activatesAt: record.activatesAt,
  };
}

export interface KeySchedule {
  /** The key that signs now: the last to have activated; null before the first activates. */
  current: HeldSigningKey | null;
  /** Published and verifying: pending, current, and retired keys within their grace. */
  live: HeldSigningKey[];
}

/**
 * Which keys do what at `now`, `keys` in order of activation (as the store lists them).
 *
 * @example
 * scheduleAt([first, second], second.activatesAt + 1, graceMs); // { current: second, live: [first, second] }
 */
export function scheduleAt(keys: readonly HeldSigningKey[], now: number, graceMs: number): KeySchedule {
  let current: HeldSigningKey | null = null;
  const live: HeldSigningKey[] = [];
  keys.forEach((key, i) => {
    if (key.activatesAt <= now) current = key;
    const supersededAt = keys[i + 1]?.activatesAt;
    if (supersededAt === undefined || now < supersededAt + graceMs) live.push(key);
  });
  return { current, live };
}
