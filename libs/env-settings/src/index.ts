import * as z from 'zod/mini';
// Only the English messages (a named import, so bundles leave out the other 40-odd languages).
import { en as english } from 'zod/locales';

// zod's English messages for this parse only (zod/mini has none by default).
const ENGLISH = english().localeError;

/**
 * Parses a function's environment once per cold start. A missing or malformed variable fails with
 * its name and rule, never its value (values may be secrets).
 */
export function parseEnvironment<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv, component: string): z.output<S> {
  const parsed = schema.safeParse(env, { error: ENGLISH });
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
  throw new Error(`${component}: invalid configuration: ${detail}`);
}

/** A `true` / `false` variable (empty or unset: false). */
export const booleanVariable = z.pipe(
  z._default(z.enum(['true', 'false', '']), 'false'),
  z.transform((value) => value === 'true'),
);

/** `a/b/` and `/a/b` become `a/b`, so keys built from a prefix never hold `//`. */
export function trimSlashes(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}
