import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRecordingServer, type CannedResponse, type RecordedRequest, type RecordingServer } from './recording-server';

const run = promisify(execFile);

/**
 * GitHub's limits, kept by the stand-in so that code relying on more fails here as it would there
 * (from GitHub's documentation, deliberately not shared with eval's own constants):
 * the compare API lists at most 300 files for a whole comparison (and only on its first page); a
 * recursive tree holds at most 100,000 entries, beyond which GitHub answers with `truncated: true`.
 */
export const GITHUB_LIMITS = { compareFiles: 300, compareCommitsPerPage: 250, treeEntries: 100_000 } as const;

export interface LocalGithub extends Pick<RecordingServer, 'endpoint' | 'requests' | 'stop'> {
  /** Makes every request answer `status` (e.g. 403 rate limited) until called with undefined. */
  failWith(answer: CannedResponse | undefined): void;
}

/** `git` in a repository; resolves stdout, rejects with git's message. */
async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: dir, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

async function resolveCommit(dir: string, rev: string): Promise<string | undefined> {
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
async function compare(dir: string, basehead: string, query: URLSearchParams, endpoint: string, path: string): Promise<CannedResponse> {
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

/** GET /repos/{o}/{r}/git/trees/{sha}?recursive=1: entries of a commit's tree, truncated at 100,000. */
async function tree(dir: string, rev: string, query: URLSearchParams): Promise<CannedResponse> {
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

/**
 * A stand-in for the parts of GitHub's REST API that eval reads, served from real git repositories
 * (`owner/name` → directory): compare and recursive trees, with GitHub's limits. Every request is
 * recorded; unknown routes answer 404.
 */
export async function startLocalGithub(repositories: Record<string, string>): Promise<LocalGithub> {
  const byName = new Map(Object.entries(repositories).map(([name, dir]) => [name.toLowerCase(), dir]));
  let failure: CannedResponse | undefined;
  let endpoint = '';
  const server = await startRecordingServer(async (request: RecordedRequest) => {
    if (failure) return failure;
    const url = new URL(request.path, 'http://local');
    const route = /^\/repos\/([^/]+\/[^/]+)\/(compare|git\/trees)\/(.+)$/.exec(url.pathname);
    const dir = route ? byName.get(decodeURIComponent(route[1] as string).toLowerCase()) : undefined;
    if (!route || !dir || request.method !== 'GET') return { status: 404, body: { message: 'Not Found' } };
    return route[2] === 'compare'
      ? compare(dir, route[3] as string, url.searchParams, endpoint, url.pathname)
      : tree(dir, route[3] as string, url.searchParams);
  });
  endpoint = server.endpoint;
  return {
    endpoint: server.endpoint,
    requests: server.requests,
    stop: () => server.stop(),
    failWith(answer) {
      failure = answer;
    },
  };
}
