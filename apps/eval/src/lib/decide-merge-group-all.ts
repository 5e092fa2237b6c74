import { awaitsFullChangeList, createChangeSet, decideMergeGroup, type CompiledTrigger } from '@monorepo-triggers/config-schema';
import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import type { GithubApi } from '@monorepo-triggers/github-api';
import { mergeGroupFacts, type CompactMergeGroupEvent } from '@monorepo-triggers/eval-input';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import { addedToBase, type CompletedChanges } from './complete-changes';
import type { DecidedEvent, PlannedStart } from './decided-event';

/**
 * What a merge group adds to the branch it merges into: GitHub's compare of its base and head commits
 * (`base_sha...head_sha`), past the compare API's 300 files by the diff of the two trees, exactly as
 * for a new branch. Both commits are named by the delivery and never move: the decision is about the
 * commit that is built.
 */
async function mergeGroupChanges(event: CompactMergeGroupEvent, github: GithubApi | undefined): Promise<CompletedChanges> {
  return addedToBase({ repository: event.repository, base: event.baseSha, head: event.headSha }, github, 'the merge group');
}

const awaitsFiles = (d: PlannedStart) => awaitsFullChangeList(d.decision);

/** The decision records of a commit (DecisionRecordStore). */
export interface GroupRecords {
  forCommit?(repository: string, commit: string): Promise<{ records: DecisionRecord[] }>;
}

/** Why the group is gone, when a record says GitHub destroyed it as dequeued or invalidated. */
async function destroyedAlready(event: CompactMergeGroupEvent, records: GroupRecords | undefined): Promise<string | undefined> {
  if (!records?.forCommit) return undefined;
  const found = (await records.forCommit(event.repository, event.headSha)).records.find(
    (r) =>
      r.mergeGroup?.action === 'destroyed' &&
      r.mergeGroup.headRef === event.headRef &&
      (r.mergeGroup.reason === 'dequeued' || r.mergeGroup.reason === 'invalidated'),
  );
  return found
    ? `GitHub destroyed this merge group (${found.mergeGroup?.reason}, delivery ${found.deliveryId}) before its checks were decided`
    : undefined;
}

/**
 * Decides every config for a merge group whose checks GitHub requests. The delivery names no file,
 * so each config is first decided on what it does carry (the branch it merges into); only when some
 * config gets as far as the files does eval ask GitHub what the group adds to its base, and decide
 * those configs again on them. Without a credential the list is incomplete and each config's
 * onIncompleteChanges decides.
 */
export async function decideMergeGroupAll(
  event: CompactMergeGroupEvent,
  triggers: readonly { key: string; trigger: CompiledTrigger }[],
  deps: { github: GithubApi | undefined; log: Logger; records?: GroupRecords },
  startNow: (batch: PlannedStart[]) => void,
): Promise<DecidedEvent> {
  const facts = mergeGroupFacts(event);
  const unknownFiles = createChangeSet([], false);
  let decisions: PlannedStart[] = triggers.map(({ key, trigger }) => ({
    key,
    trigger,
    decision: decideMergeGroup(trigger, facts, unknownFiles),
  }));
  const gone = decisions.some(awaitsFiles) ? await destroyedAlready(event, deps.records) : undefined;
  if (gone) {
    // GitHub's deliveries arrive in any order, and a dead letter is replayed late: a group that left
    // the queue before its checks were decided is not built.
    const decision = { start: false, reason: 'mq-group-destroyed' as const, detail: gone };
    decisions = decisions.map((d) => (awaitsFiles(d) ? { ...d, decision } : d));
    return { rule: 'merge-group', changes: { paths: [], complete: false, source: 'compare', steps: [] }, decisions };
  }
  let changes: CompletedChanges = { paths: [], complete: false, source: 'compare', steps: [] };
  const undecided = awaitsFiles;
  if (decisions.some(undecided)) {
    changes = await mergeGroupChanges(event, deps.github);
    deps.log({
      msg: 'change-list',
      rule: 'merge-group',
      complete: changes.complete,
      source: changes.source,
      paths: changes.paths.length,
      steps: changes.steps,
      ...(changes.complete ? {} : { fallback: "GitHub could not give the full list of files: each config's onIncompleteChanges decides" }),
    });
    const changeSet = createChangeSet(changes.paths, changes.complete);
    decisions = decisions.map((d) => (undecided(d) ? { ...d, decision: decideMergeGroup(d.trigger, facts, changeSet) } : d));
  }
  startNow(decisions.filter((d) => d.decision.start));
  return { rule: 'merge-group', changes, decisions };
}
