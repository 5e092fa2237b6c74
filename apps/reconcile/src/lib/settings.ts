import { githubSettingsOf, type GithubSettings, type WebhookRef } from '@monorepo-triggers/github-api';
import { parseEnvironment } from '@monorepo-triggers/lambda-runtime';
import { reconcileSettingsSchema } from './settings.schema';

export interface ReconcileSettings {
  bucket: string;
  eventsPrefix: string;
  recoveryPrefix: string;
  forcePathStyle: boolean;
  evalFunctionName: string;
  github: GithubSettings;
  hooks: WebhookRef[];
  maxPages: number;
  maxRecoveries: number;
  retentionMs: number;
}

/** Reads the function's configuration once per cold start; a bad variable fails with its name, never its value. */
export function reconcileSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ReconcileSettings {
  const s = parseEnvironment(reconcileSettingsSchema, env, 'reconcile');
  const github = githubSettingsOf(s, 'reconcile');
  if (!github.credential)
    throw new Error(
      'reconcile: invalid configuration: set GITHUB_APP_SECRET_ID (the GitHub App, for its own webhook or an organisation installation) or GITHUB_TOKEN_SECRET_ID (an org owner token with admin:org_hook)',
    );
  if (!('app' in github.credential) && s.RECONCILE_HOOKS.some((hook) => 'app' in hook))
    throw new Error(
      "reconcile: invalid configuration: RECONCILE_HOOKS names app, the GitHub App's own webhook, whose deliveries only the App can read: set GITHUB_APP_SECRET_ID, not a token",
    );
  return {
    bucket: s.CONFIG_BUCKET,
    eventsPrefix: s.EVENTS_PREFIX,
    recoveryPrefix: s.RECOVERY_PREFIX,
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
    evalFunctionName: s.EVAL_FUNCTION_NAME,
    github,
    hooks: s.RECONCILE_HOOKS,
    maxPages: s.RECONCILE_MAX_PAGES,
    maxRecoveries: s.RECONCILE_MAX_RECOVERIES,
    retentionMs: s.RECONCILE_RETENTION_HOURS * 3_600_000,
  };
}
