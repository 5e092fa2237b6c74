import { z } from 'zod';

/**
 * Parses a function's environment once per cold start. A missing or malformed variable fails with
 * its name and rule, never its value (values may be secrets).
 */
export function parseEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, component: string): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
  throw new Error(`${component}: invalid configuration: ${detail}`);
}

/** A `true` / `false` variable (empty or unset: false). */
export const booleanVariable = z
  .enum(['true', 'false', ''])
  .default('false')
  .transform((value) => value === 'true');

/** `a/b/` and `/a/b` become `a/b`, so keys built from a prefix never hold `//`. */
export function trimSlashes(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}
