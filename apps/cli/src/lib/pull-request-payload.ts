import { refName } from '@monorepo-triggers/config-schema';
import { OPEN_PULL_REQUEST_PATH } from '@monorepo-triggers/local-github';
import { git, gitCommit, parsePullRequestRange } from './git-changes';
import { UserError, visible } from './output';

export interface PullRequestPayloadOptions {
  /** `BASE...HEAD`: the branch it targets and the branch (or commit) it comes from, in the clone. */
  range: string;
  repository: string;
  number: number;
  /** As GitHub sends it: opened, synchronize, reopened, ready_for_review, closed. */
  action: string;
  draft: boolean;
  cwd: string;
  /** The branch it targets, when BASE is not that branch (`HEAD~1...HEAD --base main`). */
  base?: string;
}

/** What `send --pr` posts and what it tells the local GitHub stand-in. */
export interface BuiltPullRequest {
  payload: Record<string, unknown>;
  /** The branch names the payload gives its base and head. */
  baseBranch: string;
  headBranch: string;
  /** The clone's top directory, and the revisions the stand-in resolves when eval asks for the files. */
  dir: string;
  base: string;
  head: string;
  headSha: string;
}

/** A branch name for a revision: `main` for main or refs/heads/main, the branch checked out for HEAD. */
function branchName(cwd: string, revision: string): string {
  if (revision === 'HEAD') {
    const current = git(cwd, 'rev-parse', '--abbrev-ref', 'HEAD');
    return current === 'HEAD' ? 'detached' : current;
  }
  return refName(revision).replace(/^origin\//, '');
}

/**
 * A pull_request delivery for a pull request from HEAD into BASE of a local clone, with the fields
 * GitHub sends that eval reads (and the repository's and sender's, as GitHub has them); its base
 * and head are the clone's commits now.
 */
export function pullRequestPayload(options: PullRequestPayloadOptions): BuiltPullRequest {
  const { base, head } = parsePullRequestRange(options.range, '--pr takes BASE...HEAD (the branch it targets...the branch it comes from)');
  const dir = git(options.cwd, 'rev-parse', '--show-toplevel');
  const baseSha = gitCommit(base, dir);
  const headSha = gitCommit(head, dir);
  const [owner = '', name = ''] = options.repository.split('/');
  const repository = {
    id: 1,
    name,
    full_name: options.repository,
    private: true,
    owner: { login: owner, type: 'Organization' },
    default_branch: 'main',
  };
  const side = (ref: string, sha: string) => ({ label: `${owner}:${ref}`, ref, sha, user: { login: owner }, repo: repository });
  const baseBranch = options.base ?? branchName(dir, base);
  const headBranch = branchName(dir, head);
  return {
    baseBranch,
    headBranch,
    dir,
    base,
    head,
    headSha,
    payload: {
      action: options.action,
      number: options.number,
      pull_request: {
        number: options.number,
        state: options.action === 'closed' ? 'closed' : 'open',
        title: git(dir, 'log', '-1', '--format=%s', headSha),
        draft: options.draft,
        merged: false,
        merge_commit_sha: null,
        base: side(baseBranch, baseSha),
        head: side(headBranch, headSha),
      },
      repository,
      sender: { login: owner },
    },
  };
}

/** Opens the pull request on the local stack's GitHub stand-in, served from the clone, so eval can read its files. */
export async function openOnLocalGithub(githubUrl: string, repository: string, number: number, built: BuiltPullRequest, draft: boolean) {
  const answer = await fetch(`${githubUrl}${OPEN_PULL_REQUEST_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      repository,
      dir: built.dir,
      number,
      base: built.base,
      head: built.head,
      draft,
      baseBranch: built.baseBranch,
      headBranch: built.headBranch,
    }),
  });
  if (!answer.ok)
    throw new UserError(`the local GitHub stand-in refused the pull request: ${answer.status} ${visible(await answer.text())}`);
}
