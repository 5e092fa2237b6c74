import { createChangeSet, decide, type PushFacts, refName } from '@monorepo-triggers/config-schema';
import {
  BASE_WORDS,
  comparedBase,
  type Ancestry,
  type BaseKind,
  type ComparedBase,
  type LastSuccess,
} from '@monorepo-triggers/decision-record';
import type { CommitRelation, GithubApi } from '@monorepo-triggers/github-api';
import type { CompactPushEvent } from '@monorepo-triggers/eval-input';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import { completeChanges, type CompletedChanges } from './complete-changes';
import type { PlannedStart } from './decided-event';

/** eval's view of the last-success records (LastSuccessStore), and of git ancestry (CommitAncestry). */
export interface SinceLastSuccessDependencies {
  lastSuccess?: {
    get(repository: string, pipeline: string, branch: string): Promise<{ record?: LastSuccess; unreadable?: string }>;
    markStarted(
      mark: { repository: string; pipeline: string; branch: string; commit: string; baseline?: string },
      ancestry: Ancestry | undefined,
    ): Promise<{ marked: boolean; why?: string }>;
  };
  ancestry?: {
    /** How `newer` relates to `older`, and how many commits it is past it (CommitAncestry). */
    compareCommits(repository: string, older: string, newer: string): Promise<{ relation: CommitRelation; commitsSince?: number }>;
    relation(repository: string, older: string, newer: string): Promise<CommitRelation>;
    onBranch(repository: string, commit: string, branch: string): Promise<boolean>;
  };
  github: GithubApi | undefined;
  log: Logger;
}

/** Whether a config counts a branch push's changes from its last success (and this push is one it can). */
export const comparesWithLastSuccess = (plan: PlannedStart, event: CompactPushEvent) =>
  plan.trigger.config.compareWith === 'last-success' && event.ref.startsWith('refs/heads/') && !event.deleted;

/**
 * Decides again, on everything that changed since the pipeline's last success on the pushed branch,
 * each config that asks for it (`compareWith: last-success`) and that the push alone did not start
 * for want of a path: a failed, stopped or never-finished build starts again on the branch's next
 * push, whatever that push touched. Configs that share a recorded commit share one question to
 * GitHub. When there is no record, when its commit is no longer in the branch's history (a
 * force-push), or when it cannot be read, the push alone decides, as without the option, and the
 * decision says so. What GitHub cannot list completely is decided by the config's
 * onIncompleteChanges, with the push's paths beside what it did list.
 */
export async function decideSinceLastSuccess(
  event: CompactPushEvent,
  facts: PushFacts,
  decisions: readonly PlannedStart[],
  deps: SinceLastSuccessDependencies,
): Promise<Map<string, { plan: PlannedStart; base: ComparedBase }>> {
  const branch = refName(event.ref);
  const decided = new Map<string, { plan: PlannedStart; base: ComparedBase }>();
  const candidates = decisions.filter(
    (d) => comparesWithLastSuccess(d, event) && !d.decision.start && d.decision.reason === 'no-path-matched',
  );
  const since = new Map<string, Promise<Found>>();
  const alone = (note: string): Found => ({ base: { kind: 'push', note } });
  /** What changed between one base and the pushed commit (asked once per base), or why it cannot be used. */
  const changesFrom = (base: { commit: string; kind: BaseKind }): Promise<Found> => {
    const cacheKey = `${base.kind} ${base.commit}`;
    const known = since.get(cacheKey);
    if (known) return known;
    const found = (async (): Promise<Found> => {
      const short = base.commit.slice(0, 7);
      const what = BASE_WORDS[base.kind](branch);
      if (!deps.github || !deps.ancestry) return alone(`no GitHub credential: cannot compare with ${short}, ${what}; decided on the push`);
      let compared: { relation: CommitRelation; commitsSince?: number };
      try {
        compared = await deps.ancestry.compareCommits(event.repository, base.commit, event.after);
      } catch (error) {
        return alone(`GitHub could not say how ${short} (${what}) relates to the push: ${(error as Error).message}; decided on the push`);
      }
      if (compared.relation === 'same') return { changes: NO_CHANGES, base: comparedBase(base, 0, branch) };
      if (compared.relation !== 'descendant')
        return alone(`${short}, ${what}, is no longer in its history (a force-push): decided on the push`);
      const changes = await completeChanges(
        { repository: event.repository, before: base.commit, after: event.after, changedPaths: [] },
        { kind: 'listed', complete: false },
        deps.github,
      );
      return { changes, base: comparedBase(base, compared.commitsSince, branch) };
    })();
    since.set(cacheKey, found);
    return found;
  };
  /**
   * The changes since the commit an execution is building (while it runs, what came before it is
   * being built), else since the last success (or baseline).
   */
  const changesSince = async (record: LastSuccess): Promise<Found> => {
    if (record.started && record.started.commit !== record.commit) {
      const building = await changesFrom({ commit: record.started.commit, kind: 'started' });
      if (building.changes) return building;
    }
    return changesFrom({ commit: record.commit, kind: record.kind === 'baseline' ? 'baseline' : 'last-success' });
  };
  await Promise.all(
    candidates.map(async (plan) => {
      const pipeline = plan.trigger.config.pipelineName;
      let found: { changes?: CompletedChanges; base: ComparedBase };
      try {
        const read = await deps.lastSuccess?.get(event.repository, pipeline, branch);
        if (!deps.lastSuccess) found = alone('last-success records are not kept by this deployment: decided on the push');
        else if (read?.unreadable) found = alone(`its last-success record cannot be read (${read.unreadable}): decided on the push`);
        else if (!read?.record) found = alone(`no build of ${pipeline} on ${branch} recorded yet: decided on the push`);
        else found = await changesSince(read.record);
      } catch (error) {
        found = alone(
          `its last-success record could not be read: ${(error as Error).name}: ${(error as Error).message}; decided on the push`,
        );
      }
      if (!found.changes) {
        // The push's decision stands, and says why it is the push's alone.
        decided.set(plan.key, {
          plan: { ...plan, decision: { ...plan.decision, detail: `${plan.decision.detail} (${found.base.note})` } },
          base: found.base,
        });
        return;
      }
      // The push's own paths count too: they are changes since the base, whatever GitHub could list.
      const paths = [...new Set([...found.changes.paths, ...event.changedPaths])];
      const decision = decide(plan.trigger, facts, createChangeSet(paths, found.changes.complete));
      deps.log({
        msg: 'change-list',
        rule: 'since-last-success',
        pipeline,
        base: found.base.commit,
        complete: found.changes.complete,
        source: found.changes.source,
        paths: found.changes.paths.length,
        steps: found.changes.steps,
      });
      decided.set(plan.key, {
        plan: { ...plan, decision: { ...decision, detail: `${decision.detail}, ${found.base.note}` } },
        base: found.base,
      });
    }),
  );
  return decided;
}

type Found = { changes?: CompletedChanges; base: ComparedBase };

const NO_CHANGES: CompletedChanges = { paths: [], complete: true, source: 'compare', steps: [] };

/**
 * After the starts: marks each pipeline started for a branch push (compareWith: last-success) as
 * building the pushed commit, so the next pushes count from there while it runs, and the statuses
 * function ends the mark when it fails. Where no record is yet, the branch's commit before the push
 * becomes the base (a baseline), so a first build that fails is started again by the next push. No
 * baseline for a new branch (no commit before it) or a forced push (its `before` left the branch).
 * Never throws: it only informs a later decision, and says why it could not.
 */
export async function markStarts(
  event: CompactPushEvent,
  started: readonly PlannedStart[],
  deps: Pick<SinceLastSuccessDependencies, 'lastSuccess' | 'ancestry' | 'log'>,
): Promise<void> {
  const store = deps.lastSuccess;
  if (!store) return;
  const branch = refName(event.ref);
  const baseline = event.created || event.forced || /^0+$/.test(event.before) ? undefined : event.before;
  await Promise.all(
    started
      .filter((plan) => comparesWithLastSuccess(plan, event))
      .map(async ({ trigger }) => {
        const pipeline = trigger.config.pipelineName;
        try {
          const marked = await store.markStarted(
            { repository: event.repository, pipeline, branch, commit: event.after, ...(baseline ? { baseline } : {}) },
            deps.ancestry,
          );
          deps.log({ msg: 'build-marked', pipeline, branch, commit: event.after, ...marked });
        } catch (error) {
          deps.log({
            msg: 'build-mark-failed',
            level: 'warn',
            pipeline,
            branch,
            error: `${(error as Error).name}: ${(error as Error).message}`,
          });
        }
      }),
  );
}
