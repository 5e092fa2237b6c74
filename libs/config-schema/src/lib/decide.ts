import { pathsWithPrefix, type ChangeSet } from './change-set';
import type { CompiledTrigger } from './compiled-trigger';
import type { CompiledPathPattern } from './path-patterns';
import { LIMITS } from './limits';
import { MatchBudget } from './match-budget';
import { parseRef } from './ref-patterns';

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
  | 'changes-incomplete-skip';

export interface PathMatch {
  path: string;
  pattern: string;
  /** `includePaths[i]` or `excludePaths[i]`. */
  field: string;
}

export interface Decision {
  start: boolean;
  reason: DecisionReason;
  /** One sentence for people. */
  detail: string;
  /** The branch or tag glob that matched the ref. */
  refPattern?: string;
  /** The first changed path that counted, and the include pattern it matched. */
  match?: PathMatch;
  /** When nothing counted: an included path that an exclude pattern removed, to explain why. */
  excluded?: PathMatch & { excludedBy: string; excludedByField: string };
  /** Matching work spent on changed paths (see MatchBudget); absent when paths were not looked at. */
  work?: number;
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
}

/**
 * Whether a decision was made without knowing every changed path and could change once they are
 * known: eval asks GitHub for the full list only for such decisions.
 */
export function awaitsFullChangeList(decision: Decision): boolean {
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
      const detail = trigger.tags.length === 0 ? `tag ${ref.name}: config has no tags` : `tag ${ref.name} matches none of ${trigger.tags.map((p) => p.source).join(', ')}`;
      return { start: false, reason: 'tag-not-matched', detail };
    }
    return { start: true, reason: 'tag-matched', detail: `tag ${ref.name} matches ${tag.source}`, refPattern: tag.source };
  }

  const branch = trigger.branches.find((p) => p.test(ref.name));
  if (!branch) {
    return { start: false, reason: 'branch-not-matched', detail: `branch ${ref.name} matches none of ${trigger.branches.map((p) => p.source).join(', ')}` };
  }
  if (push.created && config.onNewBranch === 'always') {
    return { start: true, reason: 'new-branch', detail: `branch ${ref.name} was created and matches ${branch.source}; onNewBranch is always`, refPattern: branch.source };
  }

  let excluded: Decision['excluded'];
  // A path longer than any real checkout allows is not run through the patterns, and matching stops
  // at the config's work budget: either way, when nothing counted before, the change list is as
  // good as incomplete for this config.
  let tooLong: string | undefined;
  let exhausted = false;
  const budget = new MatchBudget();
  search: for (const include of trigger.includes) {
    for (const path of pathsWithPrefix(changes, include.prefix)) {
      if (path.length > LIMITS.nameLength) {
        tooLong ??= path;
        continue;
      }
      if (!budget.charge(include, path)) {
        exhausted = true;
        break search;
      }
      if (!include.test(path)) continue;
      let exclude: CompiledPathPattern | undefined;
      for (const candidate of trigger.excludes) {
        if (!budget.charge(candidate, path)) {
          exhausted = true;
          break search;
        }
        if (candidate.test(path)) {
          exclude = candidate;
          break;
        }
      }
      const match = { path, pattern: include.source, field: `includePaths[${include.index}]` };
      if (!exclude) {
        return {
          start: true,
          reason: 'path-matched',
          detail: `${path} matches ${include.source} on branch ${ref.name}`,
          refPattern: branch.source,
          match,
          work: budget.used,
        };
      }
      excluded ??= { ...match, excludedBy: exclude.source, excludedByField: `excludePaths[${exclude.index}]` };
    }
  }

  if (!changes.complete || tooLong !== undefined || exhausted) {
    const startAnyway = config.onIncompleteChanges === 'trigger';
    const why = !changes.complete
      ? `the change list is incomplete and none of the ${changes.paths.length} known paths counts`
      : exhausted
        ? `matching stopped at this config's work limit (${budget.limit.toLocaleString('en')} pattern instructions × path characters) before a path counted`
        : `a path of ${tooLong?.length} characters (${tooLong?.slice(0, 60)}…) is longer than the ${LIMITS.nameLength} characters patterns are matched against, and no other path counts`;
    return {
      start: startAnyway,
      reason: startAnyway ? 'changes-incomplete-trigger' : 'changes-incomplete-skip',
      detail: `${why}; onIncompleteChanges is ${config.onIncompleteChanges}`,
      refPattern: branch.source,
      work: budget.used,
      ...(excluded ? { excluded } : {}),
    };
  }
  const detail = excluded
    ? `no changed path counts: ${excluded.path} matches ${excluded.pattern} but is excluded by ${excluded.excludedBy}`
    : `none of the ${changes.paths.length} changed paths matches includePaths`;
  return { start: false, reason: 'no-path-matched', detail, refPattern: branch.source, work: budget.used, ...(excluded ? { excluded } : {}) };
}
