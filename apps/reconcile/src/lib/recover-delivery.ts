import { GithubApiError, repoPath, type GithubApi, type WebhookDeliveries } from '@monorepo-triggers/github-api';
import type { EvalEvent } from '@monorepo-triggers/eval-input';
import type { Dispatcher } from '@monorepo-triggers/eval-input';
import { formatZodIssues } from '@monorepo-triggers/lambda-runtime';
import { evalEventOf } from '@monorepo-triggers/github-events';
import { howToRecover, type Claim } from './recovery-plan';

/**
 * What recovering a delivery needs: GitHub's delivery log, eval's hand-over for the API's copy, and
 * GitHub's repositories (where a branch is now), when the credential reaches them.
 */
export interface RecoveryDependencies {
  deliveries: Pick<WebhookDeliveries, 'get' | 'redeliver'>;
  dispatcher: Dispatcher;
  github?: Pick<GithubApi, 'get'>;
}

/** How one try went. `failed` is tried again later; the others are where the claim ends or waits. */
export type RecoveryResult =
  | { state: 'redelivered' }
  | { state: 'handed-to-eval'; repository: string; mode: string; bytes: number; movedTo?: string }
  | { state: 'nothing-to-do'; why: string; repository?: string }
  | { state: 'abandoned'; reason: string }
  | { state: 'failed'; error: string; rateLimited: boolean };

/**
 * Recovers one delivery, once: asks GitHub to deliver it again while it fits the webhook and
 * redeliveries may still succeed (howToRecover); otherwise reads the payload GitHub's API keeps and
 * hands it to eval as the webhook would have (asynchronous invoke, or the S3 claim check over 1 MB).
 * A push whose branch has moved on since is handed to eval pinned to the branch's head: its changes
 * decide, the head (which contains them) is built, and no pipeline is rolled back to an older commit.
 * Never throws: a failure is a result, tried again on the claim's schedule. Either way eval's starts
 * are idempotent, so a delivery that did arrive after all starts nothing twice.
 */
export async function recoverDelivery(claim: Claim, deps: RecoveryDependencies): Promise<RecoveryResult> {
  try {
    const how = howToRecover(claim);
    // A push is looked at first (one GET): if its branch has moved on since, building it now would
    // roll the branch's pipelines back to an older commit, so it is built at the branch's head instead.
    const detail = how === 'api-copy' || claim.event === 'push' ? await deps.deliveries.get(claim.deliveryId) : undefined;
    const payload = detail?.request.payload;
    const outcome = payload === undefined ? undefined : evalEventOf(claim.event, payload, claim.guid);
    if (outcome?.kind === 'invalid')
      return {
        state: 'abandoned',
        reason: `GitHub's copy is not a valid ${claim.event} payload: ${formatZodIssues(outcome.issues, { fieldsOnly: true })}`,
      };
    if (outcome?.kind === 'ignored') return { state: 'nothing-to-do', why: outcome.reason, ...repositoryOf(payload) };
    // Its time to start counts from when GitHub first sent it, not from its recovery.
    const event = outcome?.event && { ...outcome.event, receivedAt: new Date(claim.deliveredAt).toISOString() };
    const head = event?.type === 'push' ? await branchHead(event, deps.github) : undefined;
    if (event?.type === 'push' && head && head !== (event.headCommit ?? event.after)) {
      const atHead: EvalEvent = { ...event, after: head, headCommit: head };
      const dispatched = await deps.dispatcher.dispatch(atHead);
      return { state: 'handed-to-eval', repository: event.repository, mode: dispatched.mode, bytes: dispatched.bytes, movedTo: head };
    }
    if (how === 'redeliver') {
      await deps.deliveries.redeliver(claim.deliveryId);
      return { state: 'redelivered' };
    }
    const dispatched = await deps.dispatcher.dispatch(event as EvalEvent);
    return { state: 'handed-to-eval', repository: (event as EvalEvent).repository, mode: dispatched.mode, bytes: dispatched.bytes };
  } catch (error) {
    if (error instanceof GithubApiError && error.status === 404)
      return { state: 'abandoned', reason: `GitHub no longer has delivery ${claim.deliveryId}` };
    const e = error as Error;
    return { state: 'failed', error: `${e.name}: ${e.message}`, rateLimited: error instanceof GithubApiError && error.rateLimited };
  }
}

const repositoryOf = (payload: unknown) => {
  const name = (payload as { repository?: { full_name?: unknown } } | null)?.repository?.full_name;
  return typeof name === 'string' ? { repository: name } : {};
};

/**
 * Where a pushed branch is now (`GET /repos/{o}/{r}/git/ref/heads/{branch}`); undefined for a tag, a
 * deleted branch, a push that deleted it, or when GitHub cannot say (no credential for the repository):
 * then the push is recovered as it was.
 */
async function branchHead(
  push: Extract<EvalEvent, { type: 'push' }>,
  github: Pick<GithubApi, 'get'> | undefined,
): Promise<string | undefined> {
  if (!github || push.deleted || !push.ref.startsWith('refs/heads/')) return undefined;
  try {
    const answer = await github.get(
      `${repoPath(push.repository)}/git/ref/${push.ref.slice('refs/'.length).split('/').map(encodeURIComponent).join('/')}`,
      push.repository,
    );
    const sha = (answer.body as { object?: { sha?: unknown } }).object?.sha;
    return typeof sha === 'string' ? sha : undefined;
  } catch (error) {
    if (error instanceof GithubApiError && error.permanent) return undefined;
    throw error;
  }
}
