import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import {
  githubMergeGroupSchema,
  githubPullRequestSchema,
  githubPushSchema,
  toCompactMergeGroupEvent,
  toCompactPullRequestEvent,
  toCompactPushEvent,
} from '@monorepo-triggers/github-events';

/** What `send` needs to know of the push, pull request or merge group event it sends. */
export interface SentEvent {
  repository: string;
  /** The commit built: the push's head (or the tagged commit), the pull request's head or merge commit, the merge group's head. */
  commit: string;
  /** Set for a merge group: what GitHub asked (a destroyed group starts nothing: it stops what it started). */
  mergeGroup?: { action: 'checks_requested' | 'destroyed' };
  /**
   * Whether `record` is of the same start as this event: eval's starts are idempotent per push
   * (repository, ref, previous and new head) and per pull request version (number, merged or not,
   * commit) and per merge group (its temporary branch and head commit), so CodePipeline gives such
   * an event the executions of that record back.
   */
  sameStartAs(record: DecisionRecord): boolean;
}

/** The push, pull request or merge group event a payload is, if it is one that can start (or stop) a pipeline. */
export function sentEventOf(body: Buffer, event: string): SentEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (event === 'pull_request') {
    const pull = githubPullRequestSchema.safeParse(json);
    const compact = pull.success ? toCompactPullRequestEvent(pull.data, 'send') : undefined;
    if (!compact) return undefined;
    const commit = compact.mergeCommit ?? compact.headSha;
    const merged = compact.event === 'merged';
    return {
      repository: compact.repository,
      commit,
      sameStartAs: (r) => r.pullRequest?.number === compact.number && r.commit === commit && (r.pullRequest.event === 'merged') === merged,
    };
  }
  if (event === 'merge_group') {
    const group = githubMergeGroupSchema.safeParse(json);
    const compact = group.success ? toCompactMergeGroupEvent(group.data, 'send') : undefined;
    if (!compact) return undefined;
    const checks = compact.action === 'checks_requested';
    return {
      repository: compact.repository,
      commit: compact.headSha,
      mergeGroup: { action: compact.action },
      // A destroyed group starts nothing: no start of it is the same as another's.
      sameStartAs: (r) =>
        checks &&
        r.mergeGroup?.action === 'checks_requested' &&
        r.mergeGroup.headRef === compact.headRef &&
        r.commit === compact.headSha &&
        r.repository.toLowerCase() === compact.repository.toLowerCase(),
    };
  }
  if (event !== 'push') return undefined;
  const push = githubPushSchema.safeParse(json);
  if (!push.success) return undefined;
  const compact = toCompactPushEvent(push.data, 'send');
  return {
    repository: compact.repository,
    commit: compact.headCommit ?? compact.after,
    sameStartAs: (r) =>
      !r.pullRequest && !r.mergeGroup && r.ref === compact.ref && r.before === compact.before && r.after === compact.after,
  };
}
