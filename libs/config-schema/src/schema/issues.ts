import * as z from 'zod/mini';
// Only the English messages (a named import, so bundles leave out the other 40-odd languages).
import { en as english } from 'zod/locales';

/** One problem with a configuration: the field (as `includePaths[2]`) and what is wrong with it. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** zod's English messages, passed to each parse rather than set globally: consumers keep their own zod setup. */
export const englishIssueMessages: z.core.$ZodConfig['localeError'] = english().localeError;

/** A parse outcome that callers must inspect; bad input is data, not an exception. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

/** Formats a field path the way a person writes it: `variables.SERVICE`, `includePaths[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Turns zod issues into field + message pairs, expanding unknown keys into one issue each. */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
      // A record key (or map element) failed: report its own issues under the key's path.
      return toConfigIssues(issue.issues).map((inner) => ({ ...inner, path: formatPath(issue.path) }));
    }
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** One line per issue, `field: message`, for logs and CLI output. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}

/** Thrown where a caller asked for an exception instead of a result. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
  constructor(
    readonly issues: ConfigIssue[],
    context = 'invalid trigger configuration',
  ) {
    super(`${context}: ${formatIssues(issues)}`);
  }
}
