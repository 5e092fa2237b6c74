/**
 * What recovery does about one delivery, decided from what GitHub's delivery log shows and what the
 * ledger remembers: pure functions of data, so every case is a row of a table (recovery-plan.spec.ts).
 */

/** One attempt of a delivery in GitHub's log (the original, or a redelivery: same guid, newer id). */
export interface Attempt {
  id: number;
  guid: string;
  /** Milliseconds since the epoch. */
  deliveredAt: number;
  redelivery: boolean;
  /** The webhook's answer; 0 when GitHub got none. */
  statusCode: number;
  event: string;
  action: string | null;
}

/** Any 2xx answer is a delivery the webhook took (and handed to eval, which retries on its own). */
export const succeeded = (attempt: Pick<Attempt, 'statusCode'>) => attempt.statusCode >= 200 && attempt.statusCode < 300;

/**
 * Where a recovery stands: `acting` while a pass recovers it; `redelivered` until GitHub's log shows
 * how the redelivery went; `failed` until its retry; then one of the final states.
 */
export type ClaimState = 'acting' | 'redelivered' | 'failed' | 'recovered' | 'handed-to-eval' | 'nothing-to-do' | 'abandoned';

const FINAL: readonly ClaimState[] = ['recovered', 'handed-to-eval', 'nothing-to-do', 'abandoned'];
export const isFinal = (state: ClaimState) => FINAL.includes(state);

/**
 * The ledger's record of one delivery recovery took on (one S3 object per delivery, written
 * conditionally, so two passes never both act on it).
 */
export interface Claim {
  version: 1;
  guid: string;
  /** The attempt GitHub is asked to deliver again, or whose payload is read: any attempt carries the same payload. */
  deliveryId: number;
  event: string;
  action: string | null;
  /** When GitHub first sent it: its retention runs from there. */
  deliveredAt: number;
  state: ClaimState;
  /** Recoveries made (redeliveries and hand-overs), the one in progress included. */
  attempts: number;
  /** The newest failed attempt recovery has reacted to: an older one seen again changes nothing. */
  actedOnId: number;
  /** The webhook's answer to the newest failed attempt (413: too large for it). */
  lastStatusCode: number;
  updatedAt: number;
  /** When a pass next looks at it (a retry, or a redelivery GitHub's log does not show yet). */
  retryAt?: number;
  lastError?: string;
  repository?: string;
  history: { at: number; state: ClaimState; note?: string }[];
}

/** How recovery paces itself: written once here, documented in docs/recovery.md. */
export const RECOVERY_POLICY = {
  /** Redeliveries tried before the payload GitHub's API keeps is handed to eval directly. */
  redeliveries: 2,
  /** A redelivery GitHub's log does not show as answered after this long is tried again. */
  confirmWithinMs: 30 * 60_000,
  /** A claim left `acting` this long belongs to a pass that died (a pass lasts at most minutes). */
  staleActingMs: 15 * 60_000,
  /** GitHub refuses a redelivery near the end of its retention: recovery stops trying this long before. */
  retentionMarginMs: 30 * 60_000,
  /**
   * A delivery is listed once its attempt ended (GitHub waits 10 s for an answer), and GitHub's log
   * can lag during an incident: a pass re-reads this much before where the last one ended. Re-reading
   * costs a page or two; missing a late-listed delivery would lose it.
   */
  settleMs: 10 * 60_000,
} as const;

/** The wait before the next try after `attempts` tries: 5, 10, 20, 40 minutes, then every hour. */
export const retryDelayMs = (attempts: number) => Math.min(5 * 60_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);

/** How the next try recovers: ask GitHub to redeliver, or hand the API's copy to eval (too large, or redeliveries failed). */
export function howToRecover(claim: Pick<Claim, 'attempts' | 'lastStatusCode'>): 'redeliver' | 'api-copy' {
  return claim.lastStatusCode === 413 || claim.attempts > RECOVERY_POLICY.redeliveries ? 'api-copy' : 'redeliver';
}

/** What to do about one delivery a pass saw in GitHub's log. */
export type Step =
  | { do: 'nothing'; why: string }
  | { do: 'recover'; claim: Claim }
  | { do: 'mark-recovered' }
  | { do: 'schedule-retry'; retryAt: number; failure: Attempt }
  | { do: 'abandon'; reason: string; claim?: Claim };

/** Past the point where GitHub still redelivers it or shows its payload. */
const expired = (deliveredAt: number, now: number, retentionMs: number) =>
  now - deliveredAt > retentionMs - RECOVERY_POLICY.retentionMarginMs;

/**
 * One delivery seen in a pass: `attempts` are its attempts the pass read, newest first (the original
 * last, when it was among them). A success among them means it arrived; otherwise a delivery nobody
 * recovered yet is recovered, and a redelivery of ours that failed is retried.
 */
export function planObserved(attempts: readonly Attempt[], claim: Claim | undefined, now: number, retentionMs: number): Step {
  const newestFailure = attempts.find((a) => !succeeded(a));
  if (!newestFailure) {
    return claim && !isFinal(claim.state) ? { do: 'mark-recovered' } : { do: 'nothing', why: 'delivered' };
  }
  if (attempts.some(succeeded)) return claim && !isFinal(claim.state) ? { do: 'mark-recovered' } : { do: 'nothing', why: 'delivered' };
  if (claim) {
    if (isFinal(claim.state)) return { do: 'nothing', why: claim.state };
    if (claim.state !== 'redelivered' || newestFailure.id <= claim.actedOnId) return { do: 'nothing', why: `${claim.state} already` };
    if (expired(claim.deliveredAt, now, retentionMs)) return { do: 'abandon', reason: "past GitHub's retention" };
    return { do: 'schedule-retry', retryAt: now + retryDelayMs(claim.attempts), failure: newestFailure };
  }
  const original = attempts.at(-1) as Attempt;
  const fresh: Claim = {
    version: 1,
    guid: newestFailure.guid,
    // Any attempt redelivers the same payload; the original when the pass saw it.
    deliveryId: original.id,
    event: newestFailure.event,
    action: newestFailure.action,
    deliveredAt: original.deliveredAt,
    state: 'acting',
    attempts: 1,
    actedOnId: newestFailure.id,
    lastStatusCode: newestFailure.statusCode,
    updatedAt: now,
    history: [{ at: now, state: 'acting', note: `answered ${newestFailure.statusCode || 'nothing'}` }],
  };
  if (expired(original.deliveredAt, now, retentionMs))
    return { do: 'abandon', reason: "past GitHub's retention", claim: { ...fresh, state: 'abandoned' } };
  return { do: 'recover', claim: fresh };
}

/** What a pass does about a claim whose due time came (a retry, an unconfirmed redelivery, a pass that died). */
export type DueStep = { do: 'retry' } | { do: 'drop' } | { do: 'wait'; until: number } | { do: 'abandon'; reason: string };

export function planDue(claim: Claim | undefined, now: number, retentionMs: number): DueStep {
  if (!claim || isFinal(claim.state)) return { do: 'drop' };
  const due = claim.state === 'acting' ? claim.updatedAt + RECOVERY_POLICY.staleActingMs : (claim.retryAt ?? now);
  if (due > now) return { do: 'wait', until: due };
  if (expired(claim.deliveredAt, now, retentionMs)) return { do: 'abandon', reason: "past GitHub's retention" };
  return { do: 'retry' };
}

/** A claim moved to `state`, with the step in its history (the last 20 kept). */
export function moved(claim: Claim, state: ClaimState, now: number, changes: Partial<Claim> = {}, note?: string): Claim {
  const history = [...claim.history, { at: now, state, ...(note ? { note } : {}) }].slice(-20);
  const next: Claim = { ...claim, ...changes, state, updatedAt: now, history };
  if (isFinal(state)) delete next.retryAt;
  return next;
}
