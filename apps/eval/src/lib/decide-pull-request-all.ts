import { awaitsFullChangeList, createChangeSet, decidePullRequest, type CompiledTrigger } from '@monorepo-triggers/config-schema';
import { commitMessage, pullRequestFiles, type GithubApi } from '@monorepo-triggers/github-api';
import { pullRequestFacts, skipCiMarker, type CompactPullRequestEvent } from '@monorepo-triggers/eval-input';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import { addedToBase, type CompletedChanges, type CompletionStep } from './complete-changes';
import type { DecidedEvent, PlannedStart } from './decided-event';

/** A merge builds its merge commit: its head commit's message is not read. */
const NO_MESSAGE: { message?: string; error?: string } = {};

/**
 * What the pull request adds to its base at the delivered head commit, whatever has happened to it
 * since: GitHub's compare of the delivery's `base.sha...head.sha` (from their merge base, as GitHub's
 * "Files changed" counts), past the compare API's 300 files by the diff of the merge base's and the
 * head's trees, exactly as for a new branch. Never the pull request's files as they are when eval
 * asks: a force-push in between would decide on one commit and build another. A merge asks for the
 * merged pull request's files, which can no longer change.
 */
async function pullRequestChanges(event: CompactPullRequestEvent, github: GithubApi | undefined): Promise<CompletedChanges> {
  if (event.event === 'merged') {
    const files = github
      ? await pullRequestFiles(github, event.repository, event.number)
      : { paths: [], complete: false, reason: "no GitHub credential: cannot ask GitHub for the pull request's files" };
    const detail = files.reason ?? `${files.paths.length} paths in pull request #${event.number}`;
    return {
      paths: files.paths,
      complete: files.complete,
      source: 'pull-request-files',
      steps: [{ step: 'pull-request-files', outcome: files.complete ? 'complete' : 'incomplete', detail }],
    };
  }
  return addedToBase({ repository: event.repository, base: event.baseSha, head: event.headSha }, github, 'the pull request');
}

/**
 * Decides every config for a pull request event. The delivery names no file and carries no commit
 * message, so each config is first decided on the facts it does carry (event, base branch, draft,
 * fork); only when some config gets as far as the files does eval ask GitHub what the delivered head
 * commit adds to its base (pullRequestChanges) and that commit's message, together, and decide those
 * configs again on them. Without a credential the list is incomplete and each config's
 * onIncompleteChanges decides; an unreadable commit message counts as no `[skip ci]`.
 */
export async function decidePullRequestAll(
  event: CompactPullRequestEvent,
  triggers: readonly { key: string; trigger: CompiledTrigger }[],
  deps: { github: GithubApi | undefined; log: Logger },
  startNow: (batch: PlannedStart[]) => void,
): Promise<DecidedEvent> {
  const facts = pullRequestFacts(event);
  const unknownFiles = createChangeSet([], false);
  let decisions: PlannedStart[] = triggers.map(({ key, trigger }) => ({
    key,
    trigger,
    decision: decidePullRequest(trigger, facts, unknownFiles),
  }));
  let changes: CompletedChanges = { paths: [], complete: false, source: 'pull-request-files', steps: [] };
  const undecided = (d: PlannedStart) => awaitsFullChangeList(d.decision);

  if (decisions.some(undecided)) {
    const [found, head] = await Promise.all([
      pullRequestChanges(event, deps.github),
      event.event === 'merged' ? NO_MESSAGE : commitMessage(deps.github, event.repository, event.headSha),
    ]);
    const skipCi = head.message !== undefined ? skipCiMarker(head.message) : undefined;
    const steps: CompletionStep[] = [...found.steps];
    if (head.error) steps.push({ step: 'head-commit', outcome: 'failed', detail: `${head.error}; taken as no [skip ci]` });
    changes = { ...found, steps };
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
    const withMessage = pullRequestFacts(event, skipCi);
    const changeSet = createChangeSet(changes.paths, changes.complete);
    decisions = decisions.map((d) => (undecided(d) ? { ...d, decision: decidePullRequest(d.trigger, withMessage, changeSet) } : d));
  }
  startNow(decisions.filter((d) => d.decision.start));
  return { rule: 'pull-request', changes, decisions };
}
