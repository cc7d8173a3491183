// A Config as rows a person can read, with every secret replaced by a mark: a key object shows
// only its size, and any setting named like a password or secret only that it is set. Redaction
// goes by type and name, not by a list, so a secret added to Config later stays hidden too.
import { KeyObject } from 'node:crypto';
import type { Config } from '../config';

export interface ConfigRow {
  setting: string;
  value: string;
}

const SECRET_MARK = '••••••••';
const SECRET_NAME = /(password|secret)$/i;

function describe(setting: string, value: unknown): string {
  if (value instanceof KeyObject) return `${SECRET_MARK}  (${value.symmetricKeySize ?? '?'}-byte key, hidden)`;
  if (SECRET_NAME.test(setting) && typeof value === 'string') return `${SECRET_MARK}  (set, hidden)`;
  return Array.isArray(value) ? value.join(' | ') : String(value);
}

/**
 * One row per setting, nested settings flattened with dots (`rateLimit.loginPerWindow`).
 *
 * @example
 * tslab.display.html(htmlTable(configRows(config)));
 * // jwtSecret   ••••••••  (48-byte key, hidden)
 */
export function configRows(config: Config): ConfigRow[] {
  const rows: ConfigRow[] = [];
  const add = (setting: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof KeyObject)) {
      for (const [key, inner] of Object.entries(value)) add(`${setting}.${key}`, inner);
    } else {
      rows.push({ setting, value: describe(setting, value) });
    }
  };
  for (const [setting, value] of Object.entries(config)) add(setting, value);
  return rows;
}
