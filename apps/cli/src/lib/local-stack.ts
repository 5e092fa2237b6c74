import { startLocalCodePipeline, startS3Server, type RecordedStart } from '@monorepo-triggers/local-aws';
import { ENTITLEMENT_TAG } from '@monorepo-triggers/config-schema';
import { createS3Client, DEFAULT_CONFIG_PREFIX, S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadConfigDir } from './config-source';
import { serveLambdaOverHttp } from './http-to-lambda';
import { startLocalLambda } from './local-lambda';
import { stackInfoFile, type LocalStackInfo } from './local-state';
import { UserError } from './output';

export const LOCAL_BUCKET = 'monorepo-triggers-local';
export const EVAL_FUNCTION_NAME = 'monorepo-triggers-eval';

export interface LocalStackOptions {
  /** Webhook port on 127.0.0.1 (0: a free one). */
  port: number;
  dataDir: string;
  /** Repository root: where dist/ bundles and examples/ are. */
  root: string;
  /** Real S3 and CodePipeline (default credential chain) instead of the embedded ones. */
  aws: boolean;
  /** Where console lines go. */
  print: (line: string) => void;
  /** Lambda's asynchronous retry delays (shortened locally). */
  retryDelaysMs?: number[];
}

export interface LocalStack {
  info: LocalStackInfo;
  seeded: number;
  configCount: number;
  /** Resolves when no eval invocation is running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The webhook secret: WEBHOOK_SECRET, or one generated once into the data directory. */
function webhookSecret(dataDir: string): { secret: string; file: string } {
  const file = join(dataDir, 'webhook-secret');
  if (process.env['WEBHOOK_SECRET']) {
    writeFileSync(file, process.env['WEBHOOK_SECRET'] + '\n', { mode: 0o600 });
    return { secret: process.env['WEBHOOK_SECRET'], file };
  }
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
  return { secret: readFileSync(file, 'utf8').trim(), file };
}

/**
 * Runs the real system on 127.0.0.1: the webhook and eval bundles that go to Lambda, an embedded S3
 * (s3rver, data in the data directory), a local Lambda endpoint that runs eval when webhook invokes
 * it, and a local CodePipeline that records every start in executions.jsonl.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { dataDir, root, print } = options;
  mkdirSync(dataDir, { recursive: true });
  const bundles = { webhook: join(root, 'dist/apps/webhook/main.js'), eval: join(root, 'dist/apps/eval/main.js') };
  for (const bundle of Object.values(bundles)) {
    if (!existsSync(bundle)) throw new UserError(`missing ${bundle}: build it with \`npx nx run-many -t build -p webhook eval\` (npm start does)`);
  }
  const { secret, file: secretFile } = webhookSecret(dataDir);
  const executionsFile = join(dataDir, 'executions.jsonl');
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
    rmSync(stackInfoFile(dataDir), { force: true });
  };

  try {
    const env: Record<string, string> = { WEBHOOK_SECRET: secret, EVAL_FUNCTION_NAME: EVAL_FUNCTION_NAME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    let s3Endpoint = 'https://s3.amazonaws.com';
    let bucket = process.env['CONFIG_BUCKET'] ?? '';
    const prefix = process.env['CONFIG_PREFIX'] ?? DEFAULT_CONFIG_PREFIX;
    if (options.aws) {
      if (!bucket) throw new UserError('--aws needs CONFIG_BUCKET (and credentials from the default chain: AWS_PROFILE, SSO, environment...)');
    } else {
      bucket = LOCAL_BUCKET;
      const s3 = await startS3Server({ directory: join(dataDir, 's3'), buckets: [bucket], recordRequests: false });
      stops.push(() => s3.stop());
      s3Endpoint = s3.endpoint;
      const localStore = new S3ConfigStore({ client: createS3Client({ forcePathStyle: true, endpoint: s3.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }), bucket, prefix });
      const codepipeline = await startLocalCodePipeline({
        // Locally, every pipeline that has a config exists and agrees to be started by its repository.
        pipelines: async (name) => {
          const config = (await localStore.list()).configs.find((c) => c.config.pipelineName === name);
          return config ? { [ENTITLEMENT_TAG]: config.config.repository } : undefined;
        },
        onStart: (start: RecordedStart) => {
          appendFileSync(executionsFile, JSON.stringify({ time: new Date().toISOString(), ...start }) + '\n');
        },
      });
      stops.push(() => codepipeline.stop());
      Object.assign(env, s3.env, { CONFIG_BUCKET: bucket, AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint });
    }
    env['CONFIG_BUCKET'] = bucket;
    env['CONFIG_PREFIX'] = prefix;

    // Both bundles read their settings from the environment when first called, as on Lambda.
    Object.assign(process.env, env);
    const load = createRequire(__filename);
    const evalBundle = (load(bundles.eval) as { handler: (e: unknown, context: { invokedFunctionArn: string }) => Promise<unknown> }).handler;
    // As on Lambda, eval is told its own ARN (the account and region of the pipelines it starts).
    const evalHandler = (payload: unknown) => evalBundle(payload, { invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${EVAL_FUNCTION_NAME}` });
    const lambda = await startLocalLambda({
      functionName: EVAL_FUNCTION_NAME,
      handler: evalHandler,
      ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      onResult: ({ attempt, ok, error }) => {
        if (!ok) print(`eval failed (attempt ${attempt} of 3): ${error}`);
      },
    });
    stops.push(() => lambda.stop());
    process.env['AWS_ENDPOINT_URL_LAMBDA'] = lambda.endpoint;
    const webhookHandler = (load(bundles.webhook) as { handler: (e: unknown) => Promise<never> }).handler;

    // Seed the example configs into an empty store, through the same validation as `triggers put`.
    const store = new S3ConfigStore({
      client: createS3Client({ forcePathStyle: !options.aws, ...(options.aws ? {} : { endpoint: s3Endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }) }),
      bucket,
      prefix,
    });
    let seeded = 0;
    let existing = await store.list();
    if (!options.aws && existing.configs.length + existing.invalid.length === 0) {
      for (const { config } of loadConfigDir(join(root, 'examples/configs')).configs) {
        await store.put(config);
        seeded++;
      }
      existing = await store.list();
    }

    let server;
    try {
      server = await serveLambdaOverHttp(webhookHandler, options.port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserError(`port ${options.port} is busy: stop what uses it, or pick another with --port N`);
      throw error;
    }
    stops.push(() => server.stop());

    const info: LocalStackInfo = { pid: process.pid, webhookUrl: server.url, s3Endpoint, bucket, prefix, secretFile };
    writeFileSync(stackInfoFile(dataDir), JSON.stringify(info, null, 2));
    return { info, seeded, configCount: existing.configs.length, idle: () => lambda.idle(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
