import { pathsWithPrefix, type ChangeSet } from './change-set';
import type { CompiledTrigger } from './compiled-trigger';
import { parseRef } from './ref-patterns';

/** Why a pipeline was or was not started. Stable codes for logs, dashboards and tests. */
export type DecisionReason =
  | 'repository-mismatch'
  | 'ref-deleted'
  | 'ref-not-branch-or-tag'
  | 'branch-not-matched'
  | 'tag-not-matched'
  | 'tag-matched'
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
}

/** The push facts a decision depends on. */
export interface PushFacts {
  /** `owner/name` of the pushed repository. */
  repository: string;
  /** Full ref (`refs/heads/main`, `refs/tags/v1`). */
  ref: string;
  /** True when the push deleted the ref. */
  deleted: boolean;
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

  let excluded: Decision['excluded'];
  for (const include of trigger.includes) {
    for (const path of pathsWithPrefix(changes, include.prefix)) {
      if (!include.regex.test(path)) continue;
      const exclude = trigger.excludes.find((e) => e.regex.test(path));
      const match = { path, pattern: include.source, field: `includePaths[${include.index}]` };
      if (!exclude) {
        return {
          start: true,
          reason: 'path-matched',
          detail: `${path} matches ${include.source} on branch ${ref.name}`,
          refPattern: branch.source,
          match,
        };
      }
      excluded ??= { ...match, excludedBy: exclude.source, excludedByField: `excludePaths[${exclude.index}]` };
    }
  }

  if (!changes.complete) {
    const startAnyway = config.onIncompleteChanges === 'trigger';
    return {
      start: startAnyway,
      reason: startAnyway ? 'changes-incomplete-trigger' : 'changes-incomplete-skip',
      detail: `the change list is incomplete and none of the ${changes.paths.length} known paths counts; onIncompleteChanges is ${config.onIncompleteChanges}`,
      refPattern: branch.source,
      ...(excluded ? { excluded } : {}),
    };
  }
  const detail = excluded
    ? `no changed path counts: ${excluded.path} matches ${excluded.pattern} but is excluded by ${excluded.excludedBy}`
    : `none of the ${changes.paths.length} changed paths matches includePaths`;
  return { start: false, reason: 'no-path-matched', detail, refPattern: branch.source, ...(excluded ? { excluded } : {}) };
}
