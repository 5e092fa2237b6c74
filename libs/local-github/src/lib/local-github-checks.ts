import { GITHUB_LIMITS } from './local-github-limits';
import type { CannedResponse, RecordedRequest } from '@monorepo-triggers/local-aws';

// Commit statuses and check runs as GitHub takes them: who may write which, and the limits it keeps.

export const STATUS_STATES = ['error', 'failure', 'pending', 'success'];
/** GitHub refuses a check run summary over 65,535 bytes. */
export const CHECK_SUMMARY_LENGTH = 65_535;

/** The token a request carries. */
export const tokenOf = (request: RecordedRequest) => /^bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';

/**
 * Check runs: only a GitHub App's installation token may write them (GitHub answers 403 to a
 * personal token); a summary over 65,535 characters is refused with 422.
 */
export function checkRuns(
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
export function postStatus(repository: string, sha: string, request: RecordedRequest, statuses: PostedStatus[]): CannedResponse {
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
