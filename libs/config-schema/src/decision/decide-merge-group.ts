import type { ChangeSet } from './change-set';
import type { CompiledTrigger } from './compiled-trigger';
import { decideOnPaths, type Decision } from './decide';
import { parseRef, refName } from './ref-patterns';

/** The merge group facts a decision depends on. */
export interface MergeGroupFacts {
  /** `owner/name` of the repository whose queue made the group. */
  repository: string;
  /** The branch the group merges into, as a full ref (`refs/heads/main`). */
  baseRef: string;
  /** The group's temporary branch (`refs/heads/gh-readonly-queue/main/pr-…`), for what a decision says. */
  headRef: string;
}

/**
 * Decides whether one pipeline should start for a merge group of GitHub's merge queue. Pure. The
 * config needs a mergeQueue section; the branch the group merges into must match its base globs; then
 * what the group adds to its base decides, as a push's changes do (`changes` is the compare of the
 * group's base and head commits). No draft, fork or `[skip ci]` rule: GitHub Actions honours skip
 * instructions for push and pull_request events only, and a group is made in the base repository from
 * pull requests that someone with write access queued, whoever wrote them.
 */
export function decideMergeGroup(trigger: CompiledTrigger, group: MergeGroupFacts, changes: ChangeSet): Decision {
  const { config } = trigger;
  if (group.repository.toLowerCase() !== trigger.repositoryKey)
    return {
      start: false,
      reason: 'repository-mismatch',
      detail: `config is for ${config.repository}, the merge group is in ${group.repository}`,
    };
  const section = trigger.mergeQueue;
  if (!section)
    return { start: false, reason: 'mq-not-configured', detail: 'config has no mergeQueue section: merge groups start nothing' };
  const base = parseRef(group.baseRef);
  const baseBranch = base.kind === 'branch' ? section.baseBranches.find((p) => p.test(base.name)) : undefined;
  if (!baseBranch) {
    const globs = section.baseBranches.map((p) => p.source).join(', ');
    return {
      start: false,
      reason: 'mq-base-not-matched',
      detail: `the merge group merges into ${base.name}, which matches none of ${globs}`,
    };
  }
  const head = refName(group.headRef);
  return decideOnPaths(config, section, changes, { refPattern: baseBranch.source, where: `in merge group ${head} into ${base.name}` });
}
