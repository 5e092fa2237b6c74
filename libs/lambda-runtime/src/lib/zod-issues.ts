import type * as z from 'zod/mini';
// Only the English messages (a named import, so bundles leave out the other 40-odd languages).
import { en as english } from 'zod/locales';

/** zod's English messages, passed per parse (zod/mini has none by default). */
export const ENGLISH = english().localeError;

type Issue = Pick<z.core.$ZodIssue, 'path' | 'message'>;

/**
 * Where an issue is, the way a person writes it: `variables.SERVICE`, `includePaths[2]`, or `(root)`
 * for the value itself. The same style as config-schema's `formatPath`, which the published package
 * keeps for itself (it depends on no private library, and the functions' shared toolkit does not pull
 * the config engine into the webhook).
 */
export const issuePath = (issue: Pick<Issue, 'path'>): string =>
  issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('') || '(root)';

/**
 * The one wording of zod issues for people and logs: `field: reason; field: reason`. With
 * `fieldsOnly`, the distinct fields alone (`a, b.c`), for answers to callers we do not trust with
 * the rules we check.
 */
export function formatZodIssues(issues: readonly Issue[], options: { fieldsOnly?: boolean } = {}): string {
  if (options.fieldsOnly) return [...new Set(issues.map(issuePath))].join(', ');
  return issues.map((issue) => `${issuePath(issue)}: ${issue.message}`).join('; ');
}
