import { isCommitSha, isNullSha } from '@monorepo-triggers/lambda-runtime';
import type { ConfigOutcome, DecisionRecord } from '@monorepo-triggers/decision-record';
import { MERGE_QUEUE_BRANCH_PREFIX } from '@monorepo-triggers/config-schema';
import { checkRunListSchema, checkRunSchema, GithubApiError, repoPath, type GithubApi } from '@monorepo-triggers/github-api';
import { checkRunFor } from './check-run';
import { skippedStatus } from './commit-status';
import { latestStatuses, postStatus } from './latest-statuses';

/** What was posted for one push, for its log line; failures say why and post nothing twice. */
export interface FeedbackResult {
  statuses: { context: string; posted: boolean; error?: string }[];
  checkRun: { posted: 'created' | 'updated'; id: number } | { posted: false; why: string };
}

/** A commit SHA; a deleted ref's `after` (all zeros) has no commit to post on. */

/**
 * The reasons that mean "this push (or pull request) does not concern the pipeline": only these pass
 * a required check. Neither a skip decided on an incomplete change list (`changes-incomplete-skip`)
 * nor a `[skip ci]` head (`skip-ci`: GitHub Actions too leaves a required check pending for it) is
 * one of them, nor a draft or a fork's pull request that the pipeline could build but does not.
 */
const NOT_CONCERNED = new Set(['no-path-matched', 'branch-not-matched', 'tag-not-matched', 'pr-base-not-matched', 'mq-base-not-matched']);

/** Whether GitHub refused for its rate limits: go on posting and the integration may be banned. */
const rateLimited = (error: unknown) => error instanceof GithubApiError && error.rateLimited;

/**
 * Posts what GitHub should show for one push, after the starts (never before, never in their way):
 * a `success` "skipped: …" status for each config that opted in and that the push does not concern,
 * unless its context already has a status on the commit (a build of the same commit from another
 * branch is never overwritten); then the check run (GitHub App only), found among the App's own runs
 * on the commit and updated, or created. A rate-limit refusal stops posting for the push. Never rejects.
 */
export async function postPushFeedback(github: GithubApi, record: DecisionRecord, region: string): Promise<FeedbackResult> {
  const repo = repoPath(record.repository);
  if (isNullSha(record.commit))
    return { statuses: [], checkRun: { posted: false, why: 'the push deleted its ref: no commit to report on' } };
  if (!isCommitSha(record.commit)) return { statuses: [], checkRun: { posted: false, why: `not a commit SHA: ${record.commit}` } };
  const statuses: FeedbackResult['statuses'] = [];
  let stopped: string | undefined;
  // The push GitHub sends for a merge queue's group branch says nothing of the group: its
  // merge_group delivery does, and a "skipped" from the push could pass the queue's check unbuilt.
  const queueBranchPush = !record.mergeGroup && record.ref.startsWith(`refs/heads/${MERGE_QUEUE_BRANCH_PREFIX}`);
  const skipped = queueBranchPush
    ? []
    : record.configs.filter((c) => c.action === 'skipped' && c.reportSkipped && NOT_CONCERNED.has(c.reason));
  if (skipped.length > 0) {
    let taken: Set<string> | undefined;
    try {
      taken = new Set((await latestStatuses(github, record.repository, record.commit)).keys());
    } catch (error) {
      stopped = `the commit's statuses could not be read, so none was posted: ${(error as Error).message}`;
    }
    // One at a time: GitHub asks integrations to space content-creating requests.
    for (const outcome of skipped) {
      if (stopped || !taken) {
        statuses.push({ context: outcome.statusContext, posted: false, error: stopped ?? 'not posted' });
      } else if (taken.has(outcome.statusContext)) {
        statuses.push({
          context: outcome.statusContext,
          posted: false,
          error: 'the context already has a status on this commit: left as it is',
        });
      } else {
        stopped = await postSkipped(github, record, outcome, statuses);
      }
    }
  }
  if (!github.canCreateCheckRuns)
    return { statuses, checkRun: { posted: false, why: 'only a GitHub App can create check runs: the summary is in the decision record' } };
  if (stopped) return { statuses, checkRun: { posted: false, why: stopped } };
  try {
    return { statuses, checkRun: await upsertCheckRun(github, repo, record, region) };
  } catch (error) {
    return { statuses, checkRun: { posted: false, why: (error as Error).message } };
  }
}

/** Posts one "skipped" status; says why posting must stop when GitHub rate-limits us. */
async function postSkipped(
  github: GithubApi,
  record: DecisionRecord,
  outcome: ConfigOutcome,
  statuses: FeedbackResult['statuses'],
): Promise<string | undefined> {
  const status = skippedStatus(outcome);
  try {
    await postStatus(github, record.repository, record.commit, status);
    statuses.push({ context: status.context, posted: true });
    return undefined;
  } catch (error) {
    statuses.push({ context: status.context, posted: false, error: (error as Error).message });
    return rateLimited(error) ? `stopped after GitHub's rate limit: ${(error as Error).message}` : undefined;
  }
}

/** The App's own check run on the commit, updated; or a new one (never created twice on a failed answer). */
async function upsertCheckRun(
  github: GithubApi,
  repo: string,
  record: DecisionRecord,
  region: string,
): Promise<FeedbackResult['checkRun']> {
  const run = checkRunFor(record, region);
  const appId = await github.appId();
  const query = `check_name=${encodeURIComponent(run.name)}&filter=latest${appId ? `&app_id=${encodeURIComponent(appId)}` : ''}`;
  const found = checkRunListSchema.parse((await github.get(`${repo}/commits/${record.commit}/check-runs?${query}`, record.repository)).body)
    .check_runs[0];
  if (found) {
    await github.write('PATCH', `${repo}/check-runs/${found.id}`, record.repository, {
      status: run.status,
      conclusion: run.conclusion,
      output: run.output,
    });
    return { posted: 'updated', id: found.id };
  }
  const created = checkRunSchema.parse(await github.write('POST', `${repo}/check-runs`, record.repository, run, { idempotent: false }));
  return { posted: 'created', id: created.id };
}
