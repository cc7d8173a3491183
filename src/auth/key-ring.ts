// The signing keys of this process, in memory, so signing and verifying never wait for the database.
// The ring reloads from the store when it is older than RELOAD_INTERVAL_MS and something needs it
// fresh (signing, the JWKS): every process therefore signs with a newly activated key within that
// interval, and a key another process published reaches this one at once through an unknown kid
// (reloaded at most once per UNKNOWN_KID_COOLDOWN_MS, so made-up kids cannot flood the database).
// A reload first rotates when a rotation is due; the store lets exactly one process add the key.
import type { Config } from '../config';
import type { AuthStore, SigningKeyRecord } from '../db/store';
import { createSecretBox } from '../secret-box';
import { holdSigningKey, newSigningKey, scheduleAt, SIGNING_KEY_ALGORITHM, type HeldSigningKey, type PublicJwk } from './signing-keys';
import { hmacKeyId, type TokenKeys, type TokenSigningKey, type TokenVerificationKey } from './tokens';

/** No process signs with a key list older than this. */
export const RELOAD_INTERVAL_MS = 30_000;
export const UNKNOWN_KID_COOLDOWN_MS = 1_000;

export interface KeyRing extends TokenKeys {
  /** True once the keys have been loaded (before that, nothing verifies or signs). */
  loaded(): boolean;
  /** Resolves once the keys are loaded and at most RELOAD_INTERVAL_MS old (rotating first if due). */
  fresh(): Promise<void>;
  /** A token named a kid we do not hold: reload, unless a reload for that reason was just done. */
  reloadForUnknownKid(): Promise<void>;
  /** Adds a key now (the CLI's rotate-keys): it signs after SIGNING_KEY_ACTIVATION_DELAY. */
  rotate(): Promise<{ kid: string; activatesAt: number }>;
  /** The public keys to publish now (call fresh() first). */
  jwks(): { keys: PublicJwk[] };
}

export interface KeyRingOptions {
  config: Pick<Config, 'signing' | 'jwtSecret' | 'secretsKey' | 'accessTokenTtlSeconds' | 'clockSkewSeconds'>;
  store: AuthStore;
  now: () => number;
}

/** How long after a later key activates a key still verifies (signing-keys.ts says why). */
export const retirementGraceMs = (config: KeyRingOptions['config']): number =>
  (config.accessTokenTtlSeconds + config.clockSkewSeconds) * 1000 + RELOAD_INTERVAL_MS;

/**
 * @example
 * const ring = createKeyRing({ config, store, now: Date.now });
 * await ring.fresh();
 * ring.signingKey(); // { kid: 'Qh1…', alg: 'ES256', key: KeyObject }
 */
export function createKeyRing({ config, store, now }: KeyRingOptions): KeyRing {
  const box = createSecretBox(config.secretsKey);
  const { algorithm, rotationSeconds, activationDelaySeconds } = config.signing;
  const graceMs = retirementGraceMs(config);
  const hmac: TokenSigningKey = { kid: hmacKeyId(config.jwtSecret), alg: 'HS256', key: config.jwtSecret };
  const held = new Map<string, HeldSigningKey>(); // by kid, so a reload reopens nothing
  let keys: HeldSigningKey[] | null = null;
  let loadedAt = -Infinity;
  let loading: Promise<void> | null = null;
  let unknownKidReloadAt = -Infinity;

  const schedule = () => scheduleAt(keys ?? [], now(), graceMs);
  const activationFor = (at: number) => (scheduleAt(keys ?? [], at, graceMs).current ? at + activationDelaySeconds * 1000 : at);
  const addedAudit = (key: SigningKeyRecord, via: string) =>
    ({ event: 'signing_key_added', userId: null, actorId: null, ip: null, userAgent: null, details: { kid: key.kid, activates_at: key.activatesAt, via } }) as const;

  function take(records: SigningKeyRecord[]): void {
    keys = records.filter((record) => record.alg === SIGNING_KEY_ALGORITHM).map((record) => held.get(record.kid) ?? holdSigningKey(box, record));
    held.clear();
    for (const key of keys) held.set(key.kid, key);
    loadedAt = now();
  }

  /** Rotation is due when no key was created within the interval (or, rotation off, none at all). False: not due. */
  async function rotateIfDue(): Promise<boolean> {
    const at = now();
    const unlessCreatedAfter = rotationSeconds === null ? 0 : at - rotationSeconds * 1000;
    const newest = Math.max(...(keys ?? []).map((key) => key.createdAt));
    if (newest > unlessCreatedAfter) return false;
    const key = newSigningKey(box, at, activationFor(at));
    await store.addSigningKey(key, { unlessCreatedAfter, dropSupersededBefore: at - graceMs }, addedAudit(key, 'automatic'));
    return true; // added, or another process added one first: either way, read the keys again
  }

  function reload(): Promise<void> {
    loading ??= (async () => {
      try {
        take(await store.listSigningKeys());
        // HS256 signs: the stored keys only verify, and none is added
        if (algorithm === SIGNING_KEY_ALGORITHM && (await rotateIfDue())) take(await store.listSigningKeys());
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  return {
    loaded: () => keys !== null,

    async fresh() {
      if (keys === null || now() - loadedAt >= RELOAD_INTERVAL_MS) await reload();
    },

    async reloadForUnknownKid() {
      if (keys !== null && now() - unknownKidReloadAt < UNKNOWN_KID_COOLDOWN_MS) return loading ?? undefined;
      unknownKidReloadAt = now();
      await reload();
    },

    async rotate() {
      await reload();
      const at = now();
      const key = newSigningKey(box, at, activationFor(at));
      await store.addSigningKey(key, { unlessCreatedAfter: null, dropSupersededBefore: at - graceMs }, addedAudit(key, 'rotate-keys'));
      await reload();
      return { kid: key.kid, activatesAt: key.activatesAt };
    },

    signingKey() {
      if (algorithm === 'HS256') return hmac;
      const { current } = schedule();
      if (!current) throw new Error('no ES256 signing key is active: the key ring was not loaded (call fresh() first)');
      return { kid: current.kid, alg: SIGNING_KEY_ALGORITHM, key: current.privateKey() };
    },

    verificationKey(kid): TokenVerificationKey | null {
      if (keys === null) return null;
      const { live } = schedule();
      if (kid === undefined || kid === hmac.kid) {
        // Tokens from before the switch to ES256 verify until they expire: JWT_SECRET stops minting
        // once the first ES256 key held has been signing for a reload interval.
        if (algorithm === 'HS256' || live.length === 0) return hmac;
        return { ...hmac, issuedNoLaterThan: Math.floor((live[0].activatesAt + RELOAD_INTERVAL_MS) / 1000) };
      }
      const key = live.find((each) => each.kid === kid);
      return key ? { kid: key.kid, alg: SIGNING_KEY_ALGORITHM, key: key.publicKey } : null;
    },

    jwks() {
      return { keys: schedule().live.map((key) => key.jwk) };
    },
  };
}
