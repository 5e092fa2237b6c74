import type { CompactPushEvent } from '@monorepo-triggers/push-event';

/** How an event reached eval. */
export interface DispatchResult {
  mode: 'invoke' | 'claim-check';
  bytes: number;
  key?: string;
}

/** Hands a push event to eval. Rejects when eval did not accept it, so the webhook answers 5xx. */
export interface Dispatcher {
  dispatch(event: CompactPushEvent): Promise<DispatchResult>;
}
