import type { S3Client } from '@aws-sdk/client-s3';
import { readLocalStack, type LocalStackInfo } from './local-state';
import { awsS3Client, localStackS3Client } from './s3-clients';

/**
 * Where a command reads the deployment's objects (configs, records, last successes): the bucket
 * `--bucket` names, in AWS with the default credentials, or else the running local stack's. The one
 * place the CLI makes that choice.
 */
export type BucketSource =
  { kind: 'aws'; bucket: string; client: S3Client } | { kind: 'local'; bucket: string; client: S3Client; local: LocalStackInfo };

/** `--bucket`'s bucket, or the running local stack's; undefined when neither is there. */
export function bucketSource(options: { bucket?: string }): BucketSource | undefined {
  if (options.bucket) return { kind: 'aws', bucket: options.bucket, client: awsS3Client() };
  const local = readLocalStack();
  return local ? { kind: 'local', bucket: local.bucket, client: localStackS3Client(local), local } : undefined;
}

/** Where the objects under `prefix` are, in words: `s3://bucket/prefix/`, or the local stack's. */
export function describeSource(source: BucketSource, prefix: string): string {
  const where = `s3://${source.bucket}/${prefix}/`;
  return source.kind === 'aws' ? where : `local stack (${where})`;
}
