import {
  awaitsFullChangeList,
  createChangeSet,
  decidePullRequest,
  type CompiledTrigger,
  type PullRequestFacts,
} from '@monorepo-triggers/config-schema';
import { commitMessage, pullRequestFiles, type GithubApi } from '@monorepo-triggers/github-api';
import { skipCiMarker } from '@monorepo-triggers/push-event';
import type { CompactPullRequestEvent } from '@monorepo-triggers/handover';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import type { CompletedChanges, CompletionStep } from './complete-changes';
import type { DecidedEvent, PlannedStart } from './decide-all';

/** A merge builds its merge commit: its head commit's message is not read. */
const NO_MESSAGE: { message?: string; error?: string } = {};

/**
 * Decides every config for a pull request event. The delivery names no file and carries no commit
 * message, so each config is first decided on the facts it does carry (event, base branch, draft,
 * fork); only when some config gets as far as the files does eval ask GitHub for the pull request's
 * files and its head commit's message, together, and decide those configs again on them. Without a
 * credential, or past GitHub's 3,000 files, the list is incomplete and each config's
 * onIncompleteChanges decides; an unreadable commit message counts as no `[skip ci]`.
 */
export async function decidePullRequestAll(
  event: CompactPullRequestEvent,
  triggers: readonly { key: string; trigger: CompiledTrigger }[],
  deps: { github: GithubApi | undefined; log: Logger },
  startNow: (batch: PlannedStart[]) => void,
): Promise<DecidedEvent> {
  const facts: PullRequestFacts = {
    repository: event.repository,
    number: event.number,
    event: event.event,
    baseRef: event.baseRef,
    draft: event.draft,
    fromFork: event.fromFork,
  };
  const unknownFiles = createChangeSet([], false);
  let decisions: PlannedStart[] = triggers.map(({ key, trigger }) => ({
    key,
    trigger,
    decision: decidePullRequest(trigger, facts, unknownFiles),
  }));
  let changes: CompletedChanges = { paths: [], complete: false, source: 'pull-request-files', steps: [] };
  const undecided = (d: PlannedStart) => awaitsFullChangeList(d.decision);

  if (decisions.some(undecided)) {
    const steps: CompletionStep[] = [];
    const [files, head] = await Promise.all([
      deps.github
        ? pullRequestFiles(deps.github, event.repository, event.number)
        : { paths: [], complete: false, reason: "no GitHub credential: cannot ask GitHub for the pull request's files" },
      event.event === 'merged' ? NO_MESSAGE : commitMessage(deps.github, event.repository, event.headSha),
    ]);
    const skipCi = head.message !== undefined ? skipCiMarker(head.message) : undefined;
    steps.push({
      step: 'pull-request-files',
      outcome: files.complete ? 'complete' : 'incomplete',
      detail: files.reason ?? `${files.paths.length} paths in pull request #${event.number}`,
    });
    if (head.error) steps.push({ step: 'head-commit', outcome: 'failed', detail: `${head.error}; taken as no [skip ci]` });
    changes = { paths: files.paths, complete: files.complete, source: 'pull-request-files', steps };
    deps.log({
      msg: 'change-list',
      rule: 'pull-request',
      pullRequest: event.number,
      complete: changes.complete,
      source: changes.source,
      paths: changes.paths.length,
      steps,
      ...(skipCi ? { skipCi } : {}),
      ...(changes.complete ? {} : { fallback: "GitHub could not give the full list of files: each config's onIncompleteChanges decides" }),
    });
    const withMessage: PullRequestFacts = { ...facts, ...(skipCi ? { skipCi } : {}) };
    const changeSet = createChangeSet(changes.paths, changes.complete);
    decisions = decisions.map((d) => (undecided(d) ? { ...d, decision: decidePullRequest(d.trigger, withMessage, changeSet) } : d));
  }
  startNow(decisions.filter((d) => d.decision.start));
  return { rule: 'pull-request', changes, decisions };
}
