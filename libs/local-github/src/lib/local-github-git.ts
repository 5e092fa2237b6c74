import { execFile } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { promisify } from 'node:util';
import { GITHUB_LIMITS } from './local-github-limits';
import type { CannedResponse } from '@monorepo-triggers/local-aws';

// GitHub's read API (compare, pull request files, trees, commits) answered from a git repository on
// this machine, within GitHub's limits.

const run = promisify(execFile);

export /** A pull request the stand-in holds: its base and head branches (or commits), and whether it is a draft. */
interface LocalPullRequest {
  base: string;
  head: string;
  draft?: boolean;
  /** The branch names GitHub shows, when `base` or `head` is a revision (`HEAD~1`) rather than the branch. */
  baseBranch?: string;
  headBranch?: string;
}

export async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: dir, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

export async function resolveCommit(dir: string, rev: string): Promise<string | undefined> {
  try {
    return (await git(dir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

const STATUS: Record<string, string> = { A: 'added', M: 'modified', D: 'removed', R: 'renamed', C: 'copied', T: 'changed' };

/** `git diff --name-status -z` output as GitHub's compare `files`. */
function parseNameStatus(output: string): { filename: string; status: string; previous_filename?: string }[] {
  const fields = output.split('\0');
  const files: { filename: string; status: string; previous_filename?: string }[] = [];
  for (let i = 0; i < fields.length - 1;) {
    const code = fields[i] as string;
    const letter = code[0] as string;
    if (letter === 'R' || letter === 'C') {
      files.push({ filename: fields[i + 2] as string, status: STATUS[letter] as string, previous_filename: fields[i + 1] as string });
      i += 3;
    } else {
      files.push({ filename: fields[i + 1] as string, status: STATUS[letter] ?? 'modified' });
      i += 2;
    }
  }
  return files;
}

/** GET /repos/{o}/{r}/compare/{base}...{head}: three-dot, from the merge base, files capped at 300. */
export async function compare(
  dir: string,
  basehead: string,
  query: URLSearchParams,
  endpoint: string,
  path: string,
): Promise<CannedResponse> {
  const match = /^(.+?)\.\.\.(.+)$/.exec(decodeURIComponent(basehead));
  if (!match) return { status: 404, body: { message: 'Not Found' } };
  const [base, head] = await Promise.all([resolveCommit(dir, match[1] as string), resolveCommit(dir, match[2] as string)]);
  if (!base || !head) return { status: 404, body: { message: 'Not Found' } };
  let mergeBase: string;
  try {
    mergeBase = (await git(dir, ['merge-base', base, head])).trim();
  } catch {
    return { status: 404, body: { message: `No common ancestor between ${match[1]} and ${match[2]}.` } };
  }
  const [ahead, behind, commits, diff] = await Promise.all([
    git(dir, ['rev-list', '--count', `${mergeBase}..${head}`]),
    git(dir, ['rev-list', '--count', `${mergeBase}..${base}`]),
    git(dir, ['rev-list', '--reverse', `${mergeBase}..${head}`]),
    git(dir, ['diff', '--name-status', '-M', '-z', mergeBase, head]),
  ]);
  const aheadBy = Number(ahead.trim());
  const behindBy = Number(behind.trim());
  const page = Math.max(1, Number(query.get('page') ?? '1'));
  const perPage = Math.min(GITHUB_LIMITS.compareCommitsPerPage, Math.max(1, Number(query.get('per_page') ?? '250')));
  const allCommits = commits.split('\n').filter((sha) => sha !== '');
  const pageCommits = allCommits.slice((page - 1) * perPage, page * perPage).map((sha) => ({ sha }));
  const files = page === 1 ? parseNameStatus(diff).slice(0, GITHUB_LIMITS.compareFiles) : [];
  const headers: Record<string, string> = {};
  if (page * perPage < allCommits.length) headers['link'] = `<${endpoint}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"`;
  const status = aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged';
  return {
    status: 200,
    headers,
    body: {
      status,
      ahead_by: aheadBy,
      behind_by: behindBy,
      total_commits: aheadBy,
      base_commit: { sha: base },
      merge_base_commit: { sha: mergeBase },
      commits: pageCommits,
      files,
    },
  };
}

/**
 * GET /repos/{o}/{r}/pulls/{n}/files: the pull request's changes since its merge base with the base
 * (as GitHub shows them), 30 a page by default and at most 100, and no more than 3,000 in all.
 */
export async function pullRequestFiles(
  dir: string,
  pull: LocalPullRequest,
  query: URLSearchParams,
  endpoint: string,
  path: string,
): Promise<CannedResponse> {
  const [base, head] = await Promise.all([resolveCommit(dir, pull.base), resolveCommit(dir, pull.head)]);
  if (!base || !head) return { status: 404, body: { message: 'Not Found' } };
  const mergeBase = (await git(dir, ['merge-base', base, head])).trim();
  const files = parseNameStatus(await git(dir, ['diff', '--name-status', '-M', '-z', mergeBase, head])).slice(
    0,
    GITHUB_LIMITS.pullRequestFiles,
  );
  const perPage = Math.min(GITHUB_LIMITS.pullRequestFilesPerPage, Math.max(1, Number(query.get('per_page') ?? '30')));
  const page = Math.max(1, Number(query.get('page') ?? '1'));
  const headers: Record<string, string> = {};
  if (page * perPage < files.length) headers['link'] = `<${endpoint}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"`;
  return { status: 200, headers, body: files.slice((page - 1) * perPage, page * perPage) };
}

/** GET /repos/{o}/{r}/pulls/{n}: the pull request's number, state, draft flag, and its base and head as they stand. */
export async function pullRequest(dir: string, repository: string, number: number, pull: LocalPullRequest): Promise<CannedResponse> {
  const [base, head] = await Promise.all([resolveCommit(dir, pull.base), resolveCommit(dir, pull.head)]);
  if (!base || !head) return { status: 404, body: { message: 'Not Found' } };
  const repo = { full_name: repository };
  const branch = (name: string, sha: string) => ({
    ref: /^[0-9a-f]{40}$/.test(name) ? name : name.replace(/^refs\/heads\//, ''),
    sha,
    repo,
  });
  return {
    status: 200,
    body: {
      number,
      state: 'open',
      draft: pull.draft ?? false,
      merged: false,
      base: branch(pull.base, base),
      head: branch(pull.head, head),
    },
  };
}

/** GET /repos/{o}/{r}/git/trees/{sha}?recursive=1: entries of a commit's tree, truncated at 100,000. */
export async function tree(dir: string, rev: string, query: URLSearchParams): Promise<CannedResponse> {
  const commit = await resolveCommit(dir, decodeURIComponent(rev));
  if (!commit) return { status: 404, body: { message: 'Not Found' } };
  const recursive = query.has('recursive');
  const output = await git(dir, ['ls-tree', ...(recursive ? ['-r', '-t'] : []), '-z', commit]);
  const entries = output
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const [meta, path] = line.split('\t') as [string, string];
      const [mode, type, sha] = meta.split(' ') as [string, string, string];
      return { path, mode, type, sha };
    });
  const truncated = entries.length > GITHUB_LIMITS.treeEntries;
  return { status: 200, body: { sha: commit, tree: entries.slice(0, GITHUB_LIMITS.treeEntries), truncated } };
}

/** Why a POST to ADD_REPOSITORY_PATH is refused, or undefined when its body names a repository and a git directory. */
export async function addRepositoryProblem(body: unknown): Promise<string | undefined> {
  const expected = 'expected {"repository": "owner/name", "dir": an absolute path to a git repository}';
  const { repository, dir } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (typeof repository !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(repository))
    return `${expected}: "repository" ${repository === undefined ? 'is missing' : `is not owner/name: ${JSON.stringify(repository)}`}`;
  if (typeof dir !== 'string' || !isAbsolute(dir))
    return `${expected}: "dir" ${dir === undefined ? 'is missing' : `is not an absolute path: ${JSON.stringify(dir)}`}`;
  try {
    await git(dir, ['rev-parse', '--git-dir']);
  } catch {
    return `${expected}: git cannot read a repository in ${JSON.stringify(dir)}`;
  }
  return undefined;
}
