import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { localS3ClientConfig } from '@monorepo-triggers/local-aws';
import type { LocalStackInfo } from './local-state';

/**
 * A client for a real bucket, as the functions reach it: the default credential chain, the SDK's
 * `AWS_ENDPOINT_URL_S3`, and path-style addressing when `S3_FORCE_PATH_STYLE=true` (an
 * S3-compatible server).
 */
export function awsS3Client(): S3Client {
  return createS3Client({ forcePathStyle: process.env['S3_FORCE_PATH_STYLE'] === 'true' });
}

/** A client for the running local stack's store: its embedded S3, or the real bucket of `start --aws`. */
export function localStackS3Client(local: LocalStackInfo): S3Client {
  return local.aws ? awsS3Client() : createS3Client(localS3ClientConfig(local.s3Endpoint));
}
