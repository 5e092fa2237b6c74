import { LIMITS } from '../schema/limits';
import { pathsWithAnyPrefix, type ChangeSet } from './change-set';
import type { CompiledPaths } from './compiled-trigger';
import { MatchBudget } from './match-budget';
import type { CompiledPathPattern } from './path-patterns';

/** A changed path and the pattern it matched. */
export interface PathMatch {
  path: string;
  pattern: string;
  /** `includePaths[i]` or `excludePaths[i]`. */
  field: string;
}

/** What the search over a push's paths found for one config. */
export interface PathSearch {
  /** The first changed path, in the push's order, that counts (matches an include and no exclude). */
  match?: PathMatch;
  /** When none counts: the first included path (in the push's order) an exclude removed, to explain why. */
  excluded?: PathMatch & { excludedBy: string; excludedByField: string };
  /** A path that could concern the config but is too long to run through the engine. */
  tooLong?: string;
  /** The config's matching work limit was reached: some paths were not judged. */
  exhausted: boolean;
  /** Matching work spent (see MatchBudget). */
  work: number;
}

/**
 * Looks for a changed path that counts for a config. Plain-text patterns (program size 0) are
 * matched with string operations on any path, always; patterns that need the engine are skipped on
 * paths longer than LIMITS.pathLength and once the config's work limit is reached, and the search
 * says so, so that the decision can treat those paths as unknown rather than as not matching.
 */
export function searchPaths(trigger: CompiledPaths, changes: ChangeSet): PathSearch {
  const budget = new MatchBudget();
  const found: PathSearch = { exhausted: false, work: 0 };
  /** Whether `pattern` may be tested on `path`, charging its work; records why not. */
  const mayTest = (pattern: CompiledPathPattern, path: string): boolean => {
    if (pattern.programSize === 0) return true;
    if (path.length > LIMITS.pathLength) {
      found.tooLong ??= path;
      return false;
    }
    if (found.exhausted || !budget.charge(pattern, path)) {
      found.exhausted = true;
      return false;
    }
    return true;
  };
  // Path by path in the push's order, as a reader of the push would: the first path that counts is
  // the match, whichever include it falls under; a path no include's literal prefix fits is never seen.
  for (const path of pathsWithAnyPrefix(changes, trigger.includePrefixes)) {
    for (const include of trigger.includes) {
      if (!path.startsWith(include.prefix) || (found.exhausted && include.programSize > 0)) continue;
      if (!mayTest(include, path) || !include.test(path)) continue;
      let exclude: CompiledPathPattern | undefined;
      let judged = true;
      for (const candidate of trigger.excludes) {
        if (!mayTest(candidate, path)) {
          judged = false; // whether this path counts is unknown
          break;
        }
        if (candidate.test(path)) {
          exclude = candidate;
          break;
        }
      }
      if (!judged) break;
      // Built only when used: most candidates of a large push are excluded, and only the first is kept.
      const match = () => ({ path, pattern: include.source, field: `${trigger.fieldPrefix}includePaths[${include.index}]` });
      if (!exclude) return { ...found, match: match(), work: budget.used };
      found.excluded ??= {
        ...match(),
        excludedBy: exclude.source,
        excludedByField: `${trigger.fieldPrefix}excludePaths[${exclude.index}]`,
      };
      // The excludes judge the path, not the include: another include of it would end the same way.
      break;
    }
    if (found.exhausted && trigger.includes.every((include) => include.programSize > 0)) break;
  }
  return { ...found, work: budget.used };
}
