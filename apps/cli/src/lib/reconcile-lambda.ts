import { DEPLOYED_NAMES } from '@monorepo-triggers/lambda-runtime';
import { startLocalLambda, type LocalLambda } from '@monorepo-triggers/local-aws';

export const RECONCILE_FUNCTION_NAME = DEPLOYED_NAMES.functions.reconcile;

/** The reconcile bundle's handler, as Lambda (or `triggers reconcile`) calls it. */
export type ReconcileHandler = (event: unknown) => Promise<unknown>;

/**
 * The local Lambda step for reconcile: `triggers reconcile` invokes it (synchronously, as on AWS) to
 * run one pass over the stand-in GitHub App's webhook deliveries; a schedule does not run it locally.
 */
export function startReconcileLambda(handler: ReconcileHandler): Promise<LocalLambda> {
  // The reconcile stack's reserved concurrency: one pass at a time.
  return startLocalLambda({ functionName: RECONCILE_FUNCTION_NAME, handler, concurrency: 1 });
}
