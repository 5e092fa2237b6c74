// Each push's decisions, stored by eval in S3 and read by `triggers why` / `triggers history`; and each
// pipeline's last success per branch, kept by statuses and read by eval (config compareWith: last-success).
export { configOutcomeSchema, decisionRecordSchema } from './lib/decision-record.schema';
export type { ConfigOutcome, DecisionRecord, RecordedMergeGroup, RecordedStop } from './lib/decision-record.schema';
export { DecisionRecordStore } from './lib/decision-record-store';
export type { DecisionRecordStoreOptions, UnreadableRecord } from './lib/decision-record-store';
export { LastSuccessStore, lastSuccessSchema } from './lib/last-success-store';
export type { Advance, Ancestry, CommitRelation, LastSuccess, LastSuccessStoreOptions } from './lib/last-success-store';
export { BASE_WORDS, comparedBase } from './lib/compared-base';
export type { BaseKind, ComparedBase } from './lib/compared-base';
