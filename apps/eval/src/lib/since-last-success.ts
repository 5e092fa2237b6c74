import { createChangeSet, decide, type PushFacts } from '@monorepo-triggers/config-schema';
import type { Advance, Ancestry, LastSuccess } from '@monorepo-triggers/decision-record';
import type { CommitRelation, GithubApi } from '@monorepo-triggers/github-api';
import type { CompactPushEvent } from '@monorepo-triggers/handover';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import { completeChanges, type CompletedChanges } from './complete-changes';
import type { PlannedStart } from './decide-all';

/** Where a config's changes were counted from, for the decision's log line and record. */
export interface ComparedBase {
  /** last-success or baseline: the recorded commit; push: the push alone (no usable record, and why). */
  kind: 'last-success' | 'baseline' | 'push';
  commit?: string;
  /** How many commits the pushed commit is past it (GitHub's compare), when known. */
  commitsSince?: number;
  /** One sentence for people: what was compared, or why the push alone decided. */
  note: string;
}

/** eval's view of the last-success records (LastSuccessStore), and of git ancestry (CommitAncestry). */
export interface SinceLastSuccessDependencies {
  lastSuccess?: {
    get(repository: string, pipeline: string, branch: string): Promise<{ record?: LastSuccess; unreadable?: string }>;
    advance(candidate: Omit<LastSuccess, 'version' | 'time'>, ancestry: Ancestry): Promise<Advance>;
  };
  ancestry?: {
    relation(repository: string, older: string, newer: string): Promise<CommitRelation>;
    commitsBetween?(repository: string, older: string, newer: string): Promise<number | undefined>;
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
  const branch = event.ref.replace(/^refs\/heads\//, '');
  const decided = new Map<string, { plan: PlannedStart; base: ComparedBase }>();
  const candidates = decisions.filter(
    (d) => comparesWithLastSuccess(d, event) && !d.decision.start && d.decision.reason === 'no-path-matched',
  );
  const since = new Map<string, Promise<{ changes?: CompletedChanges; base: ComparedBase }>>();
  const alone = (note: string): { base: ComparedBase } => ({ base: { kind: 'push', note } });
  const changesSince = (record: LastSuccess) => {
    const known = since.get(record.commit);
    if (known) return known;
    const found = (async (): Promise<{ changes?: CompletedChanges; base: ComparedBase }> => {
      const what = record.kind === 'baseline' ? 'the baseline before its first build' : 'its last success';
      const short = record.commit.slice(0, 7);
      if (!deps.github || !deps.ancestry) return alone(`no GitHub credential: cannot compare with ${short}, ${what}; decided on the push`);
      let relation: CommitRelation;
      try {
        relation = await deps.ancestry.relation(event.repository, record.commit, event.after);
      } catch (error) {
        return alone(`GitHub could not say how ${short} (${what}) relates to the push: ${(error as Error).message}; decided on the push`);
      }
      if (relation === 'same')
        return { changes: { paths: [], complete: true, source: 'compare', steps: [] }, base: baseOf(record, 0, branch) };
      if (relation !== 'descendant')
        return alone(`${short}, ${what} on ${branch}, is no longer in its history (a force-push): decided on the push`);
      const changes = await completeChanges(
        { repository: event.repository, before: record.commit, after: event.after, changedPaths: [] },
        { kind: 'listed', complete: false },
        deps.github,
      );
      const commits = await deps.ancestry.commitsBetween?.(event.repository, record.commit, event.after).catch(() => undefined);
      return { changes, base: baseOf(record, commits, branch) };
    })();
    since.set(record.commit, found);
    return found;
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

function baseOf(record: LastSuccess, commitsSince: number | undefined, branch: string): ComparedBase {
  const short = record.commit.slice(0, 7);
  const ago =
    commitsSince === undefined
      ? ''
      : commitsSince === 0
        ? ', the pushed commit itself'
        : `, ${commitsSince} commit${commitsSince === 1 ? '' : 's'} ago`;
  const kind = record.kind === 'baseline' ? 'baseline' : 'last-success';
  const what = kind === 'baseline' ? `the baseline before its first build on ${branch}` : `this pipeline's last success on ${branch}`;
  return {
    kind,
    commit: record.commit,
    ...(commitsSince !== undefined ? { commitsSince } : {}),
    note: `changes since ${short}, ${what}${ago}`,
  };
}

/**
 * Before any build of a pipeline on a branch has succeeded, the commit the branch was at before the
 * first push eval started it for: what the next push counts its changes from, so a first build that
 * fails is started again by the branch's next push, whatever it touched. Written only where no record
 * is (a success always wins); never for a new branch (no commit before it) or a forced push (its
 * `before` left the branch). Never throws: it only helps a later decision, and says why it could not.
 */
export async function seedBaselines(
  event: CompactPushEvent,
  started: readonly PlannedStart[],
  deps: Pick<SinceLastSuccessDependencies, 'lastSuccess' | 'log'>,
): Promise<void> {
  const store = deps.lastSuccess;
  if (!store || event.created || event.forced || /^0+$/.test(event.before)) return;
  const branch = event.ref.replace(/^refs\/heads\//, '');
  // A baseline is only ever written where no record is: how commits relate is never asked.
  const unasked: Ancestry = {
    relation: () => Promise.reject(new Error('not asked for a baseline')),
    onBranch: () => Promise.reject(new Error('not asked for a baseline')),
  };
  await Promise.all(
    started
      .filter((plan) => comparesWithLastSuccess(plan, event))
      .map(async ({ trigger }) => {
        const pipeline = trigger.config.pipelineName;
        try {
          const advanced = await store.advance(
            { repository: event.repository, pipeline, branch, commit: event.before, kind: 'baseline' },
            unasked,
          );
          if (advanced.moved) deps.log({ msg: 'baseline-recorded', pipeline, branch, commit: event.before });
        } catch (error) {
          deps.log({
            msg: 'baseline-failed',
            level: 'warn',
            pipeline,
            branch,
            error: `${(error as Error).name}: ${(error as Error).message}`,
          });
        }
      }),
  );
}
