// Test fixtures (imported by the spec files only).
import type { ConfigOutcome, DecisionRecord } from '@monorepo-triggers/decision-record';

/** A config's outcome, skipped by default. */
export function outcome(overrides: Partial<ConfigOutcome> = {}): ConfigOutcome {
  const pipeline = overrides.pipeline ?? 'orders';
  return {
    pipeline,
    key: `mono-repo/config/acme/platform/${pipeline}.json`,
    action: 'skipped',
    reason: 'no-path-matched',
    detail: 'no changed path matched includePaths',
    statusContext: `pipeline/${pipeline}`,
    reportSkipped: false,
    ...overrides,
  };
}

/** A push's record: an ordinary push to main of acme/platform. */
export function pushRecord(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    version: 1,
    deliveryId: 'delivery-1',
    repository: 'acme/platform',
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    commit: 'b'.repeat(40),
    time: '2026-11-26T10:00:00.000Z',
    changes: { rule: 'ordinary', source: 'payload', complete: true, paths: 2 },
    configs: [],
    invalidConfigs: [],
    ...overrides,
  };
}
