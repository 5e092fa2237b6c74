import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import { checkRunListSchema, checkRunSchema, type GithubApi } from '@monorepo-triggers/github-api';
import { checkRunFor, CHECK_RUN_NAME } from './check-run';
import { skippedStatus } from './commit-status';

/** What was posted for one push, for its log line; failures say why and post nothing twice. */
export interface FeedbackResult {
  statuses: { context: string; posted: boolean; error?: string }[];
  checkRun: { posted: 'created' | 'updated'; id: number } | { posted: false; why: string };
}

/** A deleted ref's `after`: there is no commit to post on. */
const NO_COMMIT = /^0+$/;

/**
 * Posts what GitHub should show for one push, after the starts (never before, never in their way):
 * a `success` "skipped: …" status for each config that opted in and was skipped, then the check run
 * (GitHub App only), found by name on the commit and updated, or created. Statuses are per context and
 * the check run is found again, so a redelivery or a Lambda retry shows nothing twice. Never rejects.
 */
export async function postPushFeedback(github: GithubApi, record: DecisionRecord, region: string): Promise<FeedbackResult> {
  const repo = `/repos/${record.repository.split('/').map(encodeURIComponent).join('/')}`;
  if (NO_COMMIT.test(record.commit))
    return { statuses: [], checkRun: { posted: false, why: 'the push deleted its ref: no commit to report on' } };
  const statuses: FeedbackResult['statuses'] = [];
  // One at a time: GitHub asks integrations to space content-creating requests.
  for (const outcome of record.configs.filter((c) => c.action === 'skipped' && c.reportSkipped)) {
    const status = skippedStatus(outcome);
    try {
      await github.write('POST', `${repo}/statuses/${record.commit}`, record.repository, status);
      statuses.push({ context: status.context, posted: true });
    } catch (error) {
      statuses.push({ context: status.context, posted: false, error: (error as Error).message });
    }
  }
  if (!github.canCreateCheckRuns)
    return { statuses, checkRun: { posted: false, why: 'only a GitHub App can create check runs: the summary is in the decision record' } };
  try {
    const run = checkRunFor(record, region);
    const found = checkRunListSchema.parse(
      (
        await github.get(
          `${repo}/commits/${record.commit}/check-runs?check_name=${encodeURIComponent(CHECK_RUN_NAME)}&filter=latest`,
          record.repository,
        )
      ).body,
    ).check_runs[0];
    if (found) {
      await github.write('PATCH', `${repo}/check-runs/${found.id}`, record.repository, {
        status: run.status,
        conclusion: run.conclusion,
        output: run.output,
      });
      return { statuses, checkRun: { posted: 'updated', id: found.id } };
    }
    const created = checkRunSchema.parse(await github.write('POST', `${repo}/check-runs`, record.repository, run));
    return { statuses, checkRun: { posted: 'created', id: created.id } };
  } catch (error) {
    return { statuses, checkRun: { posted: false, why: (error as Error).message } };
  }
}
