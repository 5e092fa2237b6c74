import { createChangeSet } from '../src/decision/change-set';
import { compileTrigger } from '../src/decision/compiled-trigger';
import { decide } from '../src/decision/decide';
import { decideMergeGroup } from '../src/decision/decide-merge-group';
import { decidePullRequest } from '../src/decision/decide-pull-request';
import { readTriggerConfig } from '../src/schema/read-config';

/** The events a format's corpus is decided on (tests/format-<N>/events.json). */
export interface CorpusEvents {
  pushes: {
    name: string;
    repository: string;
    ref: string;
    deleted: boolean;
    created?: boolean;
    skipCi?: string;
    paths: string[];
    complete: boolean;
  }[];
  pullRequests: {
    name: string;
    repository: string;
    number: number;
    event: string;
    baseRef: string;
    draft: boolean;
    fromFork: boolean;
    skipCi?: string;
    paths: string[];
    complete: boolean;
  }[];
  /** From format 2 (merge queues); a format 1 corpus has none. */
  mergeGroups?: {
    name: string;
    repository: string;
    baseRef: string;
    headRef: string;
    paths: string[];
    complete: boolean;
  }[];
}

/** One config's decision on one event: whether it starts, and the decision's stable reason code. */
export interface CorpusDecision {
  pipeline: string;
  event: string;
  start: boolean;
  reason: string;
}

/**
 * What the reader of this release decides for each stored config on each event, read as eval reads
 * it (readTriggerConfig): the corpus is about what a stored config means, whoever wrote it.
 */
export function corpusDecisions(stored: readonly unknown[], events: CorpusEvents): CorpusDecision[] {
  return stored.flatMap((document) => {
    const read = readTriggerConfig(document);
    if (!read.ok) throw new Error(`a stored config of the corpus is refused: ${JSON.stringify(read.issues)}`);
    const trigger = compileTrigger(read.value);
    const pipeline = read.value.pipelineName;
    return [
      ...events.pushes.map((push) => {
        const decision = decide(trigger, push, createChangeSet(push.paths, push.complete));
        return { pipeline, event: `push: ${push.name}`, start: decision.start, reason: decision.reason };
      }),
      ...events.pullRequests.map((pull) => {
        const decision = decidePullRequest(trigger, pull, createChangeSet(pull.paths, pull.complete));
        return { pipeline, event: `pull request: ${pull.name}`, start: decision.start, reason: decision.reason };
      }),
      ...(events.mergeGroups ?? []).map((group) => {
        const decision = decideMergeGroup(trigger, group, createChangeSet(group.paths, group.complete));
        return { pipeline, event: `merge group: ${group.name}`, start: decision.start, reason: decision.reason };
      }),
    ];
  });
}
