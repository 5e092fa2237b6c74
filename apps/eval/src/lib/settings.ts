import { githubSettingsOf, type GithubSettings } from '@monorepo-triggers/github-api';
import { parseEnvironment } from '@monorepo-triggers/lambda-runtime';
import { evalSettingsSchema } from './settings.schema';

export interface EvalSettings {
  bucket: string;
  configPrefix: string;
  eventsPrefix: string;
  /** Where each push's decision record goes. */
  recordsPrefix: string;
  /** Where each pipeline's last success per branch is kept (written by statuses; eval seeds baselines). */
  lastSuccessPrefix: string;
  /** Where each repository's config snapshot goes (read by cold containers). */
  snapshotPrefix: string;
  forcePathStyle: boolean;
  /** Which GitHub API, and the credential (a token or a GitHub App) if eval has one. */
  github: GithubSettings;
  /** StartPipelineExecution calls in flight at once. */
  startConcurrency: number;
  /** `arn:…:codepipeline:<region>:<account>:` of the pipelines eval starts, when set. */
  pipelineArnPrefix?: string;
}

/** Reads eval's configuration once per cold start; a bad variable fails with its name, never its value. */
export function evalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): EvalSettings {
  const s = parseEnvironment(evalSettingsSchema, env, 'eval');
  return {
    bucket: s.CONFIG_BUCKET,
    configPrefix: s.CONFIG_PREFIX,
    eventsPrefix: s.EVENTS_PREFIX,
    recordsPrefix: s.RECORDS_PREFIX,
    lastSuccessPrefix: s.LAST_SUCCESS_PREFIX,
    snapshotPrefix: s.SNAPSHOT_PREFIX,
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
    github: githubSettingsOf(s, 'eval'),
    startConcurrency: s.START_CONCURRENCY,
    ...(s.PIPELINE_ARN_PREFIX ? { pipelineArnPrefix: s.PIPELINE_ARN_PREFIX } : {}),
  };
}
