import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import { setTimeout as sleep } from 'node:timers/promises';
import { EVAL_FUNCTION_NAME } from './eval-lambda';
import { openExecutions } from './execution-source';
import type { LocalStackInfo } from './local-state';
import { out, paint, visible } from './output';
import { WORDS } from './record-lines';
import { RECORD_POLL_MS, STATUS_POLLS, type SentOutcome } from './send-outcome';
import type { SentEvent } from './sent-event';

// What `send --fail`, `--hold` and `--fail-start` did on the local stack, told after the outcome:
// which pipelines a plan was made for, each plan that had no effect and why, and the dead letter
// --fail-start leads to.

/** Which --fail pipelines to plan a failure for: not those whose execution for this very push exists already. */
export interface FailPlan {
  plan: string[];
  /** Pipelines whose execution for this push exists already (its id): CodePipeline would give it back, nothing would fail. */
  ranAlready: Map<string, string>;
}

/**
 * A failure planned for an execution that never starts would stay planned, and fail a later
 * execution of the same commit nobody asked to fail. So a pipeline whose execution for this push
 * exists (an earlier record of the same start, with an execution the local CodePipeline still
 * knows: a restarted stack knows none, and starts anew) gets no plan.
 */
export async function pipelinesToPlanFailing(pipelines: string[], sent: SentEvent, before: readonly DecisionRecord[]): Promise<FailPlan> {
  const ranAlready = new Map<string, string>();
  const executions = openExecutions({});
  try {
    for (const record of before.filter((r) => sent.sameStartAs(r)))
      for (const c of record.configs) {
        if (c.action !== 'started' || !c.executionId || !pipelines.includes(c.pipeline) || ranAlready.has(c.pipeline)) continue;
        const now = executions ? await executions.lookup(c.pipeline, c.executionId) : undefined;
        if (now && 'status' in now) ranAlready.set(c.pipeline, c.executionId);
      }
  } finally {
    executions?.close();
  }
  return { plan: pipelines.filter((p) => !ranAlready.has(p)), ranAlready };
}

/** The words of each plan's message: a failure is planned for a push, a hold for any event. */
const PLAN_WORDS = {
  '--fail': { event: 'push', nothingDone: 'nothing failed; push a new commit to see a failure', stays: 'the failure stays planned' },
  '--hold': { event: 'event', nothingDone: 'nothing is held', stays: 'the hold stays planned' },
} as const;

/** After the outcome: each --fail or --hold that did nothing, and why (silence would read as "it failed" or "it is held"). */
export function sayWhatPlanDid(option: keyof typeof PLAN_WORDS, outcome: SentOutcome, plan: FailPlan, sent: SentEvent): void {
  const words = PLAN_WORDS[option];
  const commit = visible(sent.commit.slice(0, 7));
  for (const pipeline of [...plan.ranAlready.keys(), ...plan.plan]) {
    const c = outcome.record.configs.find((o) => o.pipeline === pipeline);
    const planned = plan.plan.includes(pipeline);
    const name = visible(pipeline);
    if (c?.action === 'started' && !outcome.earlier.has(c)) {
      if (!planned)
        out(
          paint(
            'yellow',
            `${option} ${name} was not applied: an execution of this ${words.event} existed when it was sent; this one runs as usual`,
          ),
        );
      continue;
    }
    const why =
      c?.action === 'started'
        ? `its execution for this ${words.event} had already run (${visible(c.executionId)}), and CodePipeline gave it back: nothing new ran, so ${words.nothingDone}`
        : `${name} ${c ? `was ${WORDS[c.action]} (${visible(c.reason)})` : `was not decided for this ${words.event}`}, so no execution of it ran`;
    out(paint('yellow', `${option} ${name} had no effect: ${why}`));
    if (planned) out(paint('yellow', `  ${words.stays} for the next execution of ${name} for ${commit} on this local stack`));
  }
}

/** The dead letters in the local eval's queue now. */
export async function deadLetterCount(local: LocalStackInfo): Promise<number | undefined> {
  const queue = local.deadLetterQueues?.[EVAL_FUNCTION_NAME];
  if (!queue || !local.sqsUrl) return undefined;
  const sqs = new SQSClient({
    endpoint: local.sqsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  } finally {
    sqs.destroy();
  }
}

/** With --fail-start: waits until Lambda gave up on the event (its two retries) and it is in eval's dead-letter queue. */
export async function waitForDeadLetter(local: LocalStackInfo, before: number): Promise<void> {
  for (let poll = 0; poll < STATUS_POLLS; poll++) {
    if (((await deadLetterCount(local)) ?? 0) > before) {
      out(
        paint(
          'yellow',
          "eval failed three times (Lambda's two retries): the push is in eval's dead-letter queue; `triggers redrive` replays it",
        ),
      );
      return;
    }
    await sleep(RECORD_POLL_MS);
  }
  out(paint('yellow', "eval is still retrying; once it gives up, the push is in eval's dead-letter queue (`triggers redrive`)"));
}
