import { localS3ClientConfig, startS3Server, type LocalS3ClientConfig } from '@monorepo-triggers/local-aws';
import { join } from 'node:path';
import { UserError } from './output';

export const LOCAL_BUCKET = 'monorepo-triggers-local';

/** The bucket the configs live in: the embedded S3's, or a real one. */
export interface ConfigBucket {
  bucket: string;
  /** Where it is served, for the user and the stack info. */
  s3Endpoint: string;
  /** Settings for the CLI's own S3 client (`createS3Client`). */
  clientConfig: LocalS3ClientConfig | { forcePathStyle: false };
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
      s3Endpoint: 'https://s3.amazonaws.com',
      clientConfig: { forcePathStyle: false },
      env: {},
      stop: async () => undefined,
    };
  }
  const s3 = await startS3Server({ directory: join(options.dataDir, 's3'), buckets: [LOCAL_BUCKET], recordRequests: false });
  return {
    bucket: LOCAL_BUCKET,
    s3Endpoint: s3.endpoint,
    clientConfig: localS3ClientConfig(s3.endpoint),
    env: s3.env,
    stop: () => s3.stop(),
  };
}
