import { GithubApiError, type WebhookDeliveries } from '@monorepo-triggers/github-api';
import type { Dispatcher } from '@monorepo-triggers/handover';
import { formatZodIssues } from '@monorepo-triggers/lambda-runtime';
import { evalEventOf } from '@monorepo-triggers/push-event';
import { howToRecover, type Claim } from './recovery-plan';

/** What recovering a delivery needs: GitHub's delivery log, and eval's hand-over for the API's copy. */
export interface RecoveryDependencies {
  deliveries: Pick<WebhookDeliveries, 'get' | 'redeliver'>;
  dispatcher: Dispatcher;
}

/** How one try went. `failed` is tried again later; the others are where the claim ends or waits. */
export type RecoveryResult =
  | { state: 'redelivered' }
  | { state: 'handed-to-eval'; repository: string; mode: string; bytes: number }
  | { state: 'nothing-to-do'; why: string; repository?: string }
  | { state: 'abandoned'; reason: string }
  | { state: 'failed'; error: string; rateLimited: boolean };

/**
 * Recovers one delivery, once: asks GitHub to deliver it again while it fits the webhook and
 * redeliveries may still succeed (howToRecover); otherwise reads the payload GitHub's API keeps and
 * hands it to eval as the webhook would have (asynchronous invoke, or the S3 claim check over 1 MB).
 * Never throws: a failure is a result, tried again on the claim's schedule. Either way eval's starts
 * are idempotent, so a delivery that did arrive after all starts nothing twice.
 */
export async function recoverDelivery(claim: Claim, deps: RecoveryDependencies): Promise<RecoveryResult> {
  try {
    if (howToRecover(claim) === 'redeliver') {
      await deps.deliveries.redeliver(claim.deliveryId);
      return { state: 'redelivered' };
    }
    const detail = await deps.deliveries.get(claim.deliveryId);
    const payload = detail.request.payload;
    const repository = (payload as { repository?: { full_name?: unknown } } | null)?.repository?.full_name;
    const outcome = evalEventOf(claim.event, payload, claim.guid);
    if (outcome.kind === 'invalid')
      return {
        state: 'abandoned',
        reason: `GitHub's copy is not a valid ${claim.event} payload: ${formatZodIssues(outcome.issues, { fieldsOnly: true })}`,
      };
    if (outcome.kind === 'ignored')
      return { state: 'nothing-to-do', why: outcome.reason, ...(typeof repository === 'string' ? { repository } : {}) };
    const dispatched = await deps.dispatcher.dispatch(outcome.event);
    return { state: 'handed-to-eval', repository: outcome.event.repository, mode: dispatched.mode, bytes: dispatched.bytes };
  } catch (error) {
    if (error instanceof GithubApiError && error.status === 404)
      return { state: 'abandoned', reason: `GitHub no longer has delivery ${claim.deliveryId}` };
    const e = error as Error;
    return { state: 'failed', error: `${e.name}: ${e.message}`, rateLimited: error instanceof GithubApiError && error.rateLimited };
  }
}
