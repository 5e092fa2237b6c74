import { LIMITS } from '../schema/limits';
import type { CompiledPaths } from './compiled-trigger';
import { MatchBudget } from './match-budget';
import type { CompiledPathPattern } from './path-patterns';

// What a push changed, prepared once for every config (ChangeSet), and the search over it for the
// first changed path that counts for one config (searchPaths): the path-matching half of a decision.

/** The paths a push changed, prepared once per push for every config to query. */
export interface ChangeSet {
  /** Distinct repo-relative paths, in the push's order (the order GitHub or git listed them). */
  readonly paths: readonly string[];
  /** False when the list may be missing paths (forced push, new branch, capped delivery…). */
  readonly complete: boolean;
}

/** A push of fewer paths is indexed at once: sorting a few dozen paths costs less than one walk's setup. */
const MIN_WALKED_PATHS = 64;
const NO_PATHS: readonly string[] = [];
/** Up to this many candidates are listed at once; more are produced lazily. */
const EAGER_CANDIDATES = 16;

/**
 * How a change set answers "which paths start with these prefixes", always in the push's order.
 * A large push is walked while few configs have asked (a search that finds its path early stops
 * early), and indexed, a sorted copy searched by binary search, once the walks have cost about what
 * the sort does: a push of 10,000 paths against 10 configs never pays for the sort, one against
 * 10,000 configs pays it once.
 */
class PrefixIndex {
  /** The paths sorted by UTF-16 code unit, and beside each its place in the push (two flat arrays: faster to search). */
  private sorted: string[] | undefined;
  private sortedAt: number[] = [];
  /** Each prefix's places, once asked (see placesOf). */
  private readonly places = new Map<string, number[]>();
  private walked = 0;
  private readonly sortCost: number;

  constructor(private readonly paths: readonly string[]) {
    this.sortCost = paths.length * Math.max(1, Math.log2(paths.length));
    if (paths.length < MIN_WALKED_PATHS) this.sort();
  }

  /** The paths that start with any of `prefixes` (all of them for ''), each once, in the push's order. */
  withAnyPrefix(prefixes: readonly string[]): Iterable<string> {
    if (!this.sorted && this.walked >= this.sortCost) this.sort();
    if (!this.sorted) return prefixes.includes('') ? this.paths : this.walk(prefixes);
    if (prefixes.includes('')) return this.paths;
    const runs = prefixes.map((prefix) => this.placesOf(prefix)).filter((run) => run.length > 0);
    if (runs.length === 0) return NO_PATHS;
    // A few candidates: at once. Many (a broad prefix like `services/`): lazily, so a search that
    // finds its path early stops there instead of paying for every candidate.
    const total = runs.reduce((sum, run) => sum + run.length, 0);
    return total <= EAGER_CANDIDATES ? [...this.merge(runs)] : this.merge(runs);
  }

  /** The paths at the places of `runs` (each sorted), in place order, each place once (prefixes may overlap: `libs/`, `libs/money/`). */
  private *merge(runs: readonly number[][]): Generator<string> {
    const next = runs.map(() => 0);
    let last = -1;
    for (;;) {
      let pick = -1;
      for (let r = 0; r < runs.length; r++) {
        const at = (runs[r] as number[])[next[r] as number];
        if (at !== undefined && (pick === -1 || at < ((runs[pick] as number[])[next[pick] as number] as number))) pick = r;
      }
      if (pick === -1) return;
      const at = (runs[pick] as number[])[next[pick] as number] as number;
      next[pick] = (next[pick] as number) + 1;
      if (at === last) continue;
      last = at;
      yield this.paths[at] as string;
    }
  }

  private sort(): void {
    const { paths } = this;
    this.sortedAt = paths
      .map((_, at) => at)
      .sort((a, b) => ((paths[a] as string) < (paths[b] as string) ? -1 : (paths[a] as string) > (paths[b] as string) ? 1 : 0));
    this.sorted = this.sortedAt.map((at) => paths[at] as string);
  }

  private *walk(prefixes: readonly string[]): Generator<string> {
    for (const path of this.paths) {
      this.walked++;
      for (const prefix of prefixes) {
        if (path.startsWith(prefix)) {
          yield path;
          break;
        }
      }
    }
  }

  /**
   * The places in the push of the paths that start with `prefix`, in order: found once per prefix by
   * binary search in the sorted copy, then kept, since many configs share a prefix (`services/`).
   */
  private placesOf(prefix: string): number[] {
    const known = this.places.get(prefix);
    if (known) return known;
    const sorted = this.sorted as string[];
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const places: number[] = [];
    for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(prefix); i++) places.push(this.sortedAt[i] as number);
    if (places.length > 1) places.sort((a, b) => a - b);
    this.places.set(prefix, places);
    return places;
  }
}

/** A change set with its index beside it (a private field: the value is still just paths and complete). */
class IndexedChangeSet implements ChangeSet {
  readonly #index: PrefixIndex;

  constructor(
    readonly paths: readonly string[],
    readonly complete: boolean,
  ) {
    this.#index = new PrefixIndex(paths);
  }

  static indexOf(changes: ChangeSet): PrefixIndex {
    if (changes instanceof IndexedChangeSet) return changes.#index;
    // A change set built by hand: index it once.
    let index = handBuilt.get(changes);
    if (!index) handBuilt.set(changes, (index = new PrefixIndex(changes.paths)));
    return index;
  }
}

const handBuilt = new WeakMap<ChangeSet, PrefixIndex>();

export function createChangeSet(paths: Iterable<string>, complete: boolean): ChangeSet {
  return new IndexedChangeSet([...new Set(paths)], complete);
}

/**
 * Every changed path starting with `prefix` (all of them for ''), in the push's order, however the
 * change set answers: every config sees its candidates in the order the push listed them. Iterate
 * the answer once (it may be lazy).
 */
export function pathsWithPrefix(changes: ChangeSet, prefix: string): Iterable<string> {
  return IndexedChangeSet.indexOf(changes).withAnyPrefix([prefix]);
}

/** Every changed path starting with any of `prefixes`, each once, in the push's order. Iterate the answer once. */
export function pathsWithAnyPrefix(changes: ChangeSet, prefixes: readonly string[]): Iterable<string> {
  return IndexedChangeSet.indexOf(changes).withAnyPrefix(prefixes);
}

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
