import { randomBytes } from 'node:crypto';
import { DELIVER_PATH, LocalHookDeliveries, PayloadTooLargeForGithub, type HookRef, type MissedDelivery } from './local-github-hooks';
import { GithubRateLimit } from './github-rate-limit';
import { installationOf, jwtProblem, TOKEN_LIFETIME_MS, type LocalGithubApp } from './local-github-app';
import { checkRuns, postStatus, tokenOf, type CheckRun, type PostedStatus } from './local-github-checks';
import {
  addRepositoryProblem,
  compare,
  git,
  pullRequest,
  pullRequestFiles,
  resolveCommit,
  tree,
  type LocalPullRequest,
} from './local-github-git';
import { startRecordingServer, type CannedResponse, type RecordedRequest, type RecordingServer } from '@monorepo-triggers/local-aws';

export { GITHUB_LIMITS } from './local-github-limits';
export { githubAppKeyPair } from './local-github-app';
export type { LocalGithubApp } from './local-github-app';
export type { CheckRun, PostedStatus } from './local-github-checks';
export type { LocalPullRequest } from './local-github-git';

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
