import { branchRef, refName } from '@monorepo-triggers/config-schema';
import type { CompactPullRequestEvent, PullRequestEvent } from '@monorepo-triggers/eval-input';
import { commitMessage, GithubClient, pullRequestFiles, repoPath, TokenAuth, type GithubApi } from '@monorepo-triggers/github-api';
import { formatZodIssues } from '@monorepo-triggers/lambda-runtime';
import { githubPullRequestSchema, toCompactPullRequestEvent } from '@monorepo-triggers/github-events';
import { skipCiMarker } from '@monorepo-triggers/eval-input';
import { gitChangedPaths, gitCommit, gitCommitMessage, parsePullRequestRange } from './git-changes';
import { readLocalStack } from './local-state';
import { UserError, visible } from './output';

/** A merge builds its merge commit: its head commit's message is not read. */
const NO_MESSAGE: { message?: string; error?: string } = {};

/** A pull request event to explain, with what GitHub says it changes. */
export interface PullRequestUnderTest {
  event: CompactPullRequestEvent;
  paths: string[];
  complete: boolean;
  /** Why the list of files is not complete. */
  incompleteReason?: string;
  skipCi?: string;
  /** Where its files came from. */
  source: string;
  /** How to name it: `pull request #7`, or what a local range would be. */
  title: string;
}

/**
 * A pull request from HEAD into BASE of a local clone, before it is opened: its files are
 * `git diff BASE...HEAD` (from the merge base, exactly what GitHub lists for a pull request), its head
 * commit's message says whether it is `[skip ci]`. It targets `targetBranch`, or BASE as a branch (`origin/` dropped).
 */
export function pullRequestFromGit(
  range: string,
  cwd: string,
  repository: string,
  targetBranch: string | undefined,
  event: PullRequestEvent,
): PullRequestUnderTest {
  const { base, head } = parsePullRequestRange(range, 'a pull request is BASE...HEAD (three dots: from the merge base)');
  const baseBranch = targetBranch ?? base.replace(/^origin\//, '');
  const skipCi = event === 'merged' ? undefined : skipCiMarker(gitCommitMessage(range, cwd));
  return {
    event: {
      type: 'pull_request',
      version: 1,
      deliveryId: 'explain',
      repository,
      number: 1,
      event,
      draft: false,
      baseRef: branchRef(refName(baseBranch)),
      baseSha: gitCommit(base, cwd),
      headRef: `refs/heads/${head}`,
      headSha: gitCommit(head, cwd),
      headRepository: repository,
      fromFork: false,
    },
    paths: gitChangedPaths(range, cwd),
    complete: true,
    ...(skipCi ? { skipCi } : {}),
    source: `git diff ${range}, what GitHub lists for a pull request from ${head} into ${baseBranch}`,
    title: `a pull request from ${head}`,
  };
}

/**
 * The GitHub API explain asks: --github-url, else GITHUB_API_URL, else the running local stack's
 * stand-in, else api.github.com; with GITHUB_TOKEN when it is set (public repositories need none).
 */
export function githubForExplain(url: string | undefined): { github: GithubApi; url: string } {
  const apiUrl = url ?? process.env['GITHUB_API_URL'] ?? readLocalStack()?.githubUrl ?? 'https://api.github.com';
  return { github: new GithubClient(apiUrl, new TokenAuth(process.env['GITHUB_TOKEN'] ?? '')), url: apiUrl };
}

/** Reads a pull request as GitHub describes it now, as the delivery of `event` would carry it. */
export async function pullRequestFromGithub(
  repository: string,
  number: number,
  event: PullRequestEvent,
  api: { github: GithubApi; url: string },
): Promise<PullRequestUnderTest> {
  let answer: unknown;
  try {
    answer = (await api.github.get(`${repoPath(repository)}/pulls/${number}`, repository)).body;
  } catch (error) {
    throw new UserError(
      `cannot read pull request #${number} of ${visible(repository)} from ${visible(api.url)}: ${visible((error as Error).message)}`,
    );
  }
  const pull = githubPullRequestSchema.safeParse({
    action: event === 'merged' ? 'closed' : event,
    number,
    pull_request: event === 'merged' ? { ...(answer as object), merged: true } : answer,
    repository: { full_name: repository },
  });
  if (!pull.success)
    throw new UserError(
      `${visible(api.url)} did not answer with a pull request: ${visible(formatZodIssues(pull.error.issues, { fieldsOnly: true }))}`,
    );
  const compact = toCompactPullRequestEvent(pull.data, 'explain');
  if (!compact) throw new UserError(`${event} is not a pull request event that can start a pipeline`, 2);
  return withFiles(compact, api);
}

/** A pull_request delivery (a file), and what GitHub says its pull request changes. */
export async function pullRequestFromPayload(
  file: string,
  json: unknown,
  api: { github: GithubApi; url: string },
): Promise<PullRequestUnderTest> {
  const pull = githubPullRequestSchema.safeParse(json);
  if (!pull.success)
    throw new UserError(
      `${visible(file)} is not a GitHub pull_request payload: ${visible(formatZodIssues(pull.error.issues, { fieldsOnly: true }))}`,
    );
  const compact = toCompactPullRequestEvent(pull.data, 'explain');
  if (!compact)
    throw new UserError(
      `${file}: action ${pull.data.action}${pull.data.action === 'closed' ? ' without a merge' : ''} starts no pipeline (eval is not even invoked for it)`,
    );
  return withFiles(compact, api);
}

/** Asks GitHub for the pull request's files and its head commit's message, as eval does. */
async function withFiles(event: CompactPullRequestEvent, api: { github: GithubApi; url: string }): Promise<PullRequestUnderTest> {
  const [files, head] = await Promise.all([
    pullRequestFiles(api.github, event.repository, event.number),
    event.event === 'merged' ? NO_MESSAGE : commitMessage(api.github, event.repository, event.headSha),
  ]);
  const marker = head.message !== undefined ? skipCiMarker(head.message) : undefined;
  return {
    event,
    paths: files.paths,
    complete: files.complete,
    ...(files.reason ? { incompleteReason: files.reason } : {}),
    ...(marker ? { skipCi: marker } : {}),
    source: `the pull request's files from ${api.url}`,
    title: `pull request #${event.number} from ${refName(event.headRef)}`,
  };
}
