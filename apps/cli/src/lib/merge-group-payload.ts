import { refName } from '@monorepo-triggers/config-schema';
import { ADD_REPOSITORY_PATH } from '@monorepo-triggers/local-github';
import { git, gitCommit, gitYes, parsePullRequestRange } from './git-changes';
import { UserError, visible } from './output';

/** The actions of a merge_group delivery, as GitHub sends them (the only two it sends). */
export const MERGE_GROUP_ACTIONS = ['checks_requested', 'destroyed'] as const;
/** Why GitHub destroyed a group: it merged, an entry ahead of it left the queue, or it was taken out. */
export const DESTROY_REASONS = ['merged', 'invalidated', 'dequeued'] as const;

export interface MergeGroupPayloadOptions {
  /** `BASE...HEAD`: the base branch's commit the group was made on, and the group's head commit, in the clone. */
  range: string;
  repository: string;
  /** The pull request the group ends with (its temporary branch names it). */
  number: number;
  action: (typeof MERGE_GROUP_ACTIONS)[number];
  /** For `destroyed`: why. */
  reason?: (typeof DESTROY_REASONS)[number];
  cwd: string;
  /** The branch the group merges into, when BASE is not that branch (`HEAD~2...HEAD --base main`). */
  base?: string;
}

/** What `send --merge-group` posts, and what it tells the local GitHub stand-in. */
export interface BuiltMergeGroup {
  payload: Record<string, unknown>;
  /** The branch the group merges into, and the group's temporary branch (`gh-readonly-queue/main/pr-1-…`). */
  baseBranch: string;
  headBranch: string;
  baseSha: string;
  headSha: string;
  /** The clone's top directory, served by the stand-in so eval's compare reads its commits. */
  dir: string;
}

/** Whether the clone has a branch of that name. */
const isBranch = (dir: string, name: string) => gitYes(dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${name}`);

/**
 * The branch a group merges into: --base, else BASE when it names a branch of the clone (`main`,
 * `refs/heads/main`, `origin/main`); a usage error when BASE is a commit (`HEAD~2`, a SHA), which names none.
 */
export function mergeGroupBaseBranch(dir: string, base: string, option: string | undefined): string {
  if (option) return refName(option);
  const name = refName(base).replace(/^origin\//, '');
  if (isBranch(dir, name) || git(dir, 'branch', '-r', '--list', `origin/${name}`) !== '') return name;
  throw new UserError(
    `${visible(base)} names no branch of the clone in ${visible(dir)}: pass --base BRANCH, the branch the merge group merges into`,
    2,
  );
}

/** The temporary branch GitHub's merge queue makes for a group: `gh-readonly-queue/<base>/pr-<number>-<base commit>`. */
export const mergeGroupBranch = (baseBranch: string, number: number, baseSha: string) =>
  `gh-readonly-queue/${baseBranch}/pr-${number}-${baseSha}`;

/** The BASE and HEAD of `--merge-group BASE...HEAD`, and the clone's top directory; usage errors for anything else. */
export function mergeGroupRange(range: string, cwd: string): { base: string; head: string; dir: string; baseSha: string; headSha: string } {
  const { base, head } = parsePullRequestRange(
    range,
    '--merge-group takes BASE...HEAD (the base branch, or its commit the group was made on...the group head)',
  );
  const dir = git(cwd, 'rev-parse', '--show-toplevel');
  return { base, head, dir, baseSha: gitCommit(base, dir), headSha: gitCommit(head, dir) };
}

/**
 * A merge_group delivery for a group of GitHub's merge queue whose head is HEAD, made on BASE of a
 * local clone, shaped as GitHub sends it (its fields as in @octokit/webhooks-examples' merge_group
 * example): the group's head commit, its temporary branch, the branch and commit it merges into, the
 * repository and the sender; `reason` for a destroyed group.
 */
export function mergeGroupPayload(options: MergeGroupPayloadOptions): BuiltMergeGroup {
  const { base, dir, baseSha, headSha } = mergeGroupRange(options.range, options.cwd);
  if (options.reason && options.action !== 'destroyed') throw new UserError('--reason goes with --action destroyed only', 2);
  const baseBranch = mergeGroupBaseBranch(dir, base, options.base);
  const headBranch = mergeGroupBranch(baseBranch, options.number, baseSha);
  const [owner = '', name = ''] = options.repository.split('/');
  const person = (format: 'a' | 'c') => {
    const [personName = '', email = ''] = git(dir, 'log', '-1', `--format=%${format}n%x00%${format}e`, headSha).split('\0');
    return { name: personName, email };
  };
  return {
    baseBranch,
    headBranch,
    baseSha,
    headSha,
    dir,
    payload: {
      action: options.action,
      ...(options.action === 'destroyed' && options.reason ? { reason: options.reason } : {}),
      merge_group: {
        head_sha: headSha,
        head_ref: `refs/heads/${headBranch}`,
        base_sha: baseSha,
        base_ref: `refs/heads/${baseBranch}`,
        head_commit: {
          id: headSha,
          tree_id: git(dir, 'rev-parse', `${headSha}^{tree}`),
          message: git(dir, 'log', '-1', '--format=%B', headSha),
          timestamp: git(dir, 'log', '-1', '--format=%cI', headSha),
          author: person('a'),
          committer: person('c'),
        },
      },
      repository: {
        id: 1,
        name,
        full_name: options.repository,
        private: true,
        owner: { login: owner, type: 'Organization' },
        default_branch: 'main',
      },
      organization: { login: owner },
      sender: { login: owner, type: 'User' },
    },
  };
}

/** Serves the clone from the local stack's GitHub stand-in, so eval's compare of the group's commits reads it. */
export async function serveOnLocalGithub(githubUrl: string, repository: string, dir: string): Promise<void> {
  const answer = await fetch(`${githubUrl}${ADD_REPOSITORY_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repository, dir }),
  });
  if (!answer.ok)
    throw new UserError(`the local GitHub stand-in refused to serve the clone: ${answer.status} ${visible(await answer.text())}`);
}
