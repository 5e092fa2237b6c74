import { execFile } from 'node:child_process';
import { createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { promisify } from 'node:util';
import { DELIVER_PATH, LocalHookDeliveries, PayloadTooLargeForGithub, type HookRef, type MissedDelivery } from './local-github-hooks';
import { GithubRateLimit } from './github-rate-limit';
import { startRecordingServer, type CannedResponse, type RecordedRequest, type RecordingServer } from './recording-server';

const run = promisify(execFile);

/**
 * GitHub's limits, kept by the stand-in so that code relying on more fails here as it would there
 * (from GitHub's documentation, deliberately not shared with eval's own constants):
 * the compare API lists at most 300 files for a whole comparison (and only on its first page); a
 * recursive tree holds at most 100,000 entries, beyond which GitHub answers with `truncated: true`.
 */
export const GITHUB_LIMITS = {
  compareFiles: 300,
  compareCommitsPerPage: 250,
  treeEntries: 100_000,
  statusesPerContext: 1000,
  /** A pull request's files: at most 3,000 in all, 100 a page (30 by default). */
  pullRequestFiles: 3000,
  pullRequestFilesPerPage: 100,
} as const;

const STATUS_STATES = ['error', 'failure', 'pending', 'success'];
/** GitHub refuses a check run summary over 65,535 bytes. */
const CHECK_SUMMARY_LENGTH = 65_535;

/** The token a request carries. */
const tokenOf = (request: RecordedRequest) => /^bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';

/**
 * Check runs: only a GitHub App's installation token may write them (GitHub answers 403 to a
 * personal token); a summary over 65,535 characters is refused with 422.
 */
function checkRuns(
  repository: string,
  rest: string,
  request: RecordedRequest,
  query: URLSearchParams,
  runs: CheckRun[],
  appTokens: Set<string>,
  appId: string | undefined,
): CannedResponse {
  const list = /^commits\/([0-9a-f]{40})\/check-runs$/.exec(rest);
  if (list && request.method === 'GET') {
    const found = runs.filter(
      (r) =>
        r.repository === repository &&
        r.headSha === list[1] &&
        (!query.get('check_name') || r.name === query.get('check_name')) &&
        (!query.get('app_id') || r.appId === query.get('app_id')),
    );
    const shown = query.get('filter') === 'all' ? found : found.slice(-1);
    return {
      status: 200,
      body: {
        total_count: shown.length,
        check_runs: [...shown].reverse().map((r) => ({
          id: r.id,
          name: r.name,
          head_sha: r.headSha,
          status: r.status,
          conclusion: r.conclusion ?? null,
          output: r.output ?? {},
          app: { id: Number(r.appId) },
        })),
      },
    };
  }
  const write = /^check-runs(?:\/(\d+))?$/.exec(rest);
  if (!write || (request.method !== 'POST' && request.method !== 'PATCH')) return { status: 404, body: { message: 'Not Found' } };
  if (!appTokens.has(tokenOf(request))) return { status: 403, body: { message: 'Resource not accessible by personal access token' } };
  const body = (request.json ?? {}) as {
    name?: string;
    head_sha?: string;
    status?: string;
    conclusion?: string;
    output?: { title?: string; summary?: string };
  };
  if (Buffer.byteLength(body.output?.summary ?? '') > CHECK_SUMMARY_LENGTH)
    return { status: 422, body: { message: 'Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied.' } };
  if (request.method === 'PATCH') {
    const run = runs.find((r) => r.repository === repository && r.id === Number(write[1]));
    if (!run) return { status: 404, body: { message: 'Not Found' } };
    if (run.appId !== appId)
      return {
        status: 403,
        body: { message: 'Invalid app_id `' + appId + '` - check run can only be modified by the GitHub App that created it.' },
      };
    Object.assign(run, {
      ...(body.status ? { status: body.status } : {}),
      ...(body.conclusion ? { conclusion: body.conclusion } : {}),
      ...(body.output ? { output: body.output } : {}),
      writes: run.writes + 1,
    });
    return { status: 200, body: { id: run.id } };
  }
  if (!body.name || !body.head_sha || !/^[0-9a-f]{40}$/.test(body.head_sha)) return { status: 422, body: { message: 'Validation Failed' } };
  const run: CheckRun = {
    id: runs.length + 1,
    repository,
    name: body.name,
    headSha: body.head_sha,
    status: body.status ?? 'queued',
    writes: 1,
    appId: appId ?? '',
    ...(body.conclusion ? { conclusion: body.conclusion } : {}),
    ...(body.output ? { output: body.output } : {}),
  };
  runs.push(run);
  return { status: 201, body: { id: run.id } };
}

/** POST /repos/{o}/{r}/statuses/{sha}: GitHub's states, at most 1,000 statuses per commit and context. */
function postStatus(repository: string, sha: string, request: RecordedRequest, statuses: PostedStatus[]): CannedResponse {
  const body = (request.json ?? {}) as { state?: unknown; context?: unknown; description?: unknown; target_url?: unknown };
  if (typeof body.state !== 'string' || !STATUS_STATES.includes(body.state))
    return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'state', code: 'invalid' }] } };
  const context = typeof body.context === 'string' ? body.context : 'default';
  const same = statuses.filter((s) => s.repository === repository && s.sha === sha && s.context === context);
  if (same.length >= GITHUB_LIMITS.statusesPerContext)
    return {
      status: 422,
      body: { message: 'Validation Failed', errors: [{ message: 'This SHA and context has reached the maximum number of statuses.' }] },
    };
  const token = tokenOf(request);
  statuses.push({
    repository,
    sha,
    state: body.state,
    context,
    token,
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
    ...(typeof body.target_url === 'string' ? { targetUrl: body.target_url } : {}),
  });
  return {
    status: 201,
    body: { id: statuses.length, state: body.state, context, description: body.description ?? null, target_url: body.target_url ?? null },
  };
}

export interface LocalGithub extends Pick<RecordingServer, 'endpoint' | 'requests' | 'stop'> {
  /** Makes every request answer `status` (e.g. 403 rate limited) until called with undefined. */
  failWith(answer: CannedResponse | undefined, only?: { method?: string; path?: RegExp }): void;
  /** Installation tokens minted for the GitHub App, in order. */
  readonly issuedTokens: { installationId: number; token: string; expiresAt: string }[];
  /** Commit statuses posted, in order, with the token that posted each. */
  readonly statuses: PostedStatus[];
  /** Check runs as they stand (created, then updated in place); a test may add another app's. */
  readonly checkRuns: CheckRun[];
  /** Opens pull request `number` of `repository` from `head` into `base` (commits or refs of its git repository). */
  openPullRequest(repository: string, number: number, pull: LocalPullRequest): void;
  /** Serves `repository` from the git repository in `dir` (beside those it was started with). */
  addRepository(repository: string, dir: string): void;
  /** The webhook deliveries it made, with their answers, and the webhook it makes them to. */
  readonly hooks: LocalHookDeliveries;
}

export interface LocalGithubOptions {
  app?: LocalGithubApp;
  /** The webhook deliveries go to, signed with its secret (settable later: `hooks.setTarget`). */
  webhook?: { url: string; secret: string };
  /** Tokens (beside the App's installation tokens) that may read and redeliver organisation hooks' deliveries: an org owner's `admin:org_hook` token. */
  orgHookTokens?: string[];
  /** The clock deliveries are logged and retained on. */
  now?: () => number;
  /** Requests an hour per credential (GitHub's primary rate limit, default 5000). */
  rateLimit?: number;
}

/** A pull request the stand-in holds: its base and head branches (or commits), and whether it is a draft. */
export interface LocalPullRequest {
  base: string;
  head: string;
  draft?: boolean;
  /** The branch names GitHub shows, when `base` or `head` is a revision (`HEAD~1`) rather than the branch. */
  baseBranch?: string;
  headBranch?: string;
}

/**
 * Not GitHub's: where a local tool (`triggers send --pr`) opens a pull request on the stand-in, as
 * `{ "repository", "dir", "number", "base", "head", "draft"?, "baseBranch"?, "headBranch"? }`: the
 * repository is served from `dir`, `base` and `head` are its revisions, the branches their names.
 */
export const OPEN_PULL_REQUEST_PATH = '/_local/pulls';

/**
 * Not GitHub's: where a local tool serves a repository from a git repository on this machine (as
 * `addRepository` does), as `{ "repository": "owner/name", "dir": "/absolute/path/to/clone" }`: its
 * compare, trees, commits and refs are then read from `dir`, at any revision it holds. 204 when
 * taken; 400 with the reason for a body without both, a relative `dir`, or one git cannot read.
 */
export const ADD_REPOSITORY_PATH = '/_local/repos';

/**
 * Not GitHub's: where a local tool or test makes the stand-in fail (as during an outage or a rate
 * limit) as `{ "status", "path"? (a regular expression), "method"? }`, until a DELETE of the same path.
 */
export const FAIL_PATH = '/_local/fail';

/** A check run the stand-in holds. */
export interface CheckRun {
  id: number;
  repository: string;
  name: string;
  headSha: string;
  status: string;
  conclusion?: string;
  output?: { title?: string; summary?: string };
  /** How many times it was written (1: created, then +1 per update). */
  writes: number;
  /** The GitHub App that owns it: only that App may update it. */
  appId: string;
}

/** One `POST /repos/{owner}/{repo}/statuses/{sha}` the stand-in accepted. */
export interface PostedStatus {
  repository: string;
  sha: string;
  state: string;
  context: string;
  description?: string;
  targetUrl?: string;
  token: string;
}

/**
 * A GitHub App the stand-in knows: JWTs must be signed (RS256) with the private key of `publicKey`
 * and name `appId` as issuer; `installations` says which repository (`owner/name`) is installed where.
 */
export interface LocalGithubApp {
  appId: string;
  publicKey: string;
  installations: Record<string, number> | ((repository: string) => number | undefined);
}

/** The installation of `repository` (lower-cased `owner/name`), if the App is installed there. */
const installationOf = (app: LocalGithubApp, repository: string) =>
  typeof app.installations === 'function' ? app.installations(repository) : app.installations[repository];

/** A key pair for a stand-in GitHub App: the private key as GitHub hands it out (PKCS#1 PEM), the public key to check JWTs. */
export function githubAppKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

/** Installation tokens live one hour, as GitHub's do. */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Why a GitHub App JWT is refused, or undefined when it is good: RS256, signed by the app's key,
 * `iss` the app id, `exp` after `iat` and at most 10 minutes later (GitHub's rules).
 */
function jwtProblem(authorization: string | undefined, app: LocalGithubApp): string | undefined {
  const jwt = /^bearer (.+)$/i.exec(authorization ?? '')?.[1];
  const [header, payload, signature] = jwt?.split('.') ?? [];
  if (!header || !payload || !signature) return 'A JSON web token could not be decoded';
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(app.publicKey, Buffer.from(signature, 'base64url'))) return 'A JSON web token could not be decoded';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; iat?: number; exp?: number };
  if (String(claims.iss) !== app.appId) return "'Issuer' claim ('iss') must be an Integer";
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= claims.iat || claims.exp - claims.iat > 600) {
    return "'Expiration time' claim ('exp') is too far in the future";
  }
  return undefined;
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

/**
 * GET /repos/{o}/{r}/pulls/{n}/files: the pull request's changes since its merge base with the base
 * (as GitHub shows them), 30 a page by default and at most 100, and no more than 3,000 in all.
 */
async function pullRequestFiles(
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
async function pullRequest(dir: string, repository: string, number: number, pull: LocalPullRequest): Promise<CannedResponse> {
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

/** Why a POST to ADD_REPOSITORY_PATH is refused, or undefined when its body names a repository and a git directory. */
async function addRepositoryProblem(body: unknown): Promise<string | undefined> {
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

/**
 * A stand-in for the parts of GitHub's REST API that eval reads, served from real git repositories
 * (`owner/name` → directory): compare and recursive trees, with GitHub's limits. Every request is
 * recorded; unknown routes answer 404.
 */
export async function startLocalGithub(repositories: Record<string, string>, options: LocalGithubOptions = {}): Promise<LocalGithub> {
  const byName = new Map(Object.entries(repositories).map(([name, dir]) => [name.toLowerCase(), dir]));
  let failure: { answer: CannedResponse; method?: string; path?: RegExp } | undefined;
  let endpoint = '';
  const issuedTokens: LocalGithub['issuedTokens'] = [];
  const statuses: PostedStatus[] = [];
  const runs: CheckRun[] = [];
  const pulls = new Map<string, LocalPullRequest>();
  const hooks = new LocalHookDeliveries(options.now);
  if (options.webhook) hooks.setTarget(options.webhook);
  const rateLimit = new GithubRateLimit(options.rateLimit, options.now);
  // The stand-in's own controls (/_local/…) are not GitHub's API: no rate limit on them.
  const server = await startRecordingServer((request: RecordedRequest) =>
    request.path.startsWith('/_local/') ? route(request) : rateLimit.apply(request, () => route(request)),
  );
  async function route(request: RecordedRequest): Promise<CannedResponse> {
    if (request.path === FAIL_PATH) {
      if (request.method === 'DELETE') failure = undefined;
      else {
        const { status, path, method } = (request.json ?? {}) as { status?: unknown; path?: unknown; method?: unknown };
        if (typeof status !== 'number')
          return { status: 400, body: { message: 'expected {"status", "path"? (a regular expression), "method"?}' } };
        failure = {
          answer: { status, body: { message: `the stand-in GitHub fails on purpose (${status})` } },
          ...(typeof path === 'string' ? { path: new RegExp(path) } : {}),
          ...(typeof method === 'string' ? { method } : {}),
        };
      }
      return { status: 204 };
    }
    if (failure && (!failure.method || failure.method === request.method) && (!failure.path || failure.path.test(request.path)))
      return failure.answer;
    const url = new URL(request.path, 'http://local');
    const hookAnswer = await hookRoute(request, url);
    if (hookAnswer) return hookAnswer;
    if (url.pathname === ADD_REPOSITORY_PATH && request.method === 'POST') {
      const problem = await addRepositoryProblem(request.json);
      if (problem) return { status: 400, body: { message: problem } };
      const { repository, dir } = request.json as { repository: string; dir: string };
      byName.set(repository.toLowerCase(), dir);
      return { status: 204 };
    }
    if (url.pathname === OPEN_PULL_REQUEST_PATH && request.method === 'POST') {
      const { repository, dir, number, base, head, draft, baseBranch, headBranch } = (request.json ?? {}) as Record<string, unknown>;
      if (
        typeof repository !== 'string' ||
        typeof dir !== 'string' ||
        typeof number !== 'number' ||
        typeof base !== 'string' ||
        typeof head !== 'string'
      )
        return {
          status: 400,
          body: { message: 'expected {"repository", "dir", "number", "base", "head", "draft"?, "baseBranch"?, "headBranch"?}' },
        };
      byName.set(repository.toLowerCase(), dir);
      pulls.set(`${repository.toLowerCase()}#${number}`, {
        base,
        head,
        draft: draft === true,
        ...(typeof baseBranch === 'string' ? { baseBranch } : {}),
        ...(typeof headBranch === 'string' ? { headBranch } : {}),
      });
      return { status: 204 };
    }
    const app = options.app;
    const appRoute =
      /^\/repos\/([^/]+\/[^/]+)\/installation$|^\/app\/installations\/(\d+)\/access_tokens$|^\/orgs\/([^/]+)\/installation$/.exec(
        url.pathname,
      );
    if (app && appRoute) {
      const problem = jwtProblem(request.headers.authorization, app);
      if (problem) return { status: 401, body: { message: problem } };
      if (appRoute[3] !== undefined) {
        // The organisation's installation: the one of any repository of it the App is installed on.
        const org = decodeURIComponent(appRoute[3]).toLowerCase();
        const id =
          typeof app.installations === 'function'
            ? app.installations(`${org}/*`)
            : Object.entries(app.installations).find(([repository]) => repository.startsWith(`${org}/`))?.[1];
        return id === undefined || request.method !== 'GET'
          ? { status: 404, body: { message: 'Not Found' } }
          : { status: 200, body: { id, app_id: Number(app.appId) } };
      }
      if (appRoute[1] !== undefined) {
        const id = installationOf(app, decodeURIComponent(appRoute[1]).toLowerCase());
        return id === undefined || request.method !== 'GET'
          ? { status: 404, body: { message: 'Not Found' } }
          : { status: 200, body: { id, app_id: Number(app.appId) } };
      }
      const installationId = Number(appRoute[2]);
      const known = typeof app.installations === 'function' || Object.values(app.installations).includes(installationId);
      if (request.method !== 'POST' || !known) return { status: 404, body: { message: 'Not Found' } };
      const issued = {
        installationId,
        token: `ghs_${randomBytes(18).toString('hex')}`,
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS).toISOString(),
      };
      issuedTokens.push(issued);
      return {
        status: 201,
        body: {
          token: issued.token,
          expires_at: issued.expiresAt,
          permissions: { contents: 'read', statuses: 'write', checks: 'write' },
          repository_selection: 'all',
        },
      };
    }
    const statusRoute = /^\/repos\/([^/]+\/[^/]+)\/statuses\/([0-9a-f]{40})$/.exec(url.pathname);
    if (statusRoute && request.method === 'POST')
      return postStatus(decodeURIComponent(statusRoute[1] as string), statusRoute[2] as string, request, statuses);
    const combined = /^\/repos\/([^/]+\/[^/]+)\/commits\/([0-9a-f]{40})\/status$/.exec(url.pathname);
    if (combined && request.method === 'GET') {
      const repository = decodeURIComponent(combined[1] as string).toLowerCase();
      const latest = new Map<string, PostedStatus>();
      for (const s of statuses) if (s.repository.toLowerCase() === repository && s.sha === combined[2]) latest.set(s.context, s);
      const list = [...latest.values()].map((s) => ({
        state: s.state,
        context: s.context,
        description: s.description ?? null,
        target_url: s.targetUrl ?? null,
      }));
      return { status: 200, body: { sha: combined[2], total_count: list.length, statuses: list } };
    }
    const listStatuses = /^\/repos\/([^/]+\/[^/]+)\/commits\/([0-9a-f]{40})\/statuses$/.exec(url.pathname);
    if (listStatuses && request.method === 'GET') {
      const repository = decodeURIComponent(listStatuses[1] as string).toLowerCase();
      const posted = statuses.filter((s) => s.repository.toLowerCase() === repository && s.sha === listStatuses[2]).reverse();
      return {
        status: 200,
        body: posted.map((s, i) => ({
          id: posted.length - i,
          state: s.state,
          context: s.context,
          description: s.description ?? null,
          target_url: s.targetUrl ?? null,
        })),
      };
    }
    const checkRoute = /^\/repos\/([^/]+\/[^/]+)\/((?:commits\/[0-9a-f]{40}\/)?check-runs(?:\/\d+)?)$/.exec(url.pathname);
    if (checkRoute)
      return checkRuns(
        decodeURIComponent(checkRoute[1] as string).toLowerCase(),
        checkRoute[2] as string,
        request,
        url.searchParams,
        runs,
        new Set(issuedTokens.map((t) => t.token)),
        options.app?.appId,
      );
    const commitRoute = /^\/repos\/([^/]+\/[^/]+)\/commits\/([0-9a-f]{40})$/.exec(url.pathname);
    if (commitRoute && request.method === 'GET') {
      const dir = byName.get(decodeURIComponent(commitRoute[1] as string).toLowerCase());
      const sha = dir ? await resolveCommit(dir, commitRoute[2] as string) : undefined;
      if (!dir || !sha) return { status: 404, body: { message: 'Not Found' } };
      return { status: 200, body: { sha, commit: { message: (await git(dir, ['log', '-1', '--format=%B', sha])).replace(/\n+$/, '') } } };
    }
    const pullRoute = /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)(\/files)?$/.exec(url.pathname);
    if (pullRoute && request.method === 'GET') {
      const repository = decodeURIComponent(pullRoute[1] as string).toLowerCase();
      const pull = pulls.get(`${repository}#${pullRoute[2]}`);
      const dir = byName.get(repository);
      if (!pull || !dir) return { status: 404, body: { message: 'Not Found' } };
      return pullRoute[3]
        ? pullRequestFiles(dir, pull, url.searchParams, endpoint, url.pathname)
        : pullRequest(dir, decodeURIComponent(pullRoute[1] as string), Number(pullRoute[2]), pull);
    }
    const refRoute = /^\/repos\/([^/]+\/[^/]+)\/git\/ref\/((?:heads|tags)\/.+)$/.exec(url.pathname);
    if (refRoute && request.method === 'GET') {
      // GET /repos/{o}/{r}/git/ref/heads/{branch}: where a branch (or tag) is now.
      const dir = byName.get(decodeURIComponent(refRoute[1] as string).toLowerCase());
      const ref = `refs/${decodeURIComponent(refRoute[2] as string)}`;
      const sha = dir ? await resolveCommit(dir, ref) : undefined;
      return sha ? { status: 200, body: { ref, object: { sha, type: 'commit' } } } : { status: 404, body: { message: 'Not Found' } };
    }
    const route = /^\/repos\/([^/]+\/[^/]+)\/(compare|git\/trees)\/(.+)$/.exec(url.pathname);
    const dir = route ? byName.get(decodeURIComponent(route[1] as string).toLowerCase()) : undefined;
    if (!route || !dir || request.method !== 'GET') return { status: 404, body: { message: 'Not Found' } };
    return route[2] === 'compare'
      ? compare(dir, route[3] as string, url.searchParams, endpoint, url.pathname)
      : tree(dir, route[3] as string, url.searchParams);
  }
  /** The delivery log's routes, and the local tools' way to make a delivery. */
  async function hookRoute(request: RecordedRequest, url: URL): Promise<CannedResponse | undefined> {
    if (url.pathname === DELIVER_PATH && request.method === 'POST') {
      const { event, payload, guid, missed, hook } = (request.json ?? {}) as Record<string, unknown>;
      if (typeof event !== 'string' || typeof payload !== 'string')
        return { status: 400, body: { message: 'expected {"event", "payload" (the JSON text), "guid"?, "missed"?, "hook"?}' } };
      try {
        const delivery = await hooks.deliver({
          event,
          body: Buffer.from(payload, 'utf8'),
          ...(typeof guid === 'string' ? { guid } : {}),
          ...(missed === 'down' || missed === 'throttled' ? { missed: missed as MissedDelivery } : {}),
          ...(hook && typeof hook === 'object' ? { hook: hook as HookRef } : {}),
        });
        return {
          status: 201,
          body: {
            id: delivery.id,
            guid: delivery.guid,
            status: delivery.status,
            status_code: delivery.statusCode,
            response: { headers: delivery.responseHeaders, payload: delivery.responseBody },
          },
        };
      } catch (error) {
        if (error instanceof PayloadTooLargeForGithub) return { status: 413, body: { message: error.message } };
        return { status: 409, body: { message: (error as Error).message } };
      }
    }
    const appHook = /^\/app\/hook(\/.*)$/.exec(url.pathname);
    if (appHook) {
      const problem = options.app ? jwtProblem(request.headers.authorization, options.app) : 'this GitHub has no App';
      if (problem) return { status: 401, body: { message: problem } };
      return hooks.answer({ app: true }, appHook[1] as string, request, url, endpoint);
    }
    const orgHook = /^\/orgs\/([^/]+)\/hooks\/(\d+)(\/.*)$/.exec(url.pathname);
    if (orgHook) {
      // An org owner's token with admin:org_hook, or the App's installation token (organisation permission "Webhooks").
      const token = tokenOf(request);
      const allowed = issuedTokens.some((t) => t.token === token) || (options.orgHookTokens ?? []).includes(token);
      if (!allowed)
        return {
          status: token ? 403 : 401,
          body: { message: token ? 'Must have admin rights to Repository.' : 'Requires authentication' },
        };
      return hooks.answer(
        { org: decodeURIComponent(orgHook[1] as string), hookId: Number(orgHook[2]) },
        orgHook[3] as string,
        request,
        url,
        endpoint,
      );
    }
    return undefined;
  }

  endpoint = server.endpoint;
  return {
    endpoint: server.endpoint,
    hooks,
    requests: server.requests,
    issuedTokens,
    statuses,
    checkRuns: runs,
    stop: () => server.stop(),
    failWith(answer, only) {
      failure = answer ? { answer, ...only } : undefined;
    },
    openPullRequest(repository, number, pull) {
      pulls.set(`${repository.toLowerCase()}#${number}`, pull);
    },
    addRepository(repository, dir) {
      byName.set(repository.toLowerCase(), dir);
    },
  };
}
