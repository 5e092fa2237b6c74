import type { CompiledTrigger, Decision } from '@monorepo-triggers/config-schema';
import type { ComparedBase } from '@monorepo-triggers/decision-record';
import type { ChangeRule } from '@monorepo-triggers/eval-input';
import type { CompletedChanges } from './complete-changes';

/**
 * What deciding an event produces, whatever the event: each config's decision and the change list
 * they were made on. The deciders (decide-all, decide-pull-request-all, decide-merge-group-all) write
 * it; starting, the record and the summary read it.
 */

/** A config's trigger and what was decided for this event. */
export interface PlannedStart {
  key: string;
  trigger: CompiledTrigger;
  decision: Decision;
}

/** Every config's final decision, and the change list they were made on. */
export interface DecidedEvent {
  /** How the change list was found: the push's ChangeRule kind, `pull-request` or `merge-group` (what it adds to its base). */
  rule: ChangeRule['kind'] | 'pull-request' | 'merge-group';
  changes: CompletedChanges;
  decisions: PlannedStart[];
  /** For configs that count a branch push's changes from their last success: what they were counted from, by config key. */
  bases?: ReadonlyMap<string, ComparedBase>;
}
