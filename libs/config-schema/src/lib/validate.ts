import { findBacktrackingRisk } from './backtracking-check';
import { toConfigIssues, type ConfigIssue, type ParseResult } from './issues';
import { triggerConfigSchema, type TriggerConfig } from './trigger-config.schema';

export interface ValidateOptions {
  /**
   * Run the catastrophic-backtracking check on every regex path pattern (default true). Patterns
   * without quantifiers are safe by construction and skip it; the others cost about a millisecond
   * the first time a pattern is seen (verdicts are cached by pattern).
   */
  checkBacktracking?: boolean;
}

// Verdicts by pattern: the same few patterns recur across thousands of configs.
const riskCache = new Map<string, ConfigIssue['message'] | null>();
const RISK_CACHE_LIMIT = 10_000;

function backtrackingMessage(source: string): string | null {
  const cached = riskCache.get(source);
  if (cached !== undefined) return cached;
  const message = findBacktrackingRisk(source)?.reason ?? null;
  if (riskCache.size >= RISK_CACHE_LIMIT) riskCache.clear();
  riskCache.set(source, message);
  return message;
}

/**
 * Finds regex path patterns that can backtrack catastrophically, as issues naming list and index.
 * Globs are bounded by structure when they are compiled (see glob-limits), so they need no check here.
 */
export function findUnsafePatterns(config: Pick<TriggerConfig, 'includePaths' | 'excludePaths' | 'pathSyntax'>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.pathSyntax === 'glob') return issues;
  for (const field of ['includePaths', 'excludePaths'] as const) {
    config[field].forEach((source, index) => {
      if (source === '') return;
      const message = backtrackingMessage(source);
      if (message !== null) issues.push({ path: `${field}[${index}]`, message: `${JSON.stringify(source)} ${message}` });
    });
  }
  return issues;
}

/** The regex patterns of a config that failed structural checks, so every error is reported at once. */
function compilingRegexPatterns(input: unknown): Pick<TriggerConfig, 'includePaths' | 'excludePaths' | 'pathSyntax'> {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const compiling = (list: unknown) =>
    (Array.isArray(list) ? list : []).map((item) => {
      if (typeof item !== 'string') return '';
      try {
        new RegExp(item);
        return item;
      } catch {
        return ''; // already reported as not compiling
      }
    });
  return { includePaths: compiling(raw['includePaths']), excludePaths: compiling(raw['excludePaths']), pathSyntax: raw['pathSyntax'] === 'glob' ? 'glob' : 'regex' };
}

/** Parses and validates a trigger configuration (stored JSON form); never throws for bad input. */
export function validateTriggerConfig(input: unknown, options: ValidateOptions = {}): ParseResult<TriggerConfig> {
  const parsed = triggerConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issues = toConfigIssues(parsed.error.issues);
    if (options.checkBacktracking ?? true) issues.push(...findUnsafePatterns(compilingRegexPatterns(input)));
    return { ok: false, issues };
  }
  if (options.checkBacktracking ?? true) {
    const issues = findUnsafePatterns(parsed.data);
    if (issues.length > 0) return { ok: false, issues };
  }
  return { ok: true, value: parsed.data };
}
