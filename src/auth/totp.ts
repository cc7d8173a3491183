// TOTP (RFC 6238) through the otpauth library: 6 digits, 30-second steps, HMAC-SHA1, the parameters
// every authenticator app accepts. A code is checked against the current step and one either side
// (a phone's clock drifts), and the step it matched is returned so the caller can refuse it next time.
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now a code may come from. */
const WINDOW_STEPS = 1;
const SECRET_BYTES = 20; // 160 bits, as RFC 4226 recommends for HMAC-SHA1

const totpOf = (secretBase32: string, label = 'authbook', issuer = 'authbook') =>
  new TOTP({ issuer, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });

/** A new random secret, base32 (what an app's "enter a key" field takes). */
export const newTotpSecret = (randomBytes: (size: number) => Buffer): string => new Secret({ buffer: new Uint8Array(randomBytes(SECRET_BYTES)).buffer }).base32;

/** The otpauth:// URI an app reads from the QR code. */
export const totpUri = (secretBase32: string, account: string, issuer: string): string => totpOf(secretBase32, account, issuer).toString();

/** The time step of `now` (milliseconds). */
export const totpStepOf = (now: number): number => Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);

/** The step `code` belongs to, if it is the secret's code for a step within the window around `now`; else null. */
export function matchingTotpStep(secretBase32: string, code: string, now: number): number | null {
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: now, window: WINDOW_STEPS });
  return delta === null ? null : totpStepOf(now) + delta;
}

/**
 * The code an authenticator app shows at `now`: for tests and the notebook, which play the app.
 *
 * @example
 * totpCode('JBSWY3DPEHPK3PXP', Date.now()); // '492039'
 */
export const totpCode = (secretBase32: string, now: number): string => totpOf(secretBase32).generate({ timestamp: now });

/** The URI as a QR code, an SVG document (the page and the notebook show it). */
export const qrCodeSvg = (uri: string): Promise<string> => QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
