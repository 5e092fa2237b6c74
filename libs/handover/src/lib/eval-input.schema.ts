import * as z from 'zod/mini';

/**
 * The push event webhook hands to eval: everything a decision needs, nothing else. It is the
 * contract between the two functions, so both parse it with this schema.
 */
export const compactPushEventSchema = z.object({
  type: z.literal('push'),
  version: z.literal(1),
  /** `X-GitHub-Delivery`: unchanged when a delivery is redelivered. */
  deliveryId: z.string(),
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
  /** The `[skip ci]`-style marker the head commit's message contains, if any (push-event's SKIP_CI_MARKERS). */
  skipCi: z.optional(z.string()),
});

export type CompactPushEvent = z.output<typeof compactPushEventSchema>;

/** What eval is invoked with when the event is too large for an asynchronous invoke. */
export const claimCheckSchema = z.object({
  type: z.literal('push-claim-check'),
  version: z.literal(1),
  deliveryId: z.string(),
  bucket: z.string(),
  key: z.string(),
  bytes: z.int().check(z.nonnegative()),
});

export type ClaimCheck = z.output<typeof claimCheckSchema>;

/** Anything eval can be invoked with. */
export const evalInputSchema = z.discriminatedUnion('type', [compactPushEventSchema, claimCheckSchema]);
export type EvalInput = z.output<typeof evalInputSchema>;
