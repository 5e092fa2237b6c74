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

/** What a type is called in a message for people. */
const NOUNS: Record<string, string> = {
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  undefined: 'nothing',
  null: 'null',
};
const noun = (type: string | undefined) => (type ? (NOUNS[type] ?? type) : 'something else');

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[y.length] as number;
}

/** The known field a misspelt one most likely meant, if one is close (`Branch` → `Branches`). */
export function closestField(unknown: string, known: readonly string[]): string | undefined {
  let best: { field: string; distance: number } | undefined;
  for (const field of known) {
    const d = distance(unknown, field);
    if (d <= Math.max(2, Math.floor(field.length / 3)) && (!best || d < best.distance)) best = { field, distance: d };
  }
  return best?.field;
}

/**
 * Turns zod issues into field + message pairs in words a person would use: one issue per unknown
 * field, with the known field it most likely meant (`known`: the fields of the object at the root);
 * a missing field is "is required", a wrong type says what was expected and what came.
 */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[], known: readonly string[] = []): ConfigIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
      // A record key (or map element) failed: report its own issues under the key's path.
      return toConfigIssues(issue.issues).map((inner) => ({ ...inner, path: formatPath(issue.path) }));
    }
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const meant = issue.path.length === 0 ? closestField(key, known) : undefined;
        return { path: formatPath([...issue.path, key]), message: `is not a known field${meant ? `; did you mean ${meant}?` : ''}` };
      });
    }
    const received = /received (\w+)/.exec(issue.message)?.[1];
    if (
      issue.code === 'invalid_type' ||
      (issue.code === 'invalid_union' && received === undefined && /^Invalid input$/.test(issue.message))
    ) {
      if (received === 'undefined' || (issue.code === 'invalid_union' && issue.path.length > 0 && isMissing(issue)))
        return [
          { path: formatPath(issue.path), message: `is required${issue.code === 'invalid_type' ? ` (${noun(issue.expected)})` : ''}` },
        ];
      if (issue.code === 'invalid_type')
        return [{ path: formatPath(issue.path), message: `must be ${noun(issue.expected)}, not ${noun(received)}` }];
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** Whether a union failed because the value was missing: a branch says it received nothing. */
function isMissing(issue: z.core.$ZodIssue): boolean {
  if (/received undefined/.test(issue.message)) return true;
  const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  return branches.some((errors) => errors.some(isMissing));
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
