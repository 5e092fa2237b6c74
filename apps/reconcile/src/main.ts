import { staleSecretLogger } from '@monorepo-triggers/runtime-secrets';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  githubAuthFrom,
  GithubCallTally,
  GithubClient,
  webhookName,
  WebhookDeliveries,
  type GithubAuth,
} from '@monorepo-triggers/github-api';
import { LambdaDispatcher } from '@monorepo-triggers/eval-input';
import { createLogger, createMetrics, createS3Client } from '@monorepo-triggers/lambda-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { reconcileMetrics } from './lib/reconcile-metrics';
import { DeliveryLogRefused, reconcileWebhook, type ReconcileReport } from './lib/reconcile-webhook';
import { RecoveryLedger } from './lib/recovery-ledger';
import { reconcileSettingsFromEnv, type ReconcileSettings } from './lib/settings';

const log = createLogger('reconcile');
const metrics = createMetrics('reconcile');
const githubCalls = new GithubCallTally();
let dependencies: { settings: ReconcileSettings; s3: S3Client; dispatcher: LambdaDispatcher; auth: GithubAuth } | undefined;

/** Settings and clients, once per container, on first use (so a bad setting fails loudly). */
function getDependencies(): NonNullable<typeof dependencies> {
  if (!dependencies) {
    const settings = reconcileSettingsFromEnv();
    const s3 = createS3Client({ forcePathStyle: settings.forcePathStyle });
    const auth = githubAuthFrom(settings.github, staleSecretLogger(log)) as GithubAuth;
    const dispatcher = new LambdaDispatcher({
      lambda: new LambdaClient({}),
      s3,
      functionName: settings.evalFunctionName,
      bucket: settings.bucket,
      eventsPrefix: settings.eventsPrefix,
    });
    dependencies = { settings, s3, dispatcher, auth };
  }
  return dependencies;
}

/** What the function is invoked with: EventBridge Scheduler's input, or `triggers reconcile` (`dryRun`). */
const inputSchema = z.object({ dryRun: z.optional(z.boolean()) });

/** When the invocation gives no clock (a local run): a pass's budget. */
const LOCAL_BUDGET_MS = 60_000;

/**
 * Lambda entry point, run on a schedule (and by `triggers reconcile`): one pass over each configured
 * webhook's delivery log (docs/recovery.md). A webhook whose pass fails does not stop the others;
 * the invocation fails at the end if any did, so the errors alarm sees it.
 */
export async function handler(
  input: unknown,
  context?: Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>,
): Promise<{ webhooks: ReconcileReport[] }> {
  log.setInvocation(context);
  const { settings, s3, dispatcher, auth } = getDependencies();
  const parsed = inputSchema.safeParse(input ?? {});
  const dryRun = parsed.success ? parsed.data.dryRun === true : false;
  const deadline = Date.now() + LOCAL_BUDGET_MS;
  const timeLeftMs = () => context?.getRemainingTimeInMillis?.() ?? deadline - Date.now();
  const reports: ReconcileReport[] = [];
  const failures: string[] = [];
  /** Reports of passes that failed: not returned, but what they did is counted. */
  const counted: ReconcileReport[] = [];
  // Each webhook gets an equal share of what time is left, so one with a backlog cannot starve the
  // others; the order turns with each five minutes, so none is always last.
  const turn = Math.floor(Date.now() / 300_000) % settings.hooks.length;
  const hooks = [...settings.hooks.slice(turn), ...settings.hooks.slice(0, turn)];
  for (const [index, hook] of hooks.entries()) {
    const shareEnd = Date.now() + timeLeftMs() / (hooks.length - index);
    // The pass keeps 10 s back to save its place: its share ends when that much of the share is left.
    const hookTimeLeftMs = () => Math.min(timeLeftMs(), shareEnd - Date.now() + 10_000);
    try {
      reports.push(
        await reconcileWebhook(
          {
            deliveries: new WebhookDeliveries(settings.github.apiUrl, auth, hook, { onAnswer: githubCalls.onAnswer }),
            github: new GithubClient(settings.github.apiUrl, auth, { onAnswer: githubCalls.onAnswer }),
            ledger: new RecoveryLedger(s3, settings.bucket, settings.recoveryPrefix, webhookName(hook)),
            dispatcher,
            now: Date.now,
            timeLeftMs: hookTimeLeftMs,
            log,
          },
          { maxPages: settings.maxPages, maxRecoveries: settings.maxRecoveries, retentionMs: settings.retentionMs },
          dryRun,
        ),
      );
    } catch (error) {
      const e = error as Error;
      // A pass that failed after working (retries of earlier recoveries) still counts what it did.
      if (error instanceof DeliveryLogRefused && error.report) counted.push(error.report);
      failures.push(`${webhookName(hook)}: ${e.name}: ${e.message}`);
      log({ msg: 'reconcile-failed', level: 'error', webhook: webhookName(hook), error: `${e.name}: ${e.message}` });
    }
  }
  // Counted whether or not a webhook failed: what the others recovered happened.
  metrics.addAll({ ...reconcileMetrics([...reports, ...counted]), ...githubCalls.take() });
  metrics.publish();
  if (failures.length > 0) throw new Error(`reconcile: ${failures.join('; ')}`);
  return { webhooks: reports };
}
