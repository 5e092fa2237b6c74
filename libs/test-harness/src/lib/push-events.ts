import type { CompactPushEvent } from '@monorepo-triggers/eval-input';
import { ORDINARY_PUSH } from '@monorepo-triggers/local-github';

/** A compact push event (what webhook hands to eval): an ordinary push to main of one commit, changing nothing unless told. */
export function compactPushEvent(overrides: Partial<CompactPushEvent> = {}): CompactPushEvent {
  return {
    type: 'push',
    version: 1,
    deliveryId: 'delivery-1',
    repository: 'acme/platform',
    defaultBranch: 'main',
    ...ORDINARY_PUSH,
    changedPaths: [],
    commitCount: 1,
    ...overrides,
  };
}
