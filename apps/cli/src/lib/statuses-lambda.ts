import { DEPLOYED_NAMES } from '@monorepo-triggers/lambda-runtime';
import { visible } from './output';
import { startLocalLambda, type InvocationRecord, type LocalLambda } from '@monorepo-triggers/local-aws';

export const STATUSES_FUNCTION_NAME = DEPLOYED_NAMES.functions.statuses;

/** The statuses bundle's handler, as Lambda calls it. */
export type StatusesHandler = (event: unknown) => Promise<unknown>;

/**
 * The local Lambda step for statuses: EventBridge invokes it asynchronously with each execution
 * state change of the local CodePipeline; failed invocations are retried as on Lambda.
 */
export function startStatusesLambda(
  handler: StatusesHandler,
  options: { print: (line: string) => void; retryDelaysMs?: number[]; onFailure?: (record: InvocationRecord) => void },
): Promise<LocalLambda> {
  return startLocalLambda({
    functionName: STATUSES_FUNCTION_NAME,
    handler,
    // The statuses stack's reserved concurrency (monorepo-triggers:statusesReservedConcurrency).
    concurrency: 5,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    onResult: ({ attempt, ok, error }) => {
      if (!ok) options.print(`statuses failed (attempt ${attempt} of 3): ${visible(error)}`);
    },
  });
}
