import type * as z from 'zod/mini';
import { ENGLISH, formatZodIssues } from './zod-issues';

/**
 * Parses a function's environment once per cold start. A missing or malformed variable fails with
 * its name and rule, never its value (values may be secrets).
 */
export function parseEnvironment<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv, component: string): z.output<S> {
  const parsed = schema.safeParse(env, { error: ENGLISH });
  if (parsed.success) return parsed.data;
  throw new Error(`${component}: invalid configuration: ${formatZodIssues(parsed.error.issues)}`);
}
