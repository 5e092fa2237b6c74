import type { CompactPushEvent } from '@monorepo-triggers/eval-input';
import { payloadIsComplete, type ChangeRule } from '@monorepo-triggers/eval-input';
import type { GithubApi } from '@monorepo-triggers/github-api';
import { compareSchema, repoPath, treeSchema, type TreeEntry } from '@monorepo-triggers/github-api';

/** One attempt to learn the change list, for the log. */
export interface CompletionStep {
  step: 'compare' | 'tree-diff' | 'tree' | 'github' | 'pull-request-files' | 'head-commit';
  outcome: 'complete' | 'incomplete' | 'failed' | 'skipped';
  detail: string;
}

export interface CompletedChanges {
  paths: string[];
  complete: boolean;
  /** Where the paths came from. */
  source: 'payload' | 'compare' | 'tree-diff' | 'tree' | 'pull-request-files';
  steps: CompletionStep[];
}

/** GitHub's compare API lists at most 300 files for a whole comparison, and does not page them. */
export const COMPARE_FILE_CAP = 300;
/** Longest time spent asking GitHub, all steps together, so eval finishes well inside its timeout. */
export const COMPLETION_BUDGET_MS = 20_000;

/**
 * How long eval may keep asking GitHub, and the clock it reads (tests pass a clock of their own; no
 * test measures real time). Only whether GitHub is asked again depends on it, never a decision on
 * paths GitHub gave: a list cut short by the budget is incomplete, and onIncompleteChanges decides.
 */
export interface CompletionBudget {
  ms: number;
  now: () => number;
}

/**
 * Learns from GitHub what a push changed, following its ChangeRule: the compare API (`base...head`,
 * whose diff starts at the merge base) for an ordinary push and a new branch, with the diff of two
 * trees when compare hits its 300-file cap (from the merge base GitHub names, never from the default
 * branch's current head); a tree diff of `before` and `after` for a forced push, since a three-dot
 * compare would count what the rewritten branch already had; every path of the tree for a default
 * branch created. Never throws: a failed step is recorded and the list stays incomplete.
 */
export async function completeChanges(
  event: Pick<CompactPushEvent, 'repository' | 'before' | 'after' | 'changedPaths'>,
  rule: ChangeRule,
  github: GithubApi | undefined,
  budget: CompletionBudget = { ms: COMPLETION_BUDGET_MS, now: Date.now },
): Promise<CompletedChanges> {
  const payload: CompletedChanges = { paths: event.changedPaths, complete: false, source: 'payload', steps: [] };
  if (payloadIsComplete(rule)) return { ...payload, complete: true };
  if (!github)
    return {
      ...payload,
      steps: [{ step: 'github', outcome: 'skipped', detail: 'no GitHub credential: cannot ask GitHub for the full change list' }],
    };

  const repo = repoPath(event.repository);
  const steps: CompletionStep[] = [];
  // Files compare did list, kept when it was cut short: if the trees cannot say more, they are real
  // changes to decide on, next to the payload's paths.
  const compared = new Set<string>();
  const partial = (): CompletedChanges => ({ ...payload, paths: [...new Set([...event.changedPaths, ...compared])].sort(), steps });
  const deadline = budget.now() + budget.ms;
  const get = (url: string) => {
    if (budget.now() > deadline) return Promise.reject(new Error(`gave up: GitHub took longer than the ${budget.ms} ms budget`));
    return github.get(url, event.repository);
  };
  const tree = async (sha: string): Promise<TreeEntry[] | undefined> => {
    const parsed = treeSchema.parse((await get(`${repo}/git/trees/${encodeURIComponent(sha)}?recursive=1`)).body);
    return parsed.truncated ? undefined : parsed.tree;
  };
  const treeDiff = async (base: string, head: string): Promise<CompletedChanges> => {
    try {
      const [before, after] = await Promise.all([tree(base), tree(head)]);
      if (!before || !after) {
        steps.push({
          step: 'tree-diff',
          outcome: 'incomplete',
          detail: 'GitHub truncated a recursive tree (over 100,000 entries or 7 MB)',
        });
        return partial();
      }
      const paths = diffTrees(before, after);
      steps.push({ step: 'tree-diff', outcome: 'complete', detail: `${paths.length} paths differ between ${base} and ${head}` });
      return { paths, complete: true, source: 'tree-diff', steps };
    } catch (error) {
      steps.push({ step: 'tree-diff', outcome: 'failed', detail: (error as Error).message });
      return partial();
    }
  };

  if (rule.kind === 'forced') return treeDiff(rule.base, rule.head);

  if (rule.kind === 'new-default-branch') {
    try {
      const entries = await tree(rule.head);
      if (!entries) {
        steps.push({ step: 'tree', outcome: 'incomplete', detail: 'GitHub truncated the recursive tree (over 100,000 entries or 7 MB)' });
        return { ...payload, steps };
      }
      const paths = entries
        .filter((e) => e.type !== 'tree')
        .map((e) => e.path)
        .sort();
      steps.push({ step: 'tree', outcome: 'complete', detail: `${paths.length} paths in ${rule.head}, all new` });
      return { paths, complete: true, source: 'tree', steps };
    } catch (error) {
      steps.push({ step: 'tree', outcome: 'failed', detail: (error as Error).message });
      return { ...payload, steps };
    }
  }

  const base = rule.kind === 'new-branch' ? rule.defaultBranch : event.before;
  if (!base)
    return {
      ...payload,
      steps: [{ step: 'github', outcome: 'skipped', detail: 'new branch and no default branch in the payload: nothing to compare with' }],
    };
  let mergeBase: string | undefined;
  try {
    let entries = 0;
    let url: string | undefined = `${repo}/compare/${encodeURIComponent(base)}...${encodeURIComponent(event.after)}?per_page=100`;
    let listed = false;
    // GitHub lists files on the first page only (commits page); later pages are read only while
    // they still carry files, in case a GitHub Enterprise version pages them too.
    for (let pages = 0; url && pages < 30; pages++) {
      const page = await get(url);
      const body = compareSchema.parse(page.body);
      mergeBase ??= body.merge_base_commit?.sha;
      if (body.files === undefined) break;
      listed = true;
      entries += body.files.length;
      for (const file of body.files) {
        compared.add(file.filename);
        if (file.previous_filename) compared.add(file.previous_filename);
      }
      url = body.files.length > 0 ? page.next : undefined;
    }
    // The cap is on entries (a rename is one entry naming two paths).
    if (listed && entries < COMPARE_FILE_CAP) {
      steps.push({
        step: 'compare',
        outcome: 'complete',
        detail: `${entries} files between ${base} and ${event.after}${mergeBase ? ` (merge base ${mergeBase})` : ''}`,
      });
      return { paths: [...compared].sort(), complete: true, source: 'compare', steps };
    }
    steps.push({
      step: 'compare',
      outcome: 'incomplete',
      detail: listed ? `${entries} files: at the compare API's cap of ${COMPARE_FILE_CAP}` : 'the answer lists no files at all',
    });
  } catch (error) {
    steps.push({ step: 'compare', outcome: 'failed', detail: (error as Error).message });
  }
  // The rest, from the trees: an ordinary push is a fast-forward, so `before` is its own merge base;
  // a new branch needs the merge base GitHub named.
  const treeBase = rule.kind === 'new-branch' ? mergeBase : event.before;
  if (!treeBase) {
    steps.push({ step: 'tree-diff', outcome: 'skipped', detail: `no merge base of ${base} and ${event.after} from GitHub to diff from` });
    return partial();
  }
  return treeDiff(treeBase, event.after);
}

/** Paths added, removed or changed (different blob or submodule SHA) between two recursive trees. */
export function diffTrees(before: readonly TreeEntry[], after: readonly TreeEntry[]): string[] {
  const entries = (tree: readonly TreeEntry[]) => new Map(tree.filter((e) => e.type !== 'tree').map((e) => [e.path, e.sha]));
  const a = entries(before);
  const b = entries(after);
  const changed = new Set<string>();
  for (const [path, sha] of a) if (b.get(path) !== sha) changed.add(path);
  for (const path of b.keys()) if (!a.has(path)) changed.add(path);
  return [...changed].sort();
}

/**
 * What `head` adds to `base` as both are named by a delivery and never move (a pull request's head, a
 * merge group's): GitHub's compare of `base...head` from their merge base, past compare's 300 files by
 * the diff of the merge base's and the head's trees, exactly as for a new branch. Without a
 * credential the list is incomplete, and says so for `what` (`the pull request`, `the merge group`).
 */
export function addedToBase(
  pinned: { repository: string; base: string; head: string },
  github: GithubApi | undefined,
  what: string,
): Promise<CompletedChanges> {
  if (!github)
    return Promise.resolve({
      paths: [],
      complete: false,
      source: 'compare',
      steps: [{ step: 'github', outcome: 'skipped', detail: `no GitHub credential: cannot ask GitHub what ${what} adds to its base` }],
    });
  const event = { repository: pinned.repository, before: pinned.base, after: pinned.head, changedPaths: [] };
  return completeChanges(event, { kind: 'new-branch', defaultBranch: pinned.base, head: pinned.head }, github);
}
