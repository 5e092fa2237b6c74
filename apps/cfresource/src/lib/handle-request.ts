import { ENGLISH, formatZodIssues, type Logger } from '@monorepo-triggers/lambda-runtime';
import { cfnRequestSchema, type CfnRequest, type ResourceOutcome } from './cfn-request.schema';
import { redactUrl, responseBody } from './response-body';
import type { ResponseSender } from './response-sender';
import { applyRequest, CREATE_FAILED_ID, type TriggerChecks, type TriggerStore } from './trigger-resource';

export interface HandlerDependencies extends TriggerChecks {
  store: TriggerStore;
  sender: ResponseSender;
  log: Logger;
}

/** Time kept back from the Lambda timeout to send FAILED (with retries) when the work has not finished. */
export const DEADLINE_MARGIN_MS = 8000;
/** The last moments before the Lambda timeout, left for logging once sending gave up. */
const FINAL_MARGIN_MS = 500;

/**
 * Answers one CloudFormation request, always: SUCCESS or FAILED with a reason, or FAILED when the
 * work is still running `DEADLINE_MARGIN_MS` before the function would time out. Exactly one
 * response is sent, from this one place.
 */
export async function handleRequest(
  event: unknown,
  remainingTimeMs: () => number,
  deps: HandlerDependencies,
): Promise<ResourceOutcome | undefined> {
  const started = Date.now();
  const parsed = cfnRequestSchema.safeParse(event, { error: ENGLISH });
  if (!parsed.success) {
    // Without a ResponseURL there is no one to answer; say so loudly and stop.
    deps.log({ msg: 'invalid-request', error: formatZodIssues(parsed.error.issues) });
    return undefined;
  }
  const request = parsed.data;
  const fields = {
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    StackId: request.StackId,
    RequestType: request.RequestType,
  };
  const fallbackId = request.RequestType === 'Create' ? CREATE_FAILED_ID : request.PhysicalResourceId;

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ResourceOutcome>((resolve) => {
    const wait = Math.max(0, remainingTimeMs() - DEADLINE_MARGIN_MS);
    timer = setTimeout(
      () =>
        resolve({
          status: 'FAILED',
          reason: `Timed out after ${wait} ms before the trigger config could be ${request.RequestType === 'Delete' ? 'deleted' : 'written'}; the config store did not answer in time`,
          physicalResourceId: fallbackId,
        }),
      wait,
    );
  });
  const work = applyRequest(request, deps.store, deps).catch((error: Error): ResourceOutcome => ({
    status: 'FAILED',
    reason: `${request.RequestType} failed: ${error.name}: ${error.message}`,
    physicalResourceId: fallbackId,
  }));
  const outcome = await Promise.race([work, deadline]);
  clearTimeout(timer);

  const body = responseBody(request, outcome);
  try {
    const { attempts } = await deps.sender.send(request.ResponseURL, body, Math.max(1000, remainingTimeMs() - FINAL_MARGIN_MS));
    deps.log({
      msg: 'responded',
      ...fields,
      outcome: outcome.status,
      reason: outcome.reason,
      physicalResourceId: outcome.physicalResourceId,
      attempts,
      durationMs: Date.now() - started,
    });
  } catch (error) {
    deps.log({
      msg: 'response-failed',
      ...fields,
      outcome: outcome.status,
      responseUrl: redactUrl(request.ResponseURL),
      error: (error as Error).message,
      durationMs: Date.now() - started,
    });
    throw error;
  }
  return outcome;
}

export type { CfnRequest };
