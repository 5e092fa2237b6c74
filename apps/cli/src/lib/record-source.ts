import { DecisionRecordStore } from '@monorepo-triggers/decision-record';
import { createS3Client, DEFAULT_RECORDS_PREFIX } from '@monorepo-triggers/lambda-runtime';
import { localS3ClientConfig } from '@monorepo-triggers/local-aws';
import { readLocalStack } from './local-state';
import { UserError } from './output';

/**
 * The decision records of the running local stack, or of `--bucket BUCKET` in AWS (default
 * credentials; prefix RECORDS_PREFIX or mono-repo/records, as eval writes them).
 */
export function openRecords(options: { bucket?: string; recordsPrefix?: string }): { records: DecisionRecordStore; description: string } {
  const prefix = options.recordsPrefix ?? process.env['RECORDS_PREFIX'] ?? DEFAULT_RECORDS_PREFIX;
  if (options.bucket) {
    const client = createS3Client({ forcePathStyle: process.env['S3_FORCE_PATH_STYLE'] === 'true' });
    return {
      records: new DecisionRecordStore({ client, bucket: options.bucket, prefix }),
      description: `s3://${options.bucket}/${prefix}/`,
    };
  }
  const local = readLocalStack();
  if (!local) throw new UserError('no local stack is running: start it with `npm start`, or pass --bucket BUCKET');
  const client = createS3Client(localS3ClientConfig(local.s3Endpoint));
  return {
    records: new DecisionRecordStore({ client, bucket: local.bucket, prefix }),
    description: `local stack (s3://${local.bucket}/${prefix}/)`,
  };
}
