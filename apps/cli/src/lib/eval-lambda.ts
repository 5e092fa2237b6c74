import { DEPLOYED_NAMES } from '@monorepo-triggers/lambda-runtime';
import { visible } from './output';
import { startLocalLambda, type InvocationRecord, type LocalLambda } from '@monorepo-triggers/local-aws';

export const EVAL_FUNCTION_NAME = DEPLOYED_NAMES.functions.eval;

/** The eval bundle's handler, as Lambda calls it. */
export type EvalHandler = (event: unknown, context: { invokedFunctionArn: string }) => Promise<unknown>;

export interface EvalLambdaOptions {
  /** Where console lines go: one per failed attempt. */
  print: (line: string) => void;
  /** Lambda's asynchronous retry delays (shortened locally). */
  retryDelaysMs?: number[];
  /** Where an invocation that failed its last retry goes (the eval stack's dead-letter queue). */
  onFailure?: (record: InvocationRecord) => void;
}

/**
 * The local Lambda step: serves the eval handler as the function EVAL_FUNCTION_NAME, for the webhook
 * to invoke through AWS_ENDPOINT_URL_LAMBDA; failed asynchronous invocations are retried as on Lambda.
 */
export function startEvalLambda(handler: EvalHandler, options: EvalLambdaOptions): Promise<LocalLambda> {
  // As on Lambda, eval is told its own ARN (the account and region of the pipelines it starts).
  const evalHandler = (payload: unknown) =>
    handler(payload, { invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${EVAL_FUNCTION_NAME}` });
  return startLocalLambda({
    functionName: EVAL_FUNCTION_NAME,
    handler: evalHandler,
    // The eval stack's reserved concurrency (monorepo-triggers:evalReservedConcurrency).
    concurrency: 10,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    onResult: ({ attempt, ok, error }) => {
      if (!ok) options.print(`eval failed (attempt ${attempt} of 3): ${visible(error)}`);
    },
  });
}
