import { githubVariables, parseWebhookRef } from '@monorepo-triggers/github-api';
import { bucketVariables, DEFAULT_RECOVERY_PREFIX, prefixVariable, requiredVariable } from '@monorepo-triggers/lambda-runtime';
import * as z from 'zod/mini';

/** A whole number within bounds, from a variable, with a default. */
const wholeNumber = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

/** reconcile's environment, as its stack (or the local stack) sets it. */
export const reconcileSettingsSchema = z.object({
  ...bucketVariables,
  ...githubVariables,
  /** Where the recovery ledger is kept (scan progress, one claim per recovered delivery). */
  RECOVERY_PREFIX: prefixVariable(DEFAULT_RECOVERY_PREFIX),
  /** eval, for deliveries too large for the webhook: their payload, read from GitHub, goes to eval directly. */
  EVAL_FUNCTION_NAME: requiredVariable('the eval function name or ARN'),
  /** The webhooks whose delivery logs are reconciled: `app` (the GitHub App's own) and/or `org:ORG:HOOK_ID`, comma-separated. */
  RECONCILE_HOOKS: z.pipe(
    requiredVariable('the webhooks to reconcile: app, or org:ORG:HOOK_ID, comma-separated'),
    z.transform((value, ctx) => {
      const names = value.split(',').map((name) => name.trim());
      const hooks = names.map(parseWebhookRef);
      const bad = names.filter((_, i) => hooks[i] === undefined);
      if (bad.length > 0) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `${bad.map((b) => JSON.stringify(b)).join(', ')}: a webhook is app or org:ORG:HOOK_ID`,
        });
        return z.NEVER;
      }
      return hooks.filter((hook) => hook !== undefined);
    }),
  ),
  /** Pages of 100 deliveries one pass reads at most, per webhook (what is left is read by the next). */
  RECONCILE_MAX_PAGES: wholeNumber(30, 1, 1000),
  /** Deliveries one pass recovers at most, per webhook. */
  RECONCILE_MAX_RECOVERIES: wholeNumber(100, 1, 10_000),
  /** How long GitHub keeps deliveries: 72 hours on github.com (GitHub Enterprise Server may differ). */
  RECONCILE_RETENTION_HOURS: wholeNumber(72, 1, 24 * 30),
});
