import { englishIssueMessages, formatPath, toConfigIssues, type ParseResult } from './issues';
import { pathPatternIssues, triggerConfigSchema, type TriggerConfig } from './trigger-config.schema';

/**
 * Parses and validates a trigger configuration (stored JSON form); never throws for bad input. Every
 * pattern is compiled for the linear-time engine, so the verdict depends on the config alone: the
 * same on any machine, under any load.
 */
export function validateTriggerConfig(input: unknown): ParseResult<TriggerConfig> {
  const parsed = triggerConfigSchema.safeParse(input, { error: englishIssueMessages });
  if (parsed.success) return { ok: true, value: parsed.data };
  // A structural error stops zod before the pattern checks: run them anyway (as regexes unless the
  // config says glob), so one run reports every problem.
  const issues = toConfigIssues(parsed.error.issues);
  const reported = new Set(issues.map((issue) => issue.path));
  const raw = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const list = (value: unknown) => (Array.isArray(value) ? value : undefined);
  const patterns = {
    includePaths: list(raw['includePaths']),
    excludePaths: list(raw['excludePaths']),
    branches: list(raw['branches']),
    tags: list(raw['tags']),
    pathSyntax: raw['pathSyntax'] === 'glob' ? ('glob' as const) : ('regex' as const),
  };
  for (const issue of pathPatternIssues(patterns)) {
    const path = formatPath(issue.path);
    if (!reported.has(path)) issues.push({ path, message: issue.message });
  }
  return { ok: false, issues };
}
