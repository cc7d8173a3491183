// Looking inside a JWT, for people: split it, decode header and payload (without verifying: that
// is createTokenService's job), and render the three parts in colour. Also encodes a part, so a
// notebook can show what an attacker does with a token: change a claim and keep the signature.
import { escapeHtml } from './html';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The signature as sent (base64url); empty for an `alg: none` token. */
  signature: string;
}

const PART_COLOURS = { header: '#d1004a', payload: '#9c27b0', signature: '#0086b3' } as const;

/**
 * Decodes a JWT's header and payload. Does NOT check the signature: never trust the result.
 *
 * @example
 * decodeJwt(token).payload.sub; // '1'
 */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('a JWT has three dot-separated parts');
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(parts[0]), payload: json(parts[1]), signature: parts[2] };
}

/**
 * One JWT part: JSON, then base64url.
 *
 * @example
 * encodeJwtPart({ alg: 'none' }); // 'eyJhbGciOiJub25lIn0'
 */
export const encodeJwtPart = (value: Record<string, unknown>): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const TIME_CLAIMS = ['iat', 'exp', 'nbf'];

/**
 * The token in three colours, then each part decoded (times also shown as ISO dates).
 *
 * @example
 * tslab.display.html(jwtHtml(token));
 */
export function jwtHtml(token: string): string {
  const [header, payload, signature] = token.split('.').map(escapeHtml);
  const decoded = decodeJwt(token);
  const times = TIME_CLAIMS.filter((claim) => typeof decoded.payload[claim] === 'number')
    .map((claim) => `${claim}: ${new Date((decoded.payload[claim] as number) * 1000).toISOString()}`)
    .join('<br>');
  const block = (colour: string, text: string) => `<pre style="color:${colour};margin:0">${escapeHtml(text)}</pre>`;
  const row = (label: string, colour: string, content: string) =>
    `<tr><th style="text-align:left;vertical-align:top;color:${colour}">${label}</th><td style="text-align:left">${content}</td></tr>`;
  return [
    `<div style="font-family:monospace;word-break:break-all;font-size:1.1em">` +
      `<span style="color:${PART_COLOURS.header}">${header}</span>.` +
      `<span style="color:${PART_COLOURS.payload}">${payload}</span>.` +
      `<span style="color:${PART_COLOURS.signature}">${signature}</span></div>`,
    '<table>',
    row('header', PART_COLOURS.header, block(PART_COLOURS.header, JSON.stringify(decoded.header, null, 2))),
    row('payload', PART_COLOURS.payload, block(PART_COLOURS.payload, JSON.stringify(decoded.payload, null, 2)) + (times ? `<small>${times}</small>` : '')),
    row('signature', PART_COLOURS.signature, signature ? block(PART_COLOURS.signature, `${String(decoded.header.alg)} over "header.payload": ${decoded.signature}`) : '<em>none</em>'),
    '</table>',
  ].join('\n');
}
