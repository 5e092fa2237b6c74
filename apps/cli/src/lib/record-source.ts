import { DecisionRecordStore } from '@monorepo-triggers/decision-record';
import { DEFAULT_RECORDS_PREFIX } from '@monorepo-triggers/lambda-runtime';
import { readLocalStack } from './local-state';
import { UserError } from './output';
import { awsS3Client, localStackS3Client } from './s3-clients';

/**
 * The decision records of the running local stack, or of `--bucket BUCKET` in AWS (default
 * credentials; prefix RECORDS_PREFIX or mono-repo/records, as eval writes them).
 */
export function openRecords(options: { bucket?: string; recordsPrefix?: string }): { records: DecisionRecordStore; description: string } {
  const prefix = options.recordsPrefix ?? process.env['RECORDS_PREFIX'] ?? DEFAULT_RECORDS_PREFIX;
  if (options.bucket) {
    return {
      records: new DecisionRecordStore({ client: awsS3Client(), bucket: options.bucket, prefix }),
      description: `s3://${options.bucket}/${prefix}/`,
    };
  }
  const local = readLocalStack();
  if (!local) throw new UserError('no local stack is running: start it with `npm start`, or pass --bucket BUCKET');
  return {
    records: new DecisionRecordStore({ client: localStackS3Client(local), bucket: local.bucket, prefix }),
    description: `local stack (s3://${local.bucket}/${prefix}/)`,
  };
}
