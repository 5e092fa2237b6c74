import { isNullSha } from '@monorepo-triggers/lambda-runtime';
import type { CompactMergeGroupEvent, CompactPullRequestEvent, CompactPushEvent } from './eval-input.schema';

// What an event means to a decision, built here once for eval and `triggers explain`: what a push
// changed (its ChangeRule), and the facts each decision function of config-schema takes besides the
// changes (PushFacts, PullRequestFacts, MergeGroupFacts; the same shapes, written without importing
// them, since this contract depends on no decision rule), and the commit-message markers that ask
// for no build (read by the webhook from a push's head commit, by eval from a pull request's).

/**
 * What a push changed: one rule, used by every decision (eval, and `triggers explain`).
 *
 * | push | what it changed | the payload's paths are |
 * | --- | --- | --- |
 * | a branch or tag deleted | nothing | — |
 * | an ordinary push (`before` is the branch's old head, not forced) | the paths GitHub lists for its commits, merges included | the change, complete within GitHub's caps |
 * | a forced push (rebase, reset, rewrite) | the difference between `before` and `after` | hints: rewritten copies of commits, not the difference |
 * | a new branch | the difference between its merge base with the default branch and `after` | hints |
 * | the default branch itself created (first push) | every path of `after` | hints |
 *
 * An ordinary push whose commits are all known already (a fast-forward to an existing commit,
 * `commits: []`) has no listed paths and counts as incomplete: GitHub's compare of `before...after`
 * gives its difference, since `before` is the merge base of a fast-forward.
 */
export type ChangeRule =
  | { kind: 'deleted' }
  | { kind: 'listed'; complete: boolean }
  | { kind: 'forced'; base: string; head: string }
  | { kind: 'new-branch'; defaultBranch: string | undefined; head: string }
  | { kind: 'new-default-branch'; head: string };

/** The rule for one push (see ChangeRule). */
export function changeRule(
  event: Pick<CompactPushEvent, 'ref' | 'before' | 'after' | 'created' | 'deleted' | 'forced' | 'defaultBranch' | 'incompleteReasons'>,
): ChangeRule {
  if (event.deleted) return { kind: 'deleted' };
  if (event.created || isNullSha(event.before)) {
    if (event.defaultBranch !== undefined && event.ref === `refs/heads/${event.defaultBranch}`)
      return { kind: 'new-default-branch', head: event.after };
    return { kind: 'new-branch', defaultBranch: event.defaultBranch, head: event.after };
  }
  if (event.forced) return { kind: 'forced', base: event.before, head: event.after };
  return { kind: 'listed', complete: !event.incompleteReasons };
}

/** Whether the payload's paths are (part of) what the push changed, so a path that counts is certain. */
export function payloadPathsAreChanges(rule: ChangeRule): boolean {
  return rule.kind === 'listed';
}

/** Whether the payload alone tells everything the push changed (nothing to ask GitHub). */
export function payloadIsComplete(rule: ChangeRule): boolean {
  return rule.kind === 'deleted' || (rule.kind === 'listed' && rule.complete);
}

/** Whether the push created the branch (what a config's onNewBranch is about). */
export function createsBranch(rule: ChangeRule): boolean {
  return rule.kind === 'new-branch' || rule.kind === 'new-default-branch';
}

/** A sentence for logs and `explain`: which difference the rule takes. */
export function describeChangeRule(rule: ChangeRule): string {
  switch (rule.kind) {
    case 'deleted':
      return 'the ref was deleted: nothing changed';
    case 'listed':
      return rule.complete
        ? "the paths of the push's commits, as GitHub listed them"
        : "the push's commits, but GitHub's lists may be cut: the compare of before...after completes them";
    case 'forced':
      return `a forced push: the difference between ${rule.base} and ${rule.head}, not the rewritten commits`;
    case 'new-branch':
      return `a new branch: the difference between its merge base with ${rule.defaultBranch ?? 'the default branch'} and ${rule.head}`;
    case 'new-default-branch':
      return `the default branch created: every path of ${rule.head}`;
  }
}

/**
 * The commit-message markers that ask for no build, as GitHub Actions honours them for push and
 * pull_request events (docs.github.com, "Skipping workflow runs"). Their `[skip actions]` and
 * `[actions skip]` name GitHub Actions itself, so they are not ours. Matched exactly as written.
 */
export const SKIP_CI_MARKERS = ['[skip ci]', '[ci skip]', '[no ci]'] as const;

export type SkipCiMarker = (typeof SKIP_CI_MARKERS)[number];

/** The first marker a commit message contains (earliest in the message), if any. */
export function skipCiMarker(message: string | null | undefined): SkipCiMarker | undefined {
  if (!message) return undefined;
  let found: { marker: SkipCiMarker; at: number } | undefined;
  for (const marker of SKIP_CI_MARKERS) {
    const at = message.indexOf(marker);
    if (at !== -1 && (!found || at < found.at)) found = { marker, at };
  }
  return found?.marker;
}

/** A push's facts for config-schema's `decide`: whether it created the branch comes from its rule (or, in `explain`, from the user). */
export function pushFacts(push: Pick<CompactPushEvent, 'repository' | 'ref' | 'deleted' | 'skipCi'>, created: boolean) {
  const { repository, ref, deleted, skipCi } = push;
  return { repository, ref, deleted, created, ...(skipCi ? { skipCi } : {}) };
}

/** A pull request event's facts for `decidePullRequest`; its head commit's `[skip ci]` marker once known (eval asks GitHub for the message). */
export function pullRequestFacts(
  event: Pick<CompactPullRequestEvent, 'repository' | 'number' | 'event' | 'baseRef' | 'draft' | 'fromFork'>,
  skipCi?: string,
) {
  const { repository, number, baseRef, draft, fromFork } = event;
  return { repository, number, event: event.event, baseRef, draft, fromFork, ...(skipCi ? { skipCi } : {}) };
}

/** A merge group's facts for `decideMergeGroup`. */
export function mergeGroupFacts(group: Pick<CompactMergeGroupEvent, 'repository' | 'baseRef' | 'headRef'>) {
  const { repository, baseRef, headRef } = group;
  return { repository, baseRef, headRef };
}
