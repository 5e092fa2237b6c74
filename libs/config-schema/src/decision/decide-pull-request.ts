import type { ChangeSet } from './change-set';
import type { CompiledTrigger } from './compiled-trigger';
import { decideOnPaths, type Decision } from './decide';
import { parseRef } from './ref-patterns';

/** The pull request facts a decision depends on. */
export interface PullRequestFacts {
  /** `owner/name` of the base repository (where the pull request is). */
  repository: string;
  number: number;
  /** opened, synchronize, reopened, ready_for_review or merged (PULL_REQUEST_EVENT_NAMES). */
  event: string;
  /** The branch it targets, as a full ref (`refs/heads/main`). */
  baseRef: string;
  draft: boolean;
  /** Its head repository is not the base repository (or no longer exists). */
  fromFork: boolean;
  /** The `[skip ci]`-style marker in its head commit's message, if any. */
  skipCi?: string;
}

/**
 * Decides whether one pipeline should start for a pull request event. Pure. The config needs a
 * pull request section naming the event; the base branch must match its base globs; a draft counts
 * only when the section allows drafts, a fork's pull request only when it allows forks (its code is a
 * stranger's, run with the pipeline's permissions); a `[skip ci]` head commit is honoured as for a
 * push (none of these three applies to a merge, which builds the merge commit); then the pull request's own changed files decide, as a push's do (`changes` is what the
 * pull request changes from its merge base, GitHub's list of its files).
 */
export function decidePullRequest(trigger: CompiledTrigger, pull: PullRequestFacts, changes: ChangeSet): Decision {
  const { config } = trigger;
  const name = `pull request #${pull.number}`;
  if (pull.repository.toLowerCase() !== trigger.repositoryKey) {
    return { start: false, reason: 'repository-mismatch', detail: `config is for ${config.repository}, ${name} is in ${pull.repository}` };
  }
  const section = trigger.pullRequests;
  if (!section)
    return { start: false, reason: 'pr-not-configured', detail: 'config has no pullRequests section: pull requests start nothing' };
  if (!section.events.has(pull.event)) {
    return {
      start: false,
      reason: 'pr-event-not-matched',
      detail: `${pull.event} is not one of pullRequests.events (${[...section.events].join(', ')})`,
    };
  }
  const base = parseRef(pull.baseRef);
  const baseBranch = base.kind === 'branch' ? section.baseBranches.find((p) => p.test(base.name)) : undefined;
  if (!baseBranch) {
    const globs = section.baseBranches.map((p) => p.source).join(', ');
    return { start: false, reason: 'pr-base-not-matched', detail: `${name} targets ${base.name}, which matches none of ${globs}` };
  }
  const refPattern = baseBranch.source;
  // A merged pull request is no draft, and what it builds is its merge commit, on the base branch:
  // code a maintainer accepted, no longer a fork's or its head commit's.
  const merged = pull.event === 'merged';
  if (pull.draft && !merged && !config.pullRequests?.drafts) {
    return { start: false, reason: 'pr-draft', detail: `${name} is a draft (set pullRequests.drafts to build drafts)`, refPattern };
  }
  if (pull.fromFork && !merged && !config.pullRequests?.forks) {
    return {
      start: false,
      reason: 'pr-from-fork',
      detail: `${name} comes from a fork: its code would run with the pipeline's permissions (set pullRequests.forks to build forks)`,
      refPattern,
    };
  }
  if (pull.skipCi && !merged && config.honourSkipCi) {
    return {
      start: false,
      reason: 'skip-ci',
      detail: `the head commit's message says ${pull.skipCi} (set honourSkipCi to false to build it anyway)`,
      refPattern,
    };
  }
  return decideOnPaths(config, section, changes, { refPattern, where: `in ${name} into ${base.name}` });
}
