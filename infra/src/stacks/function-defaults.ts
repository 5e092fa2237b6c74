import { CfnOutput, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Architecture, Code, Function as LambdaFunction, Runtime, type FunctionProps } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AlarmedFunction, AlarmOf } from '../alarm-names';
import { NAMES } from '../names';
import { workspaceRoot } from '../workspace-root';
import { watch } from './alarms';

/** Where the built bundles are: `nx build <app>` writes dist/apps/<app>/main.js. */
export const DIST = join(workspaceRoot(), 'dist', 'apps');

/** The config bucket's name, imported from the shared stack. */
export const importedBucketName = () => Fn.importValue(NAMES.bucketExport);

/** A function's bundle is not built: what to run instead of a screen of CDK internals. */
export class MissingBundleError extends Error {
  override readonly name = 'MissingBundleError';
  constructor(readonly app: string) {
    super(
      `dist/apps/${app}/main.js is missing: build it with \`npx nx run ${app}:build\` (\`npx nx run ${app}-stack:deploy\` builds it first)`,
    );
  }
}

/** One of our Lambda functions: the bundle of `app`, nodejs22.x on arm64, JSON logs kept 30 days. */
export function bundledFunction(
  scope: Construct,
  id: string,
  app: string,
  props: Partial<FunctionProps> & { functionName: string },
): LambdaFunction {
  if (!existsSync(join(DIST, app, 'main.js'))) throw new MissingBundleError(app);
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    logGroupName: `/aws/lambda/${props.functionName}`,
    retention: RetentionDays.ONE_MONTH,
  });
  return new LambdaFunction(scope, id, {
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    handler: 'main.handler',
    code: Code.fromAsset(join(DIST, app)),
    memorySize: 512,
    timeout: Duration.seconds(30),
    logGroup,
    ...props,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
  });
}

/** The GitHub credential a function may use: a token's or a GitHub App's secret, by name (cdk.json context). */
export interface GithubCredentialProps {
  /** Secrets Manager name of a GitHub token (statuses and change lists; no check runs). */
  githubTokenSecretName?: string;
  /** A GitHub App's credentials (`{"appId","privateKey"}`) in Secrets Manager, instead of a token. */
  githubAppSecretName?: string;
}

/**
 * Lets `fn` read its GitHub credential at run time: only the secret's name is in the template (the
 * function reads the value when first needed and caches it), and the role may read that secret only.
 */
export function grantGithubCredential(scope: Construct, fn: LambdaFunction, props: GithubCredentialProps): void {
  if (props.githubTokenSecretName) {
    fn.addEnvironment('GITHUB_TOKEN_SECRET_ID', props.githubTokenSecretName);
    Secret.fromSecretNameV2(scope, 'GithubToken', props.githubTokenSecretName).grantRead(fn);
  }
  if (props.githubAppSecretName) {
    fn.addEnvironment('GITHUB_APP_SECRET_ID', props.githubAppSecretName);
    Secret.fromSecretNameV2(scope, 'GithubApp', props.githubAppSecretName).grantRead(fn);
  }
}

/** `arn:<partition>:codepipeline:<region>:<account>:` — the pipelines of the stack's account and region. */
export const pipelineArnPrefix = (scope: Construct) => {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:codepipeline:${stack.region}:${stack.account}:`;
};

/**
 * A dead-letter queue (14 days, encrypted, TLS only) with its fixed name (the dashboard graphs it),
 * the alarm that fires on its first message, and the stack output that names its URL (`output`),
 * where `triggers redrive --aws` finds it.
 */
export function deadLetterQueue<F extends AlarmedFunction>(
  scope: Construct,
  id: string,
  props: { queueName: string; fn: F; alarm: AlarmOf<F>; summary: string; output: string },
): Queue {
  const queue = new Queue(scope, id, {
    queueName: props.queueName,
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  watch(scope, props.fn, props.alarm, {
    metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5) }),
    threshold: 1,
    summary: props.summary,
  });
  new CfnOutput(scope, props.output, { value: queue.queueUrl, description: `${id}: replay with triggers redrive --aws` });
  return queue;
}

/**
 * How an asynchronously invoked function of ours takes failures: Lambda retries twice within six
 * hours, then sends the event to `deadLetters`; reserved concurrency, when given, bounds it.
 */
export function asyncInvocation(deadLetters: Queue, reservedConcurrency?: number | null): Partial<FunctionProps> {
  return {
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: new SqsDestination(deadLetters),
    ...(reservedConcurrency ? { reservedConcurrentExecutions: reservedConcurrency } : {}),
  };
}
