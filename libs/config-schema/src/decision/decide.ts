import { LIMITS } from '../schema/limits';
import type { TriggerConfig } from '../schema/trigger-config.schema';
import { searchPaths, type ChangeSet, type PathMatch } from './change-set';
import type { CompiledPaths, CompiledTrigger } from './compiled-trigger';
import { parseRef } from './ref-patterns';

export type { PathMatch } from './change-set';

/** Why a pipeline was or was not started. Stable codes for logs, dashboards and tests. */
export type DecisionReason =
  | 'repository-mismatch'
  | 'ref-deleted'
  | 'ref-not-branch-or-tag'
  | 'branch-not-matched'
  | 'tag-not-matched'
  | 'tag-matched'
  | 'new-branch'
  | 'path-matched'
  | 'no-path-matched'
  | 'changes-incomplete-trigger'
  | 'changes-incomplete-skip'
  | 'skip-ci'
  | 'pr-not-configured'
  | 'pr-event-not-matched'
  | 'pr-base-not-matched'
  | 'pr-draft'
  | 'pr-from-fork'
  | 'mq-not-configured'
  | 'mq-base-not-matched'
  | 'mq-branch'
  | 'mq-group-destroyed';

/**
 * The branches GitHub's merge queue makes for its groups (`gh-readonly-queue/<base>/pr-…`): GitHub
 * sends a push for each as well as the merge_group delivery.
 */
export const MERGE_QUEUE_BRANCH_PREFIX = 'gh-readonly-queue/';

/** The branch a merge queue's group branch merges into (`gh-readonly-queue/release/1.x/pr-7-<sha>` → `release/1.x`), if it is one. */
export function mergeQueueBaseOf(branch: string): string | undefined {
  if (!branch.startsWith(MERGE_QUEUE_BRANCH_PREFIX)) return undefined;
  return /^(.+)\/pr-\d+-[0-9a-f]+$/.exec(branch.slice(MERGE_QUEUE_BRANCH_PREFIX.length))?.[1];
}

export interface Decision {
  start: boolean;
  reason: DecisionReason;
  /** One sentence for people. */
  detail: string;
  /** The branch or tag glob that matched the ref (for a pull request: its base branch). */
  refPattern?: string;
  /** The first changed path that counted, and the include pattern it matched. */
  match?: PathMatch;
  /** When nothing counted: an included path that an exclude pattern removed, to explain why. */
  excluded?: PathMatch & { excludedBy: string; excludedByField: string };
  /** Matching work spent on changed paths (see MatchBudget); absent when paths were not looked at. */
  work?: number;
  /**
   * For a decision made without judging every path: why. Only `change-list` can change once GitHub
   * gives the full list; the work limit and a path too long for the engine stay as they are.
   */
  incomplete?: 'change-list' | 'work-limit' | 'path-too-long';
}

/** The push facts a decision depends on. */
export interface PushFacts {
  /** `owner/name` of the pushed repository. */
  repository: string;
  /** Full ref (`refs/heads/main`, `refs/tags/v1`). */
  ref: string;
  /** True when the push deleted the ref. */
  deleted: boolean;
  /** True when the push created the branch (see the config's onNewBranch). */
  created?: boolean;
  /** The `[skip ci]`-style marker in the head commit's message, if any (see the config's honourSkipCi). */
  skipCi?: string;
}

/**
 * Whether a decision was made without knowing every changed path and could change once they are
 * known: eval asks GitHub for the full list only for such decisions.
 */
export function awaitsFullChangeList(decision: Decision): boolean {
  return decision.incomplete === 'change-list';
}

/**
 * Whether the config's onIncompleteChanges made the decision: not every changed path could be judged
 * (an incomplete change list, the work limit, or a path too long for the engine; `incomplete` says
 * which) and none of those judged counts. True for both `changes-incomplete-trigger` and
 * `changes-incomplete-skip`, whether or not the pipeline starts.
 */
export function decidedOnIncompleteChanges(decision: Decision): boolean {
  return decision.reason === 'changes-incomplete-trigger' || decision.reason === 'changes-incomplete-skip';
}

/**
 * Decides whether one pipeline should start for a push. Pure: same inputs, same answer.
 * Branch pushes need a matching branch glob and a changed path that matches an include pattern and
 * no exclude pattern; tag pushes need a matching tag glob only; deleted refs never start anything.
 * When the change list is incomplete and no known path counts, `onIncompleteChanges` decides.
 */
export function decide(trigger: CompiledTrigger, push: PushFacts, changes: ChangeSet): Decision {
  const { config } = trigger;
  if (push.repository.toLowerCase() !== trigger.repositoryKey) {
    return { start: false, reason: 'repository-mismatch', detail: `config is for ${config.repository}, push is to ${push.repository}` };
  }
  const ref = parseRef(push.ref);
  if (push.deleted) return { start: false, reason: 'ref-deleted', detail: `${push.ref} was deleted` };
  if (ref.kind === 'other') return { start: false, reason: 'ref-not-branch-or-tag', detail: `${push.ref} is neither a branch nor a tag` };

  if (ref.kind === 'tag') {
    const tag = trigger.tags.find((p) => p.test(ref.name));
    if (!tag) {
      const detail =
        trigger.tags.length === 0
          ? `tag ${ref.name}: config has no tags`
          : `tag ${ref.name} matches none of ${trigger.tags.map((p) => p.source).join(', ')}`;
      return { start: false, reason: 'tag-not-matched', detail };
    }
    return { start: true, reason: 'tag-matched', detail: `tag ${ref.name} matches ${tag.source}`, refPattern: tag.source };
  }

  // A config that builds a queue's merge groups builds them from their merge_group delivery, never
  // also from the push GitHub sends for the group's branch (which would build the group twice). A
  // group of a queue the config does not build is a push like any other.
  const queuedInto = mergeQueueBaseOf(ref.name);
  if (trigger.mergeQueue && queuedInto !== undefined && trigger.mergeQueue.baseBranches.some((p) => p.test(queuedInto)))
    return {
      start: false,
      reason: 'mq-branch',
      detail: `branch ${ref.name} is a merge queue's group: its merge_group delivery decides it (mergeQueue)`,
    };
  const branch = trigger.branches.find((p) => p.test(ref.name));
  if (!branch) {
    return {
      start: false,
      reason: 'branch-not-matched',
      detail: `branch ${ref.name} matches none of ${trigger.branches.map((p) => p.source).join(', ')}`,
    };
  }
  // Asked for by whoever pushed, before any path is looked at; a tag push is a release and is never skipped.
  if (push.skipCi && config.honourSkipCi) {
    return {
      start: false,
      reason: 'skip-ci',
      detail: `the head commit's message says ${push.skipCi} (set honourSkipCi to false to build such pushes)`,
      refPattern: branch.source,
    };
  }
  if (push.created && config.onNewBranch === 'always') {
    return {
      start: true,
      reason: 'new-branch',
      detail: `branch ${ref.name} was created and matches ${branch.source}; onNewBranch is always`,
      refPattern: branch.source,
    };
  }

  return decideOnPaths(trigger.config, trigger, changes, { refPattern: branch.source, where: `on branch ${ref.name}` });
}

/**
 * The part of a decision the changed paths make, once the ref (or the pull request) qualifies: the
 * first path that counts starts the pipeline; when none does but not every path could be judged
 * (an incomplete list, the work limit, a path too long for the engine), onIncompleteChanges decides.
 */
export function decideOnPaths(
  config: TriggerConfig,
  paths: CompiledPaths,
  changes: ChangeSet,
  context: { refPattern: string; where: string },
): Decision {
  const { refPattern, where } = context;
  const search = searchPaths(paths, changes);
  if (search.match) {
    return {
      start: true,
      reason: 'path-matched',
      detail: `${search.match.path} matches ${search.match.pattern} ${where}`,
      refPattern,
      match: search.match,
      work: search.work,
    };
  }
  const excluded = search.excluded;
  const unknown: Decision['incomplete'] = !changes.complete
    ? 'change-list'
    : search.exhausted
      ? 'work-limit'
      : search.tooLong !== undefined
        ? 'path-too-long'
        : undefined;
  if (unknown) {
    const startAnyway = config.onIncompleteChanges === 'trigger';
    const why = {
      'change-list': `the change list is incomplete and none of the ${changes.paths.length} known paths counts`,
      'work-limit': `matching stopped at this config's work limit (${LIMITS.matchWorkPerConfig.toLocaleString('en')} pattern instructions × path characters) before a path counted`,
      'path-too-long': `a path of ${search.tooLong?.length} characters (${search.tooLong?.slice(0, 60)}…) is longer than the ${LIMITS.pathLength} characters patterns that are not plain text are matched against, and no other path counts`,
    }[unknown];
    return {
      start: startAnyway,
      reason: startAnyway ? 'changes-incomplete-trigger' : 'changes-incomplete-skip',
      detail: `${why}; onIncompleteChanges is ${config.onIncompleteChanges}`,
      refPattern,
      incomplete: unknown,
      work: search.work,
      ...(excluded ? { excluded } : {}),
    };
  }
  const detail = excluded
    ? `no changed path counts: ${excluded.path} matches ${excluded.pattern} but is excluded by ${excluded.excludedBy}`
    : `none of the ${changes.paths.length} changed paths matches ${paths.fieldPrefix}includePaths`;
  return {
    start: false,
    reason: 'no-path-matched',
    detail,
    refPattern,
    work: search.work,
    ...(excluded ? { excluded } : {}),
  };
}
