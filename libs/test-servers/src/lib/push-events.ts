import type { CompactPushEvent } from '@monorepo-triggers/eval-input';

/** A compact push event (what webhook hands to eval): an ordinary push to main of one commit, changing nothing unless told. */
export function compactPushEvent(overrides: Partial<CompactPushEvent> = {}): CompactPushEvent {
  return {
    type: 'push',
    version: 1,
    deliveryId: 'delivery-1',
    repository: 'acme/platform',
    defaultBranch: 'main',
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    created: false,
    deleted: false,
    forced: false,
    changedPaths: [],
    commitCount: 1,
    ...overrides,
  };
}
