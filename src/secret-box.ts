// Secrets the service must read back (TOTP seeds, private signing keys) are kept encrypted at rest:
// AES-256-GCM under the secrets key, a fresh 96-bit nonce per seal, and a context string (what the
// secret is and whose) bound as associated data, so a sealed value copied to another row or purpose
// does not open. A stolen database alone then yields no usable secret.
import { createCipheriv, createDecipheriv, KeyObject, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  /** "v1.<nonce>.<ciphertext>.<tag>", base64url; `context` (e.g. "totp:42") must be given again to open. */
  seal(plaintext: Buffer | string, context: string): string;
  /** The plaintext; throws on a wrong key, a wrong context, or any altered byte. */
  open(sealed: string, context: string): Buffer;
}

/**
 * @example
 * const box = createSecretBox(config.secretsKey);
 * const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:42');
 * box.open(sealed, 'totp:42').toString(); // 'JBSWY3DPEHPK3PXP'
 */
export function createSecretBox(key: KeyObject): SecretBox {
  if (key.type !== 'secret' || key.symmetricKeySize !== 32) throw new Error('the secrets key must be a 32-byte secret key');
  return {
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return [VERSION, nonce, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('not a sealed secret');
      const [nonce, ciphertext, tag] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
      if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    },
  };
}
