import { DecisionRecordStore } from '@monorepo-triggers/decision-record';
import { DEFAULT_RECORDS_PREFIX } from '@monorepo-triggers/lambda-runtime';
import { bucketSource, describeSource } from './bucket-source';
import { UserError } from './output';

/**
 * The decision records of the running local stack, or of `--bucket BUCKET` in AWS (default
 * credentials; prefix RECORDS_PREFIX or mono-repo/records, as eval writes them).
 */
export function openRecords(options: { bucket?: string; recordsPrefix?: string }): { records: DecisionRecordStore; description: string } {
  const prefix = options.recordsPrefix ?? process.env['RECORDS_PREFIX'] ?? DEFAULT_RECORDS_PREFIX;
  const source = bucketSource(options);
  if (!source) throw new UserError('no local stack is running: start it with `npm start`, or pass --bucket BUCKET');
  return {
    records: new DecisionRecordStore({ client: source.client, bucket: source.bucket, prefix }),
    description: describeSource(source, prefix),
  };
}
