import type { CompactPushEvent } from '@monorepo-triggers/push-event';
import * as z from 'zod/mini';
import type { GithubApi } from './github-api';

/** One attempt to complete the change list, for the log. */
export interface CompletionStep {
  step: 'compare' | 'tree-diff' | 'github';
  outcome: 'complete' | 'incomplete' | 'failed' | 'skipped';
  detail: string;
}

export interface CompletedChanges {
  paths: string[];
  complete: boolean;
  /** Where the paths came from. */
  source: 'payload' | 'compare' | 'tree-diff';
  steps: CompletionStep[];
}

/** GitHub's compare API lists at most 300 files for a whole comparison, and does not page them. */
export const COMPARE_FILE_CAP = 300;
/** Longest time spent asking GitHub, all steps together, so eval finishes well inside its timeout. */
export const COMPLETION_BUDGET_MS = 20_000;
const ZERO_SHA = /^0+$/;

const compareSchema = z.object({
  files: z.optional(z.array(z.object({ filename: z.string(), previous_filename: z.optional(z.string()) }))),
});
const treeSchema = z.object({
  truncated: z.optional(z.boolean()),
  tree: z.array(z.object({ path: z.string(), type: z.string(), sha: z.string() })),
});

/**
 * Completes an incomplete change list from GitHub: the compare API first (base = `before`, or the
 * default branch for a new ref), then, when compare hits its 300-file cap, the diff of the two commits'
 * trees. A forced push goes straight to the tree diff: the net change between `before` and `after` is
 * the truth, whatever commits GitHub listed. Never throws: a failed step is recorded and the list
 * stays incomplete, so each config's `onIncompleteChanges` decides.
 */
export async function completeChanges(event: CompactPushEvent, github: GithubApi | undefined, budgetMs = COMPLETION_BUDGET_MS): Promise<CompletedChanges> {
  const payload: CompletedChanges = { paths: event.changedPaths, complete: !event.incompleteReasons, source: 'payload', steps: [] };
  if (payload.complete || event.deleted) return { ...payload, complete: true };
  if (!github) return { ...payload, steps: [{ step: 'github', outcome: 'skipped', detail: 'no GITHUB_TOKEN: cannot ask GitHub for the full change list' }] };

  const [owner, repo] = event.repository.split('/').map(encodeURIComponent);
  const newRef = event.created || ZERO_SHA.test(event.before);
  const base = newRef ? event.defaultBranch : event.before;
  if (!base) {
    return { ...payload, steps: [{ step: 'github', outcome: 'skipped', detail: 'new ref and no default branch in the payload: nothing to compare with' }] };
  }
  const steps: CompletionStep[] = [];
  const repoPath = `/repos/${owner}/${repo}`;
  const deadline = Date.now() + budgetMs;
  const get = (url: string) => {
    if (Date.now() > deadline) return Promise.reject(new Error(`gave up: GitHub took longer than the ${budgetMs} ms budget`));
    return github.get(url);
  };

  if (!(event.forced && !newRef)) {
    try {
      const files = new Set<string>();
      let url: string | undefined = `${repoPath}/compare/${encodeURIComponent(base)}...${encodeURIComponent(event.after)}?per_page=100`;
      let listed = false;
      // GitHub lists files on the first page only (commits page); later pages are read only while
      // they still carry files, in case a GitHub Enterprise version pages them too.
      for (let pages = 0; url && pages < 30; pages++) {
        const page = await get(url);
        const pageFiles = compareSchema.parse(page.body).files;
        if (pageFiles === undefined) break;
        listed = true;
        for (const file of pageFiles) {
          files.add(file.filename);
          if (file.previous_filename) files.add(file.previous_filename);
        }
        url = pageFiles.length > 0 ? page.next : undefined;
      }
      if (listed && files.size < COMPARE_FILE_CAP) {
        steps.push({ step: 'compare', outcome: 'complete', detail: `${files.size} files between ${base} and ${event.after}` });
        return { paths: [...files].sort(), complete: true, source: 'compare', steps };
      }
      const why = listed ? `${files.size} files: at the compare API's cap of ${COMPARE_FILE_CAP}` : 'the answer lists no files at all';
      steps.push({ step: 'compare', outcome: 'incomplete', detail: why });
    } catch (error) {
      steps.push({ step: 'compare', outcome: 'failed', detail: (error as Error).message });
    }
  }

  try {
    const [before, after] = await Promise.all([base, event.after].map((sha) => get(`${repoPath}/git/trees/${encodeURIComponent(sha)}?recursive=1`)));
    const beforeTree = treeSchema.parse(before?.body);
    const afterTree = treeSchema.parse(after?.body);
    if (beforeTree.truncated || afterTree.truncated) {
      steps.push({ step: 'tree-diff', outcome: 'incomplete', detail: 'GitHub truncated a recursive tree (over 100,000 entries or 7 MB)' });
      return { ...payload, steps };
    }
    const paths = diffTrees(beforeTree.tree, afterTree.tree);
    steps.push({ step: 'tree-diff', outcome: 'complete', detail: `${paths.length} paths differ between ${base} and ${event.after}` });
    return { paths, complete: true, source: 'tree-diff', steps };
  } catch (error) {
    steps.push({ step: 'tree-diff', outcome: 'failed', detail: (error as Error).message });
    return { ...payload, steps };
  }
}

/** Paths added, removed or changed (different blob or submodule SHA) between two recursive trees. */
export function diffTrees(before: readonly { path: string; type: string; sha: string }[], after: readonly { path: string; type: string; sha: string }[]): string[] {
  const entries = (tree: typeof before) => new Map(tree.filter((e) => e.type !== 'tree').map((e) => [e.path, e.sha]));
  const a = entries(before);
  const b = entries(after);
  const changed = new Set<string>();
  for (const [path, sha] of a) if (b.get(path) !== sha) changed.add(path);
  for (const path of b.keys()) if (!a.has(path)) changed.add(path);
  return [...changed].sort();
}
