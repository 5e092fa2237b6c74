import {
  GithubApiError,
  UnexpectedDeliveryLog,
  webhookName,
  type HookDeliveryItem,
  type WebhookDeliveries,
} from '@monorepo-triggers/github-api';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import { mayStartPipelines } from '@monorepo-triggers/github-events';
import { recoverDelivery, type RecoveryDependencies, type RecoveryResult } from './recover-delivery';
import type { RecoveryLedger, ScanState } from './recovery-ledger';
import { isFinal, moved, planDue, planObserved, RECOVERY_POLICY, retryDelayMs, succeeded, type Attempt, type Claim } from './recovery-plan';

export interface ReconcileDependencies extends RecoveryDependencies {
  deliveries: Pick<WebhookDeliveries, 'hook' | 'page' | 'get' | 'redeliver'>;
  ledger: Pick<RecoveryLedger, 'readScan' | 'writeScan' | 'getClaim' | 'createClaim' | 'updateClaim' | 'setDue' | 'clearDue' | 'listDue'>;
  now: () => number;
  /** Milliseconds the pass may still use (the invocation's time left, less what finishing takes). */
  timeLeftMs: () => number;
  log: Logger;
}

/** The bounds of one pass over one webhook's log. */
export interface ReconcileLimits {
  maxPages: number;
  maxRecoveries: number;
  retentionMs: number;
}

/** One delivery a pass recovered, or would have (dry run). */
export interface Recovery {
  guid: string;
  deliveryId: number;
  event: string;
  action: string | null;
  /** The try this was (1: the first). */
  attempt: number;
  result: RecoveryResult['state'] | 'would-recover';
  repository?: string;
  note?: string;
}

/** What one pass over one webhook's log did. */
export interface ReconcileReport {
  webhook: string;
  dryRun: boolean;
  pages: number;
  /** Push, pull_request and merge_group deliveries examined. */
  examined: number;
  recoveries: Recovery[];
  /** Deliveries recovered earlier whose redelivery GitHub's log now shows as taken. */
  confirmed: number;
  retriesScheduled: number;
  abandoned: { guid: string; reason: string }[];
  /** Every delivery up to where the last pass ended was examined. */
  complete: boolean;
  /** Why the pass stopped before that (a limit, GitHub failing). */
  stopped?: string;
  /** Deliveries delivered before this time are all examined. */
  through?: string;
}

/** Time kept back for saving the pass's progress. */
const RESERVE_MS = 10_000;

/** Passes in a row GitHub may fail before a pass fails loudly (the errors alarm). */
export const FAILED_PASSES_ALARM = 6;

/** GitHub would not show a webhook's delivery log, for a reason only a person can fix: the pass fails, loudly. */
export class DeliveryLogRefused extends Error {
  override readonly name = 'DeliveryLogRefused';
  /** What the pass did before it failed (retries of earlier recoveries, the pages it read): still counted. */
  report?: ReconcileReport;
  constructor(webhook: string, reason: string, report?: ReconcileReport) {
    super(`${webhook}: GitHub's delivery log could not be read: ${reason}`);
    if (report) this.report = report;
  }
}

/** Redeliveries kept waiting for their original at most; beyond, each is decided on its own attempts. */
const MAX_PENDING = 500;

/** Where a scan goes on: a page of the log, and the redeliveries read before it whose original is further down. */
interface ResumePoint {
  cursor?: string;
  pending: Attempt[];
}

const toAttempt = (item: HookDeliveryItem): Attempt => ({
  id: item.id,
  guid: item.guid,
  deliveredAt: Date.parse(item.delivered_at),
  redelivery: item.redelivery,
  statusCode: item.status_code,
  event: item.event,
  action: item.action ?? null,
});

/**
 * One pass over a webhook's delivery log (docs/recovery.md): reads it newest first down to where the
 * last pass ended (a minute before it, for deliveries still being logged), recovers each push or pull
 * request delivery the webhook did not take and nobody recovered yet (exactly once: claims in the
 * ledger), confirms or retries earlier recoveries, then saves how far it got. Bounded in pages,
 * recoveries and time; a pass stopped by a bound or by GitHub failing saves where to go on, and the
 * next pass finishes the job within GitHub's retention. With `dryRun` it reads and reports only.
 */
export async function reconcileWebhook(deps: ReconcileDependencies, limits: ReconcileLimits, dryRun = false): Promise<ReconcileReport> {
  const webhook = webhookName(deps.deliveries.hook);
  const log: Logger = (fields) => deps.log({ webhook, ...fields });
  const report: ReconcileReport = {
    webhook,
    dryRun,
    pages: 0,
    examined: 0,
    recoveries: [],
    confirmed: 0,
    retriesScheduled: 0,
    abandoned: [],
    complete: false,
  };
  const started = deps.now();
  const saved = await deps.ledger.readScan();
  let state: ScanState = saved.state;
  let scanComplete: boolean;
  let pagesLeft = limits.maxPages;
  let recoveriesLeft = limits.maxRecoveries;
  let stopped: string | undefined;
  /** Why GitHub's log could not be read, when it is something only a person can fix (a permission, a setting). */
  let refused: string | undefined;
  /** Whether GitHub failed (5xx, no answer, rate limit) while the log was read. */
  let githubFailed = false;
  let rateLimited = false;
  const workLimit = () => (deps.timeLeftMs() < RESERVE_MS ? 'the time limit' : recoveriesLeft <= 0 ? 'the recovery limit' : undefined);
  const limitReached = () => (pagesLeft <= 0 ? 'the page limit' : workLimit());

  /** Tries to recover a claimed delivery once, and records how it went. 'stop' when GitHub rate-limits. */
  async function attempt(claim: Claim, etag: string): Promise<'go-on' | 'stop'> {
    recoveriesLeft--;
    const result = await recoverDelivery(claim, deps);
    const now = deps.now();
    const next: Claim =
      result.state === 'failed'
        ? moved(claim, 'failed', now, { retryAt: now + retryDelayMs(claim.attempts), lastError: result.error }, result.error)
        : result.state === 'redelivered'
          ? moved(claim, 'redelivered', now, { retryAt: now + RECOVERY_POLICY.confirmWithinMs })
          : moved(
              claim,
              result.state,
              now,
              'repository' in result && result.repository ? { repository: result.repository } : {},
              result.state === 'handed-to-eval'
                ? `${result.mode}, ${result.bytes} bytes${result.movedTo ? `; its branch had moved on: built at ${result.movedTo}` : ''}`
                : result.state === 'nothing-to-do'
                  ? result.why
                  : result.state === 'abandoned'
                    ? result.reason
                    : undefined,
            );
    if (!(await deps.ledger.updateClaim(next, etag))) log({ msg: 'recovery-claim-changed', guid: claim.guid, level: 'warn' });
    if (isFinal(next.state)) await deps.ledger.clearDue(claim.guid);
    else await deps.ledger.setDue(claim.guid, next.retryAt ?? now);
    const note = next.history.at(-1)?.note;
    const recovery: Recovery = {
      guid: claim.guid,
      deliveryId: claim.deliveryId,
      event: claim.event,
      action: claim.action,
      attempt: claim.attempts,
      result: result.state,
      ...(next.repository ? { repository: next.repository } : {}),
      ...(note ? { note } : {}),
    };
    report.recoveries.push(recovery);
    if (result.state === 'abandoned') report.abandoned.push({ guid: claim.guid, reason: result.reason });
    log({
      msg: result.state === 'abandoned' ? 'recovery-abandoned' : 'recovery',
      ...(result.state === 'abandoned' || result.state === 'failed' ? { level: result.state === 'abandoned' ? 'error' : 'warn' } : {}),
      ...recovery,
    });
    if (result.state === 'failed' && result.rateLimited) {
      stopped = "GitHub's rate limit";
      rateLimited = true;
      return 'stop';
    }
    return 'go-on';
  }

  /** Decides one delivery from its attempts in this pass (newest first) and acts. */
  async function decide(attempts: Attempt[]): Promise<'go-on' | 'stop'> {
    report.examined++;
    const guid = (attempts[0] as Attempt).guid;
    // A delivery the webhook took the first time needs nothing, and costs no ledger read.
    if (attempts.some(succeeded) && !attempts.some((a) => a.redelivery)) return 'go-on';
    const read = await deps.ledger.getClaim(guid);
    const now = deps.now();
    // A claim that cannot be read is held by whoever is writing it; only one left unreadable for long is replaced.
    if (read && !read.claim && now - (read.lastModified ?? now) < RECOVERY_POLICY.staleActingMs) {
      log({ msg: 'recovery-claim-unreadable', level: 'warn', guid });
      return 'go-on';
    }
    const step = planObserved(attempts, read?.claim, now, limits.retentionMs);
    // A claim a pass left acting (it died between taking it and its due marker, say) is put back on the due list.
    if (step.do === 'nothing' && read?.claim?.state === 'acting' && !dryRun)
      await deps.ledger.setDue(guid, read.claim.updatedAt + RECOVERY_POLICY.staleActingMs);
    if (step.do === 'nothing') return 'go-on';
    if (step.do === 'recover') {
      const why = limitReached();
      if (why) {
        stopped = why;
        return 'stop';
      }
      if (dryRun) {
        recoveriesLeft--;
        report.recoveries.push({
          guid,
          deliveryId: step.claim.deliveryId,
          event: step.claim.event,
          action: step.claim.action,
          attempt: 1,
          result: 'would-recover',
        });
        return 'go-on';
      }
      // The due marker first: if the claim is taken and this pass then dies (or S3 fails), a later
      // pass finds the marker and takes the claim over once it is stale. A marker without a claim is dropped.
      await deps.ledger.setDue(guid, now + RECOVERY_POLICY.staleActingMs);
      const etag = read ? await deps.ledger.updateClaim(step.claim, read.etag) : await deps.ledger.createClaim(step.claim);
      if (!etag) {
        log({ msg: 'recovery-claimed-by-another', guid });
        return 'go-on';
      }
      return attempt(step.claim, etag);
    }
    if (dryRun) return 'go-on';
    if (step.do === 'abandon') {
      // Recorded as a claim, so later passes know it and say it once.
      const claim = step.claim ?? (read?.claim ? moved(read.claim, 'abandoned', now, {}, step.reason) : undefined);
      const recorded = claim && (read ? await deps.ledger.updateClaim(claim, read.etag) : await deps.ledger.createClaim(claim));
      if (!recorded) return 'go-on';
      await deps.ledger.clearDue(guid);
      report.abandoned.push({ guid, reason: step.reason });
      log({ msg: 'recovery-abandoned', level: 'error', guid, event: attempts[0]?.event, reason: step.reason });
      return 'go-on';
    }
    if (!read) return 'go-on';
    const claim = read.claim as Claim;
    if (step.do === 'mark-recovered') {
      if (await deps.ledger.updateClaim(moved(claim, 'recovered', now, {}, 'GitHub shows it taken'), read.etag)) {
        await deps.ledger.clearDue(guid);
        report.confirmed++;
        log({ msg: 'recovery-confirmed', guid, attempts: claim.attempts });
      }
      return 'go-on';
    }
    // schedule-retry: our redelivery failed too.
    const failed = moved(
      claim,
      'failed',
      now,
      { retryAt: step.retryAt, actedOnId: step.failure.id, lastStatusCode: step.failure.statusCode },
      `redelivery answered ${step.failure.statusCode || 'nothing'}`,
    );
    if (await deps.ledger.updateClaim(failed, read.etag)) {
      await deps.ledger.setDue(guid, step.retryAt);
      report.retriesScheduled++;
      log({ msg: 'recovery-retry-scheduled', guid, retryAt: new Date(step.retryAt).toISOString(), statusCode: step.failure.statusCode });
    }
    return 'go-on';
  }

  /**
   * Reads the log from `start.cursor` (the newest page without one) down to `floor`. A delivery is
   * decided when its original is reached, its redeliveries (newer) having been read by then; they
   * wait in `pending`, and what waits when a scan stops is saved with where it stopped, so a delivery
   * whose attempts span two pages or two passes is still decided on all of them. Attempts whose
   * original is older than the floor are decided at the end.
   */
  async function scan(start: ResumePoint, floor: number): Promise<{ complete: true } | { complete: false; at?: ResumePoint }> {
    const pending = new Map<string, Attempt[]>();
    for (const seen of start.pending) pending.set(seen.guid, [...(pending.get(seen.guid) ?? []), seen]);
    let cursor = start.cursor;
    let at: ResumePoint = start;
    const stop = () => ({ complete: false as const, ...(at.cursor ? { at } : {}) });
    for (;;) {
      // Where to go on if the scan stops before this page is done: this page, with what waited before it.
      at = { ...(cursor ? { cursor } : {}), pending: [...pending.values()].flat() };
      const why = limitReached();
      if (why) {
        stopped = why;
        return stop();
      }
      let page;
      try {
        page = await deps.deliveries.page(cursor);
      } catch (error) {
        const e = error as Error;
        stopped = `GitHub's delivery log could not be read (${e.message.slice(0, 200)})`;
        // A refusal asking again cannot change (no permission, not installed, a wrong hook) fails the
        // invocation, so the errors alarm sees it; an outage or a rate limit is the next pass's to finish.
        if ((error instanceof GithubApiError && error.permanent) || error instanceof UnexpectedDeliveryLog)
          refused = `${e.name}: ${e.message}`;
        else githubFailed = true;
        rateLimited = error instanceof GithubApiError && error.rateLimited;
        log({ msg: 'delivery-log-unavailable', level: refused ? 'error' : 'warn', error: `${e.name}: ${e.message}` });
        return stop();
      }
      pagesLeft--;
      report.pages++;
      let reachedFloor = false;
      for (const item of page.deliveries) {
        const seen = toAttempt(item);
        if (seen.deliveredAt < floor) {
          reachedFloor = true;
          break;
        }
        if (!mayStartPipelines(seen.event, seen.action)) continue;
        const attempts = [...(pending.get(seen.guid) ?? []), seen];
        // Redeliveries of deliveries further down wait for their original (a few at most).
        if (seen.redelivery && pending.size < MAX_PENDING) {
          pending.set(seen.guid, attempts);
          continue;
        }
        pending.delete(seen.guid);
        if ((await decide(attempts)) === 'stop') return stop();
      }
      if (!reachedFloor && page.nextCursor) {
        cursor = page.nextCursor;
        continue;
      }
      for (const [guid, attempts] of pending) {
        if ((await decide(attempts)) === 'stop') return stop();
        pending.delete(guid);
      }
      return { complete: true };
    }
  }

  /** Claims whose time came: retries, redeliveries GitHub's log never showed, passes that died acting. */
  async function processDue(): Promise<void> {
    const now = deps.now();
    for (const { guid, dueAt } of (await deps.ledger.listDue()).sort((a, b) => a.dueAt - b.dueAt)) {
      if (dueAt > now) continue;
      const why = workLimit();
      if (why) {
        stopped = why;
        return;
      }
      const read = await deps.ledger.getClaim(guid);
      const step = planDue(read?.claim, now, limits.retentionMs);
      if (dryRun) {
        if (step.do === 'retry' && read?.claim)
          report.recoveries.push({
            guid,
            deliveryId: read.claim.deliveryId,
            event: read.claim.event,
            action: read.claim.action,
            attempt: read.claim.attempts + 1,
            result: 'would-recover',
          });
        continue;
      }
      if (step.do === 'drop') await deps.ledger.clearDue(guid);
      else if (step.do === 'wait') await deps.ledger.setDue(guid, step.until);
      else if (step.do === 'abandon' && read?.claim) {
        report.abandoned.push({ guid, reason: step.reason });
        log({ msg: 'recovery-abandoned', level: 'error', guid, event: read.claim.event, reason: step.reason });
        if (await deps.ledger.updateClaim(moved(read.claim, 'abandoned', now, {}, step.reason), read.etag))
          await deps.ledger.clearDue(guid);
      } else if (step.do === 'retry' && read?.claim) {
        const claim = moved(read.claim, 'acting', now, { attempts: read.claim.attempts + 1 }, 'retry');
        const etag = await deps.ledger.updateClaim(claim, read.etag);
        if (!etag) continue;
        await deps.ledger.setDue(guid, now + RECOVERY_POLICY.staleActingMs);
        if ((await attempt(claim, etag)) === 'stop') return;
      }
    }
  }

  // `through` is already a settle window before the pass that saved it began: the next reads from there.
  const floorOf = (through: number | undefined) => Math.max(through ?? -Infinity, started - limits.retentionMs);
  for (;;) {
    const resume = state.resume;
    const top = resume?.top ?? started - RECOVERY_POLICY.settleMs;
    const result = await scan(resume ? { cursor: resume.cursor, pending: resume.pending } : { pending: [] }, floorOf(state.through));
    if (result.complete) {
      scanComplete = true;
      state = { version: 1, through: top };
      // The stopped scan is done: what was delivered since it began is read next, in this pass if it can.
      if (resume && !stopped) continue;
      break;
    }
    scanComplete = false;
    if (result.at?.cursor) state = { ...state, resume: { cursor: result.at.cursor, pending: result.at.pending, top } };
    break;
  }
  // Retries are due whatever stopped the scan, unless GitHub asked to slow down or time is up.
  if (!rateLimited && !workLimit()) await processDue();
  // GitHub failing pass after pass (half an hour at the default schedule) is no longer an outage to wait out.
  state = { ...state, ...(githubFailed ? { failedPasses: (state.failedPasses ?? 0) + 1 } : {}) };
  if (!githubFailed) delete state.failedPasses;
  report.complete = scanComplete;
  if (state.through !== undefined) report.through = new Date(state.through).toISOString();
  if (stopped) report.stopped = stopped;
  if (!dryRun && !(await deps.ledger.writeScan(state, saved.etag))) log({ msg: 'scan-saved-by-another' });
  if (refused) throw new DeliveryLogRefused(webhook, refused, report);
  if ((state.failedPasses ?? 0) >= FAILED_PASSES_ALARM)
    throw new DeliveryLogRefused(webhook, `GitHub failed ${state.failedPasses} passes in a row; the last: ${stopped ?? ''}`, report);
  log({
    msg: 'reconcile-summary',
    dryRun,
    pages: report.pages,
    examined: report.examined,
    recovered: report.recoveries.length,
    confirmed: report.confirmed,
    retriesScheduled: report.retriesScheduled,
    abandoned: report.abandoned.length,
    complete: report.complete,
    ...(stopped ? { stopped } : {}),
    ...(report.through ? { through: report.through } : {}),
  });
  return report;
}
