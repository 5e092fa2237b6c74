import * as z from 'zod/mini';

/** What became of one config for one push. */
export const configOutcomeSchema = z.object({
  pipeline: z.string(),
  /** The config's S3 key. */
  key: z.string(),
  action: z.enum(['started', 'skipped', 'failed', 'not-entitled']),
  /** The decision's stable code (`path-matched`, `no-path-matched`, …) and its sentence for people. */
  reason: z.string(),
  detail: z.string(),
  refPattern: z.optional(z.string()),
  match: z.optional(z.object({ path: z.string(), pattern: z.string(), field: z.string() })),
  excluded: z.optional(z.object({ path: z.string(), excludedBy: z.string() })),
  executionId: z.optional(z.string()),
  /** Why the pipeline refused (its entitlement tag), or why the start failed. */
  refused: z.optional(z.string()),
  error: z.optional(z.string()),
  statusContext: z.string(),
  reportSkipped: z.boolean(),
  /** Set when the config counts a branch push's changes from its last success: the statuses function then records its successes. */
  compareWith: z.optional(z.string()),
  /**
   * For such a config the push alone did not start: what its changes were counted from (`last-success`
   * or `baseline`: that commit; `push`: the push alone, and why), in a sentence.
   */
  base: z.optional(z.object({ kind: z.string(), commit: z.optional(z.string()), commitsSince: z.optional(z.int()), note: z.string() })),
  /** Set when the config's paths were derived from an Nx workspace (config `nx`): the project and target they are the inputs of. */
  nx: z.optional(z.object({ project: z.string(), target: z.string(), configuration: z.optional(z.string()) })),
});

/** The pull request a record is about: which, which event, from where into where. */
export const recordedPullRequestSchema = z.object({
  number: z.int().check(z.positive()),
  /** opened, synchronize, reopened, ready_for_review or merged. */
  event: z.string(),
  baseRef: z.string(),
  headRef: z.string(),
  headSha: z.string(),
  draft: z.boolean(),
  fromFork: z.boolean(),
});

/** The merge group a record is about: which group, into which branch, and what GitHub said of it. */
export const recordedMergeGroupSchema = z.object({
  /** checks_requested (decided and started) or destroyed (what it started was stopped, or kept). */
  action: z.string(),
  /** For destroyed: merged, invalidated or dequeued, when GitHub said. */
  reason: z.optional(z.string()),
  baseRef: z.string(),
  baseSha: z.string(),
  headRef: z.string(),
  headSha: z.string(),
});

/** What became of one execution started for a merge group that GitHub destroyed. */
export const recordedStopSchema = z.object({
  pipeline: z.string(),
  executionId: z.string(),
  /** stopped (or already stopping), finished (nothing to stop), kept (not to be stopped), failed (retried). */
  outcome: z.string(),
  detail: z.string(),
});

/**
 * One push's (or pull request event's) decisions, as eval stored them: what `triggers why` and `triggers history` print, and
 * what the check-run summary shows. Written once per delivery, under the records prefix, expired by
 * the bucket's lifecycle rule.
 */
export const decisionRecordSchema = z.object({
  /**
   * 1. A later release adds fields older readers may skip without changing this (readers ignore the
   * fields they do not know); any version is read with the fields the reader knows
   * (docs/upgrading.md). A record missing one of them is unreadable, and listed as such.
   */
  version: z.int().check(z.gte(1)),
  deliveryId: z.string(),
  repository: z.string(),
  /** The pushed ref; for a pull request, `refs/pull/<number>/head`; for a merge group, its temporary branch. */
  ref: z.string(),
  /** For a pull request: its base commit and head commit. */
  before: z.string(),
  after: z.string(),
  /**
   * The commit built: `after`, or the commit an annotated tag points at; for a pull request its head
   * commit, or its merge commit for `merged`.
   */
  commit: z.string(),
  /** Set when the record is about a pull request event rather than a push. */
  pullRequest: z.optional(recordedPullRequestSchema),
  /** Set when the record is about a merge group (from hand-over version 2; older readers ignore it). */
  mergeGroup: z.optional(recordedMergeGroupSchema),
  /** For a destroyed merge group: what became of each execution started for it. */
  stops: z.optional(z.array(recordedStopSchema)),
  /** When eval decided (ISO 8601). */
  time: z.string(),
  changes: z.object({
    rule: z.string(),
    source: z.string(),
    complete: z.boolean(),
    paths: z.int().check(z.nonnegative()),
  }),
  configs: z.array(configOutcomeSchema),
  invalidConfigs: z.array(
    z.object({
      key: z.string(),
      error: z.string(),
      /** Set when the config is in a newer format this eval must not decide with: the format a reader needs. */
      needsFormat: z.optional(z.int()),
    }),
  ),
  /** Configs in a newer format than the eval that decided, decided without the fields it did not know. */
  newerConfigs: z.optional(z.array(z.object({ key: z.string(), format: z.int(), ignored: z.array(z.string()) }))),
});

export type ConfigOutcome = z.output<typeof configOutcomeSchema>;
export type DecisionRecord = z.output<typeof decisionRecordSchema>;
export type RecordedMergeGroup = z.output<typeof recordedMergeGroupSchema>;
export type RecordedStop = z.output<typeof recordedStopSchema>;
