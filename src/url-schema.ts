// A URL as a setting or a value from outside, checked with zod: trimmed, parseable, one of the
// protocols named, and whatever `also` asks of it. One check for every URL the service reads.
import { z } from 'zod';

export const HTTP_PROTOCOLS = ['http:', 'https:'] as const;

/**
 * @example
 * urlOf(['smtp:', 'smtps:'], 'must be an smtp:// or smtps:// URL').parse('smtp://127.0.0.1:2525');
 */
export function urlOf(protocols: readonly string[], message: string, also: (url: URL, text: string) => boolean = () => true) {
  return z
    .string()
    .trim()
    .refine((v) => {
      if (!URL.canParse(v)) return false;
      const url = new URL(v);
      return protocols.includes(url.protocol) && also(url, v);
    }, message);
}
