import { awaitsFullChangeList, createChangeSet, decide, type CompiledTrigger } from '@monorepo-triggers/config-schema';
import type { CompactPushEvent } from '@monorepo-triggers/eval-input';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import {
  changeRule,
  createsBranch,
  describeChangeRule,
  payloadIsComplete,
  payloadPathsAreChanges,
  pushFacts,
} from '@monorepo-triggers/eval-input';
import { completeChanges, type CompletedChanges } from './complete-changes';
import type { DecidedEvent, PlannedStart } from './decided-event';
import type { GithubApi } from '@monorepo-triggers/github-api';
import { decideSinceLastSuccess, type SinceLastSuccessDependencies } from './since-last-success';

/**
 * Decides every config in two phases. First with what is certain: the payload's paths when they are
 * what the push changed (an ordinary push), nothing otherwise (a forced push lists rewritten copies
 * of commits, a new branch only some of its commits). Configs that start on certain paths are handed
 * to `startNow` at once; those whose decision depends on the rest wait for GitHub, asked meanwhile,
 * so a slow GitHub never delays a certain start. Configs that count a branch push's changes from their
 * last success and that the push alone did not start are decided last, on those changes
 * (decideSinceLastSuccess). `startNow` is called once per phase.
 */
export async function decideAll(
  event: CompactPushEvent,
  triggers: readonly { key: string; trigger: CompiledTrigger }[],
  deps: { github: GithubApi | undefined; log: Logger } & Partial<Pick<SinceLastSuccessDependencies, 'lastSuccess' | 'ancestry'>>,
  startNow: (batch: PlannedStart[]) => void,
): Promise<DecidedEvent> {
  const rule = changeRule(event);
  const facts = pushFacts(event, createsBranch(rule));
  const undecided = (d: PlannedStart) => awaitsFullChangeList(d.decision);

  const certainPaths = payloadPathsAreChanges(rule) ? event.changedPaths : [];
  const certainSet = createChangeSet(certainPaths, payloadIsComplete(rule));
  let decisions: PlannedStart[] = triggers.map(({ key, trigger }) => ({ key, trigger, decision: decide(trigger, facts, certainSet) }));
  const certain = decisions.filter((d) => d.decision.start && !undecided(d));
  startNow(certain);

  let changes: CompletedChanges = { paths: certainPaths, complete: certainSet.complete, source: 'payload', steps: [] };
  if (decisions.some(undecided)) {
    const completed = await completeChanges(event, rule, deps.github);
    // When GitHub could not tell, the payload's paths are all there is: each config decides on them
    // with its onIncompleteChanges policy.
    changes = completed.complete
      ? completed
      : { ...completed, paths: [...new Set([...completed.paths, ...event.changedPaths])].sort(), complete: false };
    deps.log({
      msg: 'change-list',
      rule: rule.kind,
      ruleDetail: describeChangeRule(rule),
      incompleteReasons: event.incompleteReasons,
      complete: changes.complete,
      source: changes.source,
      paths: changes.paths.length,
      steps: changes.steps,
      ...(changes.complete
        ? {}
        : { fallback: "GitHub could not give the full change list: the payload's paths and each config's onIncompleteChanges decide" }),
    });
    const changeSet = createChangeSet(changes.paths, changes.complete);
    decisions = decisions.map((d) => (undecided(d) ? { ...d, decision: decide(d.trigger, facts, changeSet) } : d));
    const alreadyStarted = new Set(certain.map((c) => c.key));
    startNow(decisions.filter((d) => d.decision.start && !alreadyStarted.has(d.key)));
  }
  // Last, and only for configs the push alone does not start: what changed since each one's last success.
  const since = await decideSinceLastSuccess(event, facts, decisions, { ...deps, github: deps.github, log: deps.log });
  if (since.size === 0) return { rule: rule.kind, changes, decisions };
  decisions = decisions.map((d) => since.get(d.key)?.plan ?? d);
  startNow([...since.values()].map((s) => s.plan).filter((p) => p.decision.start));
  return { rule: rule.kind, changes, decisions, bases: new Map([...since].map(([key, s]) => [key, s.base])) };
}
