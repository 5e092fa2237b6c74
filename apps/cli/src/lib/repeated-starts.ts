import type { DecisionRecord } from '@monorepo-triggers/decision-record';

/** The delivery whose start created an execution that a later start of the same commit got back. */
export interface EarlierStart {
  deliveryId: string;
  time: string;
}

/**
 * Each execution id of `records` with the record that started it first (by time). eval's starts are
 * idempotent (one clientRequestToken per repository, ref, commit and pipeline): a redelivery, or the
 * same push sent again, gets the execution of the first start back and records it as started. Only
 * the first record of an execution id started it; the others ran nothing new.
 */
export function firstStarts(records: readonly DecisionRecord[]): Map<string, DecisionRecord> {
  const first = new Map<string, DecisionRecord>();
  for (const record of [...records].sort((a, b) => a.time.localeCompare(b.time)))
    for (const c of record.configs)
      if (c.action === 'started' && c.executionId && !first.has(c.executionId)) first.set(c.executionId, record);
  return first;
}

/** The earlier start `executionId` repeats in `record`, if another (earlier) record of `first` started it. */
export function earlierStart(
  first: Map<string, DecisionRecord>,
  record: DecisionRecord,
  executionId: string | undefined,
): EarlierStart | undefined {
  const by = executionId ? first.get(executionId) : undefined;
  return by && by !== record ? { deliveryId: by.deliveryId, time: by.time } : undefined;
}
