import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  ADAPTIVE_RETRY,
  DEFAULT_CONFIG_PREFIX,
  DEFAULT_SNAPSHOT_PREFIX,
  DEPLOYED_NAMES,
  deployedConfigReaders,
} from '@monorepo-triggers/lambda-runtime';
import { LOCAL_ACCOUNT, LOCAL_REGION, S3RVER_CREDENTIALS } from '@monorepo-triggers/local-aws';
import { CodePipelineEntitlements, pipelineArnPrefix, pipelineArnPrefixOf } from '@monorepo-triggers/pipeline-access';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { DEAD_LETTER_STACKS, deadLetterQueuesOf, sqsClientFor, type DeadLetterFunction } from '../dead-letter-queues';
import { readLocalStack } from '../local-state';
import { UserError } from '../output';
import { awsS3Client, localStackS3Client } from '../s3-clients';
import type { DoctorSources } from './doctor-checks';
import { stackScopeOf, sweepTriggerResources } from './stack-checks';

export interface DoctorTarget {
  /** The deployment in AWS (default credentials): its bucket from `--bucket`, or from the shared stack's output. */
  aws: boolean;
  bucket?: string;
  prefix?: string;
}

/** What the doctor reads, where, and what to close when done. */
export interface OpenedSources {
  sources: DoctorSources;
  where: string;
  close(): void;
}

/** A deployment stack as DescribeStacks shows it, or undefined when it does not exist. */
async function describeStack(cloudformation: CloudFormationClient, stackName: string) {
  try {
    return (await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
}

/** The messages waiting in each function's dead-letter queues. */
function deadLetterDepths(aws: boolean) {
  return async () => {
    const sqs = sqsClientFor(aws);
    try {
      const depths = [];
      for (const fn of Object.keys(DEAD_LETTER_STACKS) as DeadLetterFunction[]) {
        let queues: string[];
        try {
          queues = await deadLetterQueuesOf(fn, { aws });
        } catch (error) {
          // A stack not deployed, or from before it named its queues: nothing of it to count here.
          if (error instanceof UserError) continue;
          throw error;
        }
        for (const queue of queues) {
          const { Attributes: attributes = {} } = await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: queue,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          );
          const messages =
            Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
          depths.push({ function: fn, queue, messages });
        }
      }
      return depths;
    } finally {
      sqs.destroy();
    }
  };
}

/**
 * The sources of the deployment in AWS (default credential chain and region; the SDK's
 * AWS_ENDPOINT_URL_* variables reach stand-ins), or of the running local stack, which has no
 * CloudFormation: there, what stacks own and what the deployed readers read is not checked.
 */
export async function openDoctorSources(target: DoctorTarget): Promise<OpenedSources> {
  if (target.aws) {
    const cloudformation = new CloudFormationClient(ADAPTIVE_RETRY);
    const codepipeline = new CodePipelineClient(ADAPTIVE_RETRY);
    const s3 = awsS3Client();
    const [shared, evalStack] = await Promise.all([
      describeStack(cloudformation, DEPLOYED_NAMES.stacks.shared),
      describeStack(cloudformation, DEPLOYED_NAMES.stacks.eval),
    ]);
    // The bucket the shared stack made: where every `--bucket` example points.
    const deployed = shared?.Outputs?.find((o) => o.OutputKey === 'ConfigBucketName')?.OutputValue;
    const bucket = target.bucket ?? deployed;
    if (!bucket)
      throw new UserError(
        `stack ${DEPLOYED_NAMES.stacks.shared} has no output ConfigBucketName in this account and region: deploy it, or pass --bucket BUCKET`,
      );
    const prefix = target.prefix ?? DEFAULT_CONFIG_PREFIX;
    const arnPrefix = evalStack?.StackId ? pipelineArnPrefixOf(evalStack.StackId) : undefined;
    const scope = evalStack?.StackId ? stackScopeOf(evalStack.StackId) : undefined;
    // The stacks' triggers write to the deployment's bucket: against another, every one would look deleted.
    const otherBucket = deployed !== undefined && bucket !== deployed;
    return {
      where: `s3://${bucket}/${prefix}/ and the deployment in AWS (default credentials)`,
      sources: {
        store: new S3ConfigStore({ client: s3, bucket, prefix, snapshotPrefix: DEFAULT_SNAPSHOT_PREFIX }),
        stacks: otherBucket
          ? { skipped: `s3://${bucket} is not the deployment's bucket (${deployed}), which the stacks' triggers write to` }
          : { read: () => sweepTriggerResources(cloudformation, scope) },
        pipelines: arnPrefix
          ? { read: { entitlements: new CodePipelineEntitlements(codepipeline), arnPrefix } }
          : { skipped: `no ${DEPLOYED_NAMES.stacks.eval} stack: the pipelines are those of its account and region` },
        readers: { read: () => deployedConfigReaders(cloudformation) },
        deadLetters: { read: deadLetterDepths(true) },
      },
      close: () => [cloudformation, codepipeline, s3].forEach((client) => client.destroy()),
    };
  }
  const local = readLocalStack();
  if (!local) throw new UserError('no local stack is running: start it with `npm start`, or check the deployment with --aws');
  const s3 = localStackS3Client(local);
  const codepipeline = local.codepipelineUrl
    ? new CodePipelineClient({
        endpoint: local.codepipelineUrl,
        region: LOCAL_REGION,
        credentials: { ...S3RVER_CREDENTIALS },
        maxAttempts: 1,
      })
    : undefined;
  const noCloudFormation = 'the local stack runs no CloudFormation (configs written with triggers put have no owning stack)';
  return {
    where: `the local stack (s3://${local.bucket}/${local.prefix}/ on ${local.s3Endpoint})`,
    sources: {
      store: new S3ConfigStore({
        client: s3,
        bucket: local.bucket,
        prefix: target.prefix ?? local.prefix,
        snapshotPrefix: DEFAULT_SNAPSHOT_PREFIX,
      }),
      stacks: { skipped: noCloudFormation },
      pipelines: codepipeline
        ? {
            read: {
              entitlements: new CodePipelineEntitlements(codepipeline),
              arnPrefix: pipelineArnPrefix('aws', LOCAL_REGION, LOCAL_ACCOUNT),
            },
          }
        : { skipped: 'the local stack runs with --aws: check the deployment with triggers doctor --aws' },
      readers: { skipped: 'the local stack runs this release of eval and statuses' },
      deadLetters: local.sqsUrl ? { read: deadLetterDepths(false) } : { skipped: 'the local stack runs no queues (--aws)' },
    },
    close: () => {
      s3.destroy();
      codepipeline?.destroy();
    },
  };
}
