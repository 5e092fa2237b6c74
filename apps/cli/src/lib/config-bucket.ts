import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { localS3ClientConfig, startConditionalS3Proxy, startS3Server } from '@monorepo-triggers/local-aws';
import { join } from 'node:path';
import { UserError } from './output';
import { awsS3Client } from './s3-clients';

export const LOCAL_BUCKET = 'monorepo-triggers-local';

/** The bucket the configs live in: the embedded S3's, or a real one. */
export interface ConfigBucket {
  bucket: string;
  /** Where it is served, for the user and the stack info. */
  s3Endpoint: string;
  /** A client for the CLI's own use of the bucket (seeding, the local CodePipeline's tags). */
  createClient(): S3Client;
  /** What the bundles need in their environment to reach it (nothing for real S3). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The S3 step. With `aws`: the real bucket named by CONFIG_BUCKET, reached with the default
 * credential chain. Otherwise: an embedded S3 (s3rver) whose data lives in the data directory.
 */
export async function startConfigBucket(options: { aws: boolean; dataDir: string }): Promise<ConfigBucket> {
  if (options.aws) {
    const bucket = process.env['CONFIG_BUCKET'] ?? '';
    if (!bucket)
      throw new UserError('--aws needs CONFIG_BUCKET (and credentials from the default chain: AWS_PROFILE, SSO, environment...)');
    return {
      bucket,
      s3Endpoint: process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'] ?? 'https://s3.amazonaws.com',
      createClient: awsS3Client,
      env: {},
      stop: async () => undefined,
    };
  }
  const s3 = await startS3Server({ directory: join(options.dataDir, 's3'), buckets: [LOCAL_BUCKET], recordRequests: false });
  // In front of it, S3's conditional writes (If-None-Match, If-Match), which s3rver ignores: the
  // snapshots and the recovery ledger count on them, as cfresource does in AWS.
  const proxy = await startConditionalS3Proxy(s3.endpoint);
  return {
    bucket: LOCAL_BUCKET,
    s3Endpoint: proxy.endpoint,
    createClient: () => createS3Client(localS3ClientConfig(proxy.endpoint)),
    env: { ...s3.env, AWS_ENDPOINT_URL_S3: proxy.endpoint },
    stop: async () => {
      await proxy.stop();
      await s3.stop();
    },
  };
}
