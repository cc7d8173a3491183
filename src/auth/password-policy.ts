// What a new password must be, after OWASP ASVS 5.0 (6.2.x) and NIST SP 800-63B: long enough,
// not absurdly long (bcrypt work is bounded by the pre-hash, the cap stops abuse of the parser),
// any Unicode accepted, not one of the 10,000 most common passwords, not built on the account's own
// name or on a word tied to this service (the documented context-specific list, ASVS 6.1.2/6.2.11).
// No composition rules unless PASSWORD_REQUIRE_MIXED asks for the original's upper/lower/digit.
import fs from 'node:fs';
import path from 'node:path';
import type { PasswordPolicyConfig } from '../config';
import { normalizePassword } from './passwords';

const COMMON_PASSWORDS_FILE = path.join(__dirname, 'data', 'common-passwords.txt');
let commonPasswords: ReadonlySet<string> | null = null;

/** The shipped list, read once on first use (lines starting with # are its header). */
export function loadCommonPasswords(): ReadonlySet<string> {
  commonPasswords ??= new Set(
    fs
      .readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return commonPasswords;
}

/** Words an attacker tries first against this service; a password built on one is refused. */
export const CONTEXT_SPECIFIC_WORDS: readonly string[] = ['authbook', 'admin', 'administrator', 'root', 'password', 'login', 'user', 'welcome'];

export interface PasswordContext {
  username?: string;
  email?: string;
}

/**
 * Returns what is wrong with `password`, one sentence each; an empty list means acceptable.
 *
 * @example
 * checkPassword('Test1234', { minLength: 8, maxLength: 1024, requireMixedCharacters: false });
 * // ['Password is one of the most commonly used passwords']
 */
export function checkPassword(password: string, policy: PasswordPolicyConfig, context: PasswordContext = {}): string[] {
  const normalized = normalizePassword(password);
  const length = [...normalized].length; // code points, so an emoji counts once
  const problems: string[] = [];
  if (length < policy.minLength) problems.push(`Password must be at least ${policy.minLength} characters long`);
  if (length > policy.maxLength) problems.push(`Password must be at most ${policy.maxLength} characters long`);
  const lower = normalized.toLowerCase();
  const common = loadCommonPasswords().has(lower);
  if (common) problems.push('Password is one of the most commonly used passwords');
  // "Authbook2026!" and "ada.lovelace1" are the word plus decoration: compare the letters alone too.
  const letters = lower.replace(/[^\p{L}]/gu, '');
  const names = [context.username, context.email, context.email?.split('@')[0]].filter((n): n is string => !!n).map((n) => n.toLowerCase());
  const lettersOf = (word: string) => word.replace(/[^\p{L}]/gu, '');
  if (names.some((name) => name === lower || (lettersOf(name) !== '' && lettersOf(name) === letters))) {
    problems.push('Password must not be your username or email');
  } else if (!common && CONTEXT_SPECIFIC_WORDS.includes(letters)) {
    problems.push(`Password is too easy to guess: it is built on the word '${letters}'`);
  }
  if (policy.requireMixedCharacters) {
    if (!/\p{Lu}/u.test(normalized)) problems.push('Password must contain at least one uppercase letter');
    if (!/\p{Ll}/u.test(normalized)) problems.push('Password must contain at least one lowercase letter');
    if (!/\p{Nd}/u.test(normalized)) problems.push('Password must contain at least one digit');
  }
  return problems;
}
