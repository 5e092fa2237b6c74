import { isCommitSha } from '@monorepo-triggers/lambda-runtime';
import { type CompiledTrigger, createChangeSet, decide, type Decision, type PushFacts, refName } from '@monorepo-triggers/config-schema';
import { BASE_WORDS, comparedBase, type BaseKind, type ComparedBase, type LastSuccess } from '@monorepo-triggers/decision-record';
import { execFileSync } from 'node:child_process';
import { gitChangedPaths, gitFindCommit, gitIsAncestor, isGitClone } from './git-changes';

// `explain` for a branch push, as eval decides it for configs with compareWith: last-success, but from
// a clone: git says whether the recorded commit is in the pushed commit's history, and what changed
// since. The sentences are eval's (comparedBase in @monorepo-triggers/decision-record), so explain and the
// decision record read the same.

/** The records explain reads (a LastSuccessStore), or why there are none. */
export type LastSuccessRecords =
  { get(repository: string, pipeline: string, branch: string): Promise<{ record?: LastSuccess; unreadable?: string }> } | { none: string };

/** The push as explain sees it: enough to decide each config again. */
export interface ExplainedPush {
  facts: PushFacts;
  /** The paths the push changed (the push alone's decision was made on them). */
  paths: readonly string[];
  /** The pushed commit, when known (undefined: a payload without one). */
  head?: string;
  /** The clone git is asked in. */
  clone: string;
}

/** One config's decision, and the compiled trigger it was made with. */
export interface ConfigDecision {
  key: string;
  pipeline: string;
  trigger: CompiledTrigger;
  decision: Decision;
}

/** A full commit SHA, as eval and statuses record one. */

/** Whether explain decides this config again on what changed since its last success: eval's rule. */
export const comparesWithLastSuccess = (d: ConfigDecision, push: ExplainedPush) =>
  d.trigger.config.compareWith === 'last-success' &&
  push.facts.ref.startsWith('refs/heads/') &&
  !push.facts.deleted &&
  !d.decision.start &&
  d.decision.reason === 'no-path-matched';

/** How many commits `head` is past `base` in the clone, or undefined when git cannot say. */
function commitsBetween(base: string, head: string, clone: string): number | undefined {
  try {
    const count = Number(execFileSync('git', ['rev-list', '--count', `${base}..${head}`], { cwd: clone, encoding: 'utf8', stdio: 'pipe' }));
    return Number.isInteger(count) ? count : undefined;
  } catch {
    return undefined;
  }
}

type Found = { paths?: string[]; base: ComparedBase };
const alone = (note: string): Found => ({ base: { kind: 'push', note } });

/** What changed between a base and the pushed commit, from the clone; or, when the clone cannot say, why the push alone decides. */
function changesFrom(base: { commit: string; kind: BaseKind }, push: ExplainedPush, branch: string): Found {
  const short = base.commit.slice(0, 7);
  const what = BASE_WORDS[base.kind](branch);
  const { clone, head } = push;
  // Never handed to git as it is: a value that is no SHA could read as one of its options.
  if (!isCommitSha(base.commit)) return alone(`its last-success record cannot be read (it names no commit SHA): decided on the push`);
  if (!head) return alone(`the push names no commit to count the changes since ${short}, ${what}, up to: decided on the push`);
  if (!isGitClone(clone))
    return alone(
      `no clone in ${clone} to count the changes since ${short}, ${what} (run explain in one, or pass --cwd CLONE): decided on the push`,
    );
  const ancestor = gitIsAncestor(base.commit, head, clone);
  if (ancestor === false) return alone(`${short}, ${what}, is no longer in its history (a force-push): decided on the push`);
  if (ancestor === undefined)
    return alone(
      gitFindCommit(head, clone)
        ? `${short}, ${what}, is not in the clone in ${clone} (git fetch it; or a force-push removed it): decided on the push`
        : `the pushed commit ${head.slice(0, 7)} is not in the clone in ${clone}: cannot count the changes since ${short}, ${what}; decided on the push`,
    );
  const paths = base.commit === head ? [] : gitChangedPaths(`${base.commit}..${head}`, clone);
  return { paths, base: comparedBase(base, commitsBetween(base.commit, head, clone), branch) };
}

/**
 * As eval: the changes since the commit an execution is building (while it runs, what came before it
 * is being built), else since the last success (or baseline).
 */
function changesSince(record: LastSuccess, push: ExplainedPush, branch: string): Found {
  if (record.started && record.started.commit !== record.commit) {
    const building = changesFrom({ commit: record.started.commit, kind: 'started' }, push, branch);
    if (building.paths) return building;
  }
  return changesFrom({ commit: record.commit, kind: record.kind === 'baseline' ? 'baseline' : 'last-success' }, push, branch);
}

/**
 * Decides again, as eval does, each config that counts a branch push's changes from its last success
 * and that the push alone did not start for want of a path: on what changed since its recorded commit
 * (git diff, in the clone) and the push's own paths, when that commit is in the pushed commit's
 * history. Otherwise the push's decision stands, and its detail says why (no record, a force-push,
 * no records to read). Returns the decisions (the others as they were) and each such config's base.
 */
export async function decideSinceLastSuccess(
  decisions: readonly ConfigDecision[],
  push: ExplainedPush,
  records: LastSuccessRecords,
): Promise<{ decisions: ConfigDecision[]; bases: Map<string, ComparedBase> }> {
  const branch = refName(push.facts.ref);
  const bases = new Map<string, ComparedBase>();
  const decided = await Promise.all(
    decisions.map(async (d): Promise<ConfigDecision> => {
      if (!comparesWithLastSuccess(d, push)) return d;
      let found: Found;
      if ('none' in records) found = alone(`${records.none}: decided on the push`);
      else {
        try {
          const read = await records.get(push.facts.repository, d.pipeline, branch);
          if (read.unreadable) found = alone(`its last-success record cannot be read (${read.unreadable}): decided on the push`);
          else if (!read.record) found = alone(`no build of ${d.pipeline} on ${branch} recorded yet: decided on the push`);
          else found = changesSince(read.record, push, branch);
        } catch (error) {
          found = alone(
            `its last-success record could not be read: ${(error as Error).name}: ${(error as Error).message}; decided on the push`,
          );
        }
      }
      bases.set(d.key, found.base);
      if (!found.paths) return { ...d, decision: { ...d.decision, detail: `${d.decision.detail} (${found.base.note})` } };
      // The push's own paths count too, as in eval.
      const paths = [...new Set([...found.paths, ...push.paths])];
      const decision = decide(d.trigger, push.facts, createChangeSet(paths, true));
      return { ...d, decision: { ...decision, detail: `${decision.detail}, ${found.base.note}` } };
    }),
  );
  return { decisions: decided, bases };
}
