import { parseEnvironment } from '@monorepo-triggers/lambda-runtime';
import { evalSettingsSchema } from './settings.schema';

export interface EvalSettings {
  bucket: string;
  configPrefix: string;
  eventsPrefix: string;
  /** Where each push's decision record goes. */
  recordsPrefix: string;
  forcePathStyle: boolean;
  /** Where a GitHub token comes from, if eval has one. */
  githubToken?: { secretId: string; maxAgeMs: number } | { value: string };
  /** Where a GitHub App's credentials come from, if eval authenticates as an App. */
  githubApp?: { secretId: string; maxAgeMs: number };
  githubApiUrl: string;
  /** StartPipelineExecution calls in flight at once. */
  startConcurrency: number;
  /** `arn:…:codepipeline:<region>:<account>:` of the pipelines eval starts, when set. */
  pipelineArnPrefix?: string;
}

/** Reads eval's configuration once per cold start; a bad variable fails with its name, never its value. */
export function evalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): EvalSettings {
  const s = parseEnvironment(evalSettingsSchema, env, 'eval');
  const credentials = [
    s.GITHUB_APP_SECRET_ID && 'GITHUB_APP_SECRET_ID',
    s.GITHUB_TOKEN_SECRET_ID && 'GITHUB_TOKEN_SECRET_ID',
    s.GITHUB_TOKEN && 'GITHUB_TOKEN',
  ].filter(Boolean);
  if (credentials.length > 1) {
    throw new Error(
      `eval: invalid configuration: ${credentials.join(' and ')} are set; set one GitHub credential: GITHUB_APP_SECRET_ID (a GitHub App, in Secrets Manager), GITHUB_TOKEN_SECRET_ID (a token, in Secrets Manager) or, for local runs only, GITHUB_TOKEN`,
    );
  }
  return {
    bucket: s.CONFIG_BUCKET,
    configPrefix: s.CONFIG_PREFIX,
    eventsPrefix: s.EVENTS_PREFIX,
    recordsPrefix: s.RECORDS_PREFIX,
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
    ...(s.GITHUB_TOKEN_SECRET_ID
      ? { githubToken: { secretId: s.GITHUB_TOKEN_SECRET_ID, maxAgeMs: s.SECRETS_MAX_AGE_SECONDS * 1000 } }
      : s.GITHUB_TOKEN
        ? { githubToken: { value: s.GITHUB_TOKEN } }
        : {}),
    ...(s.GITHUB_APP_SECRET_ID ? { githubApp: { secretId: s.GITHUB_APP_SECRET_ID, maxAgeMs: s.SECRETS_MAX_AGE_SECONDS * 1000 } } : {}),
    githubApiUrl: s.GITHUB_API_URL.replace(/\/+$/, ''),
    startConcurrency: s.START_CONCURRENCY,
    ...(s.PIPELINE_ARN_PREFIX ? { pipelineArnPrefix: s.PIPELINE_ARN_PREFIX } : {}),
  };
}
