// What a new password must be, after OWASP ASVS 5.0 (6.2.x) and NIST SP 800-63B: long enough,
// not absurdly long (bcrypt work is bounded by the pre-hash, the cap stops abuse of the parser),
// any Unicode accepted, not one of the 10,000 most common passwords, not the account's own name.
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
  if (loadCommonPasswords().has(lower)) problems.push('Password is one of the most commonly used passwords');
  const names = [context.username, context.email, context.email?.split('@')[0]].filter((n): n is string => !!n);
  if (names.some((name) => name.toLowerCase() === lower)) problems.push('Password must not be your username or email');
  if (policy.requireMixedCharacters) {
    if (!/\p{Lu}/u.test(normalized)) problems.push('Password must contain at least one uppercase letter');
    if (!/\p{Ll}/u.test(normalized)) problems.push('Password must contain at least one lowercase letter');
    if (!/\p{Nd}/u.test(normalized)) problems.push('Password must contain at least one digit');
  }
  return problems;
}
