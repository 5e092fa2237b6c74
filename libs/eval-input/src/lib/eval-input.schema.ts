import * as z from 'zod/mini';

/**
 * The pull request events eval decides: new code to build (opened, reopened, new commits), a draft
 * made ready, and, for configs that opt in, a merge (a `closed` delivery with `merged: true`). The
 * one list of the hand-over and the CLI; config-schema publishes the same names for configs
 * (`PULL_REQUEST_EVENT_NAMES`: a published package depends on no other), and a test holds them equal.
 */
export const PULL_REQUEST_EVENTS = ['opened', 'synchronize', 'reopened', 'ready_for_review', 'merged'] as const;
export type PullRequestEvent = (typeof PULL_REQUEST_EVENTS)[number];

/**
 * The hand-over's format version, the contract between the functions that write events (webhook,
 * reconcile, `triggers redrive`) and eval, deployed at different times (docs/upgrading.md). A field
 * eval may ignore is added without changing it (eval reads the fields it knows); a change eval must
 * understand raises it, and an eval that reads an older version refuses the event so Lambda retries
 * it and keeps it as a dead letter, to be replayed once eval is upgraded: never decided wrongly, never lost.
 */
export const HANDOVER_VERSION = 2;

/**
 * The version each event is written in: the lowest that expresses it (docs/upgrading.md), so an
 * eval of an older release decides every event it could decide before. Version 2 added merge groups:
 * an eval of version 1 refuses them (a dead letter to replay), where it would drop an unknown type.
 */
export const HANDOVER_VERSION_OF = { push: 1, pull_request: 1, merge_group: 2 } as const;

/** Any version from 1: which ones this eval decides is EventReader's call (HANDOVER_VERSION). */
const version = z.int().check(z.gte(1));

/**
 * The push event webhook hands to eval: everything a decision needs, nothing else. It is the
 * contract between the two functions, so both parse it with this schema.
 */
export const compactPushEventSchema = z.object({
  type: z.literal('push'),
  version,
  /** `X-GitHub-Delivery`: unchanged when a delivery is redelivered. */
  deliveryId: z.string(),
  /**
   * When the delivery reached us: the webhook's clock, or for a delivery recovery found missing,
   * when GitHub first sent it. What eval's TimeToStart metric counts from; an older writer omits it.
   */
  receivedAt: z.optional(z.string()),
  /** `owner/name` as GitHub spells it. */
  repository: z.string(),
  defaultBranch: z.optional(z.string()),
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  /**
   * The commit the push points at, when GitHub names it: differs from `after` for an annotated tag,
   * whose `after` is the tag object.
   */
  headCommit: z.optional(z.string()),
  created: z.boolean(),
  deleted: z.boolean(),
  forced: z.boolean(),
  /** Union of added, modified and removed paths over the push's commits, sorted. */
  changedPaths: z.array(z.string()),
  commitCount: z.int().check(z.nonnegative()),
  /** Why GitHub's change list may be missing paths; absent when it is complete. */
  incompleteReasons: z.optional(z.array(z.string())),
  /** The `[skip ci]`-style marker the head commit's message contains, if any (SKIP_CI_MARKERS, decision-inputs.ts). */
  skipCi: z.optional(z.string()),
});

export type CompactPushEvent = z.output<typeof compactPushEventSchema>;

/**
 * A pull request event as webhook hands it to eval: which pull request, which event, its base and
 * head, and whether its code is a fork's. Its changed files are not in the delivery: eval asks GitHub.
 */
export const compactPullRequestEventSchema = z.object({
  type: z.literal('pull_request'),
  version,
  deliveryId: z.string(),
  /**
   * When the delivery reached us: the webhook's clock, or for a delivery recovery found missing,
   * when GitHub first sent it. What eval's TimeToStart metric counts from; an older writer omits it.
   */
  receivedAt: z.optional(z.string()),
  repository: z.string(),
  defaultBranch: z.optional(z.string()),
  number: z.int().check(z.positive()),
  /** opened, synchronize, reopened, ready_for_review, or merged (a `closed` delivery of a merged PR). */
  event: z.enum(PULL_REQUEST_EVENTS),
  draft: z.boolean(),
  baseRef: z.string(),
  baseSha: z.string(),
  headRef: z.string(),
  /** The commit a build of the PR is pinned to. */
  headSha: z.string(),
  /** `owner/name` of the head repository; absent when it was deleted. */
  headRepository: z.optional(z.string()),
  /** The head repository is not the base repository: a stranger's code until a config allows forks. */
  fromFork: z.boolean(),
  /** For `merged`: the commit the merge made on the base branch. */
  mergeCommit: z.optional(z.string()),
});

export type CompactPullRequestEvent = z.output<typeof compactPullRequestEventSchema>;

/**
 * A merge group of GitHub's merge queue as webhook hands it to eval: which group (its temporary
 * branch and head commit), the branch and commit it merges into, and whether its checks are
 * requested or it was destroyed (and why). Its changed files are not in the delivery: eval asks GitHub.
 */
export const compactMergeGroupEventSchema = z.object({
  type: z.literal('merge_group'),
  version,
  deliveryId: z.string(),
  /**
   * When the delivery reached us: the webhook's clock, or for a delivery recovery found missing,
   * when GitHub first sent it. What eval's TimeToStart metric counts from.
   */
  receivedAt: z.optional(z.string()),
  repository: z.string(),
  defaultBranch: z.optional(z.string()),
  /** checks_requested: build it; destroyed: it merged, or left the queue (`reason`). */
  action: z.enum(['checks_requested', 'destroyed']),
  /** For `destroyed`: merged, invalidated (an earlier entry left the queue) or dequeued; GitHub may leave it out. */
  reason: z.optional(z.enum(['merged', 'invalidated', 'dequeued'])),
  /** The branch it merges into (`refs/heads/main`), and that branch's commit it was made on. */
  baseRef: z.string(),
  baseSha: z.string(),
  /** Its temporary branch (`refs/heads/gh-readonly-queue/main/pr-…`) and head commit: what is built, and reported on. */
  headRef: z.string(),
  headSha: z.string(),
});

export type CompactMergeGroupEvent = z.output<typeof compactMergeGroupEventSchema>;

/** An event eval decides on: a push, a pull request or a merge group. */
export type EvalEvent = CompactPushEvent | CompactPullRequestEvent | CompactMergeGroupEvent;

/** What eval is invoked with when the event is too large for an asynchronous invoke. */
export const claimCheckSchema = z.object({
  type: z.literal('push-claim-check'),
  version,
  deliveryId: z.string(),
  bucket: z.string(),
  key: z.string(),
  bytes: z.int().check(z.nonnegative()),
});

export type ClaimCheck = z.output<typeof claimCheckSchema>;

/** Anything eval can be invoked with. */
export const evalInputSchema = z.discriminatedUnion('type', [
  compactPushEventSchema,
  compactPullRequestEventSchema,
  compactMergeGroupEventSchema,
  claimCheckSchema,
]);
export type EvalInput = z.output<typeof evalInputSchema>;
