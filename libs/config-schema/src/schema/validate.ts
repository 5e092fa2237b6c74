import { inLowestFormat } from './config-format';
import { englishIssueMessages, formatPath, toConfigIssues, type ConfigIssue, type ParseResult } from './issues';
import { LIMITS } from './limits';
import { pathPatternIssues, triggerConfigSchema, type TriggerConfig } from './trigger-config.schema';

/**
 * A config as writers store it: in the lowest format that expresses it (config-format.ts), two-space
 * JSON; the form whose size LIMITS.configBytes bounds.
 */
export function storedConfigText(config: TriggerConfig): string {
  return JSON.stringify(inLowestFormat(config), null, 2);
}

/** Whether `text` takes more than `limit` bytes in UTF-8; encoded only when it could (a UTF-16 unit never takes more than 3 bytes). */
const utf8Over = (text: string, limit: number): number | undefined => {
  if (text.length * 3 <= limit) return undefined;
  const bytes = new TextEncoder().encode(text).length;
  return bytes > limit ? bytes : undefined;
};

/**
 * Parses and validates a trigger configuration (stored JSON form); never throws for bad input. Every
 * pattern is compiled for the linear-time engine, so the verdict depends on the config alone: the
 * same on any machine, under any load.
 */
export function validateTriggerConfig(input: unknown): ParseResult<TriggerConfig> {
  const parsed = triggerConfigSchema.safeParse(input, { error: englishIssueMessages });
  if (parsed.success) {
    const bytes = utf8Over(storedConfigText(parsed.data), LIMITS.configBytes);
    if (bytes !== undefined)
      return {
        ok: false,
        issues: [
          {
            path: '(root)',
            message: `takes ${bytes} bytes as stored, over the ${LIMITS.configBytes} (256 KiB) a config may take; use fewer or shorter patterns (a folder rather than its files)`,
          },
        ],
      };
    return { ok: true, value: parsed.data };
  }
  // A structural error stops zod before the pattern checks: run them anyway (as regexes unless the
  // config says glob), so one run reports every problem.
  const issues = toConfigIssues(parsed.error.issues, Object.keys(triggerConfigSchema.shape));
  addPatternIssues(issues, input, (field) => field);
  return { ok: false, issues };
}

/**
 * Adds the pattern problems of an input that failed its shape check (the checks zod did not reach),
 * reading each pattern field under the name `nameOf` gives it (`includePaths`, or `IncludePaths` for
 * CloudFormation) and reporting it under that name; an issue already reported for a field is kept.
 */
export function addPatternIssues(
  issues: ConfigIssue[],
  input: unknown,
  nameOf: (field: string) => string,
  /** The same for the fields of a section (pullRequests, mergeQueue): `IncludePaths` inside `PullRequests`. */
  pullRequestsNameOf: (field: string) => string = nameOf,
): void {
  const reported = new Set(issues.map((issue) => issue.path));
  const asRecord = (value: unknown) => (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const raw = asRecord(input);
  const pullsRaw = asRecord(raw[nameOf('pullRequests')]);
  const queueRaw = asRecord(raw[nameOf('mergeQueue')]);
  // A single string is a one-item list, as CloudFormation properties may be written.
  const asList = (value: unknown) => (Array.isArray(value) ? value : typeof value === 'string' ? [value] : undefined);
  const list = (field: string) => asList(raw[nameOf(field)]);
  const pullsList = (field: string) => asList(pullsRaw[pullRequestsNameOf(field)]);
  const queueList = (field: string) => asList(queueRaw[pullRequestsNameOf(field)]);
  const patterns = {
    includePaths: list('includePaths'),
    excludePaths: list('excludePaths'),
    branches: list('branches'),
    tags: list('tags'),
    pathSyntax: raw[nameOf('pathSyntax')] === 'glob' ? ('glob' as const) : ('regex' as const),
    pullRequests: {
      includePaths: pullsList('includePaths'),
      excludePaths: pullsList('excludePaths'),
      baseBranches: pullsList('baseBranches'),
    },
    mergeQueue: {
      includePaths: queueList('includePaths'),
      excludePaths: queueList('excludePaths'),
      baseBranches: queueList('baseBranches'),
    },
  };
  for (const issue of pathPatternIssues(patterns)) {
    const [field, ...rest] = issue.path;
    const named =
      field === 'pullRequests' || field === 'mergeQueue'
        ? [nameOf(field), pullRequestsNameOf(String(rest[0])), ...rest.slice(1)]
        : [nameOf(String(field)), ...rest];
    const path = formatPath(named);
    if (!reported.has(path)) issues.push({ path, message: issue.message });
  }
}
