// An SVG sequence diagram of the token life cycle the service implements: log in, call with the
// access token, refresh when it expires (the refresh token rotates), and what a replayed refresh
// token does. Durations come from the config, so the picture matches the running service.
import type { Config } from '../config';
import { escapeHtml } from './html';

interface Message {
  from: 'client' | 'server';
  text: string;
  /** A second, smaller line under the arrow. */
  note?: string;
  tone?: 'ok' | 'refused';
}

const LANES = { client: 110, server: 530 } as const;
const WIDTH = 640;
const ROW_HEIGHT = 46;

const humanDuration = (seconds: number): string =>
  seconds % 86400 === 0 ? `${seconds / 86400} d` : seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

function flow(config: Pick<Config, 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>): Message[] {
  const access = humanDuration(config.accessTokenTtlSeconds);
  const refresh = humanDuration(config.refreshTokenTtlSeconds);
  return [
    { from: 'client', text: 'POST /login {email, password}', note: 'bcrypt compare; a session row is created' },
    { from: 'server', text: '200 {token, refresh_token}', note: `access token lives ${access}; refresh token ${refresh} of disuse`, tone: 'ok' },
    { from: 'client', text: 'GET /users/me  Authorization: Bearer token', note: 'signature, claims, then user + session read from the database' },
    { from: 'server', text: '200 {user}', tone: 'ok' },
    { from: 'client', text: `GET /users/me  (${access} later)` },
    { from: 'server', text: '401 invalid_token', note: 'expired: the client refreshes', tone: 'refused' },
    { from: 'client', text: 'POST /token/refresh {refresh_token}', note: 'the token is spent and a new one stored (rotation)' },
    { from: 'server', text: '200 {token, refresh_token}  (both new)', tone: 'ok' },
    { from: 'client', text: 'POST /token/refresh {the OLD refresh_token}', note: 'a spent token again: someone holds a copy' },
    { from: 'server', text: '401 refresh_token_reused', note: 'the whole session ends, for thief and owner', tone: 'refused' },
  ];
}

const TONE_COLOUR = { ok: '#2e7d32', refused: '#c62828' } as const;

/**
 * @example
 * tslab.display.svg(authFlowSvg(config));
 */
export function authFlowSvg(config: Pick<Config, 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>): string {
  const messages = flow(config);
  const height = 70 + messages.length * ROW_HEIGHT;
  const arrows = messages.map((message, i) => {
    const y = 70 + i * ROW_HEIGHT;
    const [x1, x2] = message.from === 'client' ? [LANES.client, LANES.server] : [LANES.server, LANES.client];
    const colour = message.tone ? TONE_COLOUR[message.tone] : '#333';
    const head = x2 > x1 ? `${x2 - 10},${y - 5} ${x2},${y} ${x2 - 10},${y + 5}` : `${x2 + 10},${y - 5} ${x2},${y} ${x2 + 10},${y + 5}`;
    const middle = (LANES.client + LANES.server) / 2;
    return (
      `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${colour}" stroke-width="1.5"/>` +
      `<polygon points="${head}" fill="${colour}"/>` +
      `<text x="${middle}" y="${y - 6}" text-anchor="middle" font-size="12" fill="${colour}">${escapeHtml(message.text)}</text>` +
      (message.note ? `<text x="${middle}" y="${y + 15}" text-anchor="middle" font-size="10" fill="#666">${escapeHtml(message.note)}</text>` : '')
    );
  });
  const lane = (x: number, label: string) =>
    `<rect x="${x - 60}" y="10" width="120" height="28" rx="4" fill="#eef3fb" stroke="#3b7dd8"/>` +
    `<text x="${x}" y="29" text-anchor="middle" font-size="13">${label}</text>` +
    `<line x1="${x}" y1="38" x2="${x}" y2="${height - 10}" stroke="#999" stroke-dasharray="4 4"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif">`,
    lane(LANES.client, 'client'),
    lane(LANES.server, 'authbook'),
    ...arrows,
    '</svg>',
  ].join('\n');
}
