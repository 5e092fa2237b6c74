import { NEXT_OUTCOME_PATH, REFUSE_STARTS_PATH } from '@monorepo-triggers/local-aws';
import { openStore } from './config-source';
import type { LocalStackInfo } from './local-state';
import { UserError, visible } from './output';

// `send --fail`, `--hold` and `--fail-start`: what the local CodePipeline is told before a push is sent.

/**
 * Refuses --fail and --fail-start pipelines that no config of the repository names, before anything
 * is sent: CodePipeline's stand-in would take any name, and the push would then run as if the option
 * had not been given. The error names the pipelines that could be failed.
 */
export async function checkPipelinesToFail(
  options: { fail?: string[]; hold?: string[]; failStart?: string[] },
  repository: string,
): Promise<void> {
  const named = [
    ...(options.fail ?? []).map((pipeline) => ({ option: '--fail', pipeline })),
    ...(options.hold ?? []).map((pipeline) => ({ option: '--hold', pipeline })),
    ...(options.failStart ?? []).map((pipeline) => ({ option: '--fail-start', pipeline })),
  ];
  if (named.length === 0) return;
  const { store } = openStore({});
  const listing = await store.list(repository);
  const known = listing.configs.map(({ config }) => config.pipelineName).sort();
  // Exactly as written: CodePipeline's names are case-sensitive, and so is the stand-in's plan.
  const unknown = named.filter(({ pipeline }) => !known.includes(pipeline));
  if (unknown.length === 0) return;
  const which = unknown.map(({ option, pipeline }) => `${option} ${visible(pipeline)}`).join(', ');
  throw new UserError(
    `${which}: no config of ${repository} in the local stack names ${unknown.length === 1 ? 'that pipeline' : 'those pipelines'}; ${
      known.length
        ? `the pipelines it could ${unknown.every(({ option }) => option === '--hold') ? 'hold' : 'fail'}: ${known.map(visible).join(', ')}`
        : `${repository} has no config (triggers put FILE adds one)`
    }. Nothing was sent.`,
    2,
  );
}

/** The local CodePipeline, or a usage error naming the option that needs it. */
export function localCodePipeline(local: LocalStackInfo | undefined, option: '--fail' | '--hold' | '--fail-start'): string {
  if (!local?.codepipelineUrl)
    throw new UserError(`${option} needs the local stack (npm start) with its local CodePipeline (not --aws)`, 2);
  return local.codepipelineUrl;
}

/**
 * Tells the local CodePipeline that the next execution of each pipeline for this commit fails, or
 * with `hold` that it stays in progress until it is stopped (a destroyed merge group stops it).
 */
export async function planFailures(codepipelineUrl: string, pipelines: string[], commit: string, hold = false): Promise<void> {
  for (const pipelineName of pipelines) {
    const answer = await fetch(`${codepipelineUrl}${NEXT_OUTCOME_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipelineName, status: hold ? 'InProgress' : 'Failed', commit }),
    });
    if (!answer.ok)
      throw new UserError(
        `the local CodePipeline refused ${hold ? '--hold' : '--fail'} ${visible(pipelineName)}: ${answer.status} ${visible(await answer.text())}`,
      );
  }
}

/** Tells the local CodePipeline to refuse the next starts of each pipeline (its concurrent-executions limit). */
export async function refuseStarts(codepipelineUrl: string, pipelines: string[]): Promise<void> {
  for (const pipelineName of pipelines) {
    const answer = await fetch(`${codepipelineUrl}${REFUSE_STARTS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipelineName }),
    });
    if (!answer.ok)
      throw new UserError(
        `the local CodePipeline refused --fail-start ${visible(pipelineName)}: ${answer.status} ${visible(await answer.text())}`,
      );
  }
}
