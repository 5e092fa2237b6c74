// Each push's decisions, stored by eval in S3 and read by `triggers why` / `triggers history`.
export { configOutcomeSchema, decisionRecordSchema } from './lib/decision-record.schema';
export type { ConfigOutcome, DecisionRecord, RecordedMergeGroup, RecordedStop } from './lib/decision-record.schema';
export { DecisionRecordStore } from './lib/decision-record-store';
export type { DecisionRecordStoreOptions, UnreadableRecord } from './lib/decision-record-store';
