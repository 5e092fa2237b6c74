import { githubSettingsOf, type GithubSettings } from '@monorepo-triggers/github-api';
import { parseEnvironment } from '@monorepo-triggers/lambda-runtime';
import { statusesSettingsSchema } from './settings.schema';

export interface StatusesSettings {
  bucket: string;
  /** Where the configs are: a config's `statusContext` names the status of its pipeline. */
  configPrefix: string;
  /** Where eval's decision records are: the context each execution was started with. */
  recordsPrefix: string;
  /** Where each pipeline's last success per branch is kept (configs with compareWith: last-success). */
  lastSuccessPrefix: string;
  forcePathStyle: boolean;
  github: GithubSettings;
  /** `arn:…:sts::<account>:assumed-role/<eval role>/`: the executions eval started. */
  evalPrincipalPrefix: string;
}

/** Reads the function's configuration once per cold start; a bad variable fails with its name, never its value. */
export function statusesSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StatusesSettings {
  const s = parseEnvironment(statusesSettingsSchema, env, 'statuses');
  return {
    bucket: s.CONFIG_BUCKET,
    configPrefix: s.CONFIG_PREFIX,
    recordsPrefix: s.RECORDS_PREFIX,
    lastSuccessPrefix: s.LAST_SUCCESS_PREFIX,
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
    github: githubSettingsOf(s, 'statuses'),
    evalPrincipalPrefix: s.EVAL_PRINCIPAL_PREFIX,
  };
}
