import { DEFAULT_CONFIG_PREFIX } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startConfigBucket } from './config-bucket';
import { EVAL_FUNCTION_NAME, startEvalLambda, type EvalHandler } from './eval-lambda';
import { startLocalGithubApp } from './github-app';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalSqs, type LocalLambda } from '@monorepo-triggers/local-aws';
import { RECONCILE_FUNCTION_NAME, startReconcileLambda, type ReconcileHandler } from './reconcile-lambda';
import { startLocalPipelines } from './local-pipelines';
import { lockDataDir, stackInfoFile, type LocalStackInfo } from './local-state';
import { UserError } from './output';
import { seedExampleConfigs } from './seed-configs';
import { ensurePortFree, serveWebhook, type WebhookHandler } from './serve-webhook';
import { startStatusesLambda, STATUSES_FUNCTION_NAME, type StatusesHandler } from './statuses-lambda';

export { LOCAL_BUCKET } from './config-bucket';
export { EVAL_FUNCTION_NAME } from './eval-lambda';

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

/** The bundles that go to Lambda, as built under dist/. */
function lambdaBundles(root: string): { webhook: string; eval: string; statuses: string; reconcile: string } {
  const bundles = {
    webhook: join(root, 'dist/apps/webhook/main.js'),
    eval: join(root, 'dist/apps/eval/main.js'),
    statuses: join(root, 'dist/apps/statuses/main.js'),
    reconcile: join(root, 'dist/apps/reconcile/main.js'),
  };
  for (const bundle of Object.values(bundles)) {
    if (!existsSync(bundle))
      throw new UserError(
        `missing ${bundle}: build it with \`npx nx run-many -t build -p webhook eval statuses reconcile\` (npm start does)`,
      );
  }
  return bundles;
}

/** The dead-letter queues of eval and statuses, as their stacks make them (on-failure destinations). */
export const DEAD_LETTER_QUEUES = { eval: 'monorepo-triggers-eval-dead-letters', statuses: 'monorepo-triggers-statuses-dead-letters' };

/**
 * eval's role as the eval stack names it (infra/src/names.ts) in the local region: the local
 * CodePipeline records eval's starts as made by a session of it, as CodePipeline does.
 */
const EVAL_ROLE_PREFIX = `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/monorepo-triggers-eval-${LOCAL_REGION}/`;

/** The `handler` a built bundle exports, loaded as Lambda loads it. */
function loadHandler<H>(bundle: string): H {
  return (createRequire(__filename)(bundle) as { handler: H }).handler;
}

/**
 * Runs the real system on 127.0.0.1: the webhook and eval bundles that go to Lambda, an embedded S3
 * (s3rver, data in the data directory), a local Lambda endpoint that runs eval when webhook invokes
 * it, and a local CodePipeline that records every start in executions.jsonl. Each step is started in
 * turn; on failure, and on `stop()`, what was started is stopped in reverse order.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { dataDir, root } = options;
  mkdirSync(dataDir, { recursive: true });
  const bundles = lambdaBundles(root);
  // One stack per data directory, and a busy port said before anything is started: a second start
  // never touches the running stack's store, children or stack.json.
  const lock = lockDataDir(dataDir);
  try {
    await ensurePortFree(options.port);
  } catch (error) {
    lock.release();
    throw error;
  }
  const { secret, file: secretFile } = webhookSecret(dataDir);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
    rmSync(stackInfoFile(dataDir), { force: true });
    lock.release();
  };
  /** Registers what a step started, for `stop`. */
  const stopLater = <T extends { stop(): Promise<void> }>(started: T): T => {
    stops.push(() => started.stop());
    return started;
  };

  try {
    const prefix = process.env['CONFIG_PREFIX'] ?? DEFAULT_CONFIG_PREFIX;
    const s3 = stopLater(await startConfigBucket(options));
    const openStore = () => new S3ConfigStore({ client: s3.createClient(), bucket: s3.bucket, prefix });
    // A stand-in GitHub with an App, unless the user brings a token for the real one.
    const github = options.aws || process.env['GITHUB_TOKEN'] ? undefined : stopLater(await startLocalGithubApp());
    // Where eval and statuses send what fails its last retry, as their stacks' on-failure destinations.
    const sqs = options.aws ? undefined : stopLater(await startLocalSqs());
    const deadLetters = (name: keyof typeof DEAD_LETTER_QUEUES) =>
      sqs ? { onFailure: (record: object) => void sqs.send(DEAD_LETTER_QUEUES[name], JSON.stringify(record)) } : {};
    for (const queue of Object.values(DEAD_LETTER_QUEUES)) sqs?.queueUrl(queue);
    // The statuses function, once loaded, gets every execution state change (as from EventBridge);
    // only with the stand-in GitHub: local executions are not real builds of real commits.
    let statusesLambda: LocalLambda | undefined;
    const codepipeline = options.aws
      ? undefined
      : stopLater(
          await startLocalPipelines(openStore(), join(dataDir, 'executions.jsonl'), {
            principals: { [s3.env['AWS_ACCESS_KEY_ID'] as string]: `${EVAL_ROLE_PREFIX}${EVAL_FUNCTION_NAME}` },
            onEvent: async (event) => {
              await statusesLambda?.invokeAsync(event);
            },
          }),
        );

    // Both bundles read their settings from the environment when first called, as on Lambda.
    Object.assign(process.env, {
      WEBHOOK_SECRET: secret,
      EVAL_FUNCTION_NAME,
      ...s3.env,
      ...(codepipeline ? { AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint } : {}),
      ...(github ? github.env : {}),
      CONFIG_BUCKET: s3.bucket,
      CONFIG_PREFIX: prefix,
      EVAL_PRINCIPAL_PREFIX: EVAL_ROLE_PREFIX,
      // The reconcile function reads the stand-in App's own webhook deliveries.
      RECONCILE_HOOKS: 'app',
    });
    const evalLambda = stopLater(await startEvalLambda(loadHandler<EvalHandler>(bundles.eval), { ...options, ...deadLetters('eval') }));
    if (github)
      statusesLambda = stopLater(
        await startStatusesLambda(loadHandler<StatusesHandler>(bundles.statuses), { ...options, ...deadLetters('statuses') }),
      );
    process.env['AWS_ENDPOINT_URL_LAMBDA'] = evalLambda.endpoint;
    const webhookHandler = loadHandler<WebhookHandler>(bundles.webhook);
    const reconcileLambda = github ? stopLater(await startReconcileLambda(loadHandler<ReconcileHandler>(bundles.reconcile))) : undefined;

    const { seeded, configCount } = await seedExampleConfigs(openStore(), { dir: join(root, 'examples/configs'), seed: !options.aws });
    const server = stopLater(await serveWebhook(webhookHandler, options.port));
    // The stand-in GitHub delivers to this webhook, signed with its secret (`triggers send`, redeliveries).
    github?.github.hooks.setTarget({ url: server.url, secret });

    const info: LocalStackInfo = {
      pid: process.pid,
      ...(options.aws ? { aws: true } : {}),
      webhookUrl: server.url,
      s3Endpoint: s3.s3Endpoint,
      bucket: s3.bucket,
      prefix,
      secretFile,
      ...(github ? { githubUrl: github.github.endpoint } : {}),
      ...(codepipeline ? { codepipelineUrl: codepipeline.endpoint } : {}),
      lambdas: {
        [EVAL_FUNCTION_NAME]: evalLambda.endpoint,
        ...(statusesLambda ? { [STATUSES_FUNCTION_NAME]: statusesLambda.endpoint } : {}),
        ...(reconcileLambda ? { [RECONCILE_FUNCTION_NAME]: reconcileLambda.endpoint } : {}),
      },
      ...(sqs
        ? {
            sqsUrl: sqs.endpoint,
            deadLetterQueues: {
              [EVAL_FUNCTION_NAME]: sqs.queueUrl(DEAD_LETTER_QUEUES.eval),
              ...(statusesLambda ? { [STATUSES_FUNCTION_NAME]: sqs.queueUrl(DEAD_LETTER_QUEUES.statuses) } : {}),
            },
          }
        : {}),
    };
    writeFileSync(stackInfoFile(dataDir), JSON.stringify(info, null, 2));
    const idle = async () => {
      await evalLambda.idle();
      await statusesLambda?.idle();
    };
    return { info, seeded, configCount, idle, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
