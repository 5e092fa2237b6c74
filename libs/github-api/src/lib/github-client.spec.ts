import { startRecordingServer, type CannedResponse, type RecordingServer } from '@monorepo-triggers/local-aws';
import { TokenAuth } from './github-auth';
import { GithubApiError, GithubClient } from './github-client';

describe('GithubClient against a local HTTP server', () => {
  let server: RecordingServer;
  let answers: CannedResponse[];
  let slept: number[];

  beforeAll(async () => {
    server = await startRecordingServer(() => answers.shift() ?? { status: 500, body: { message: 'no answer left' } });
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    answers = [];
    slept = [];
    server.requests.length = 0;
  });

  const client = (maxWaitMs = 10_000) =>
    new GithubClient(server.endpoint, new TokenAuth('t0ken'), {
      maxWaitMs,
      sleep: async (ms) => void slept.push(ms),
      now: () => 1_700_000_000_000,
    });
  const status = { state: 'success', context: 'pipeline/orders', description: 'skipped' };

  it('sends a change with the token, GitHub API version and JSON body', async () => {
    answers = [{ status: 201, body: { id: 1 } }];
    await expect(client().write('POST', '/repos/acme/platform/statuses/abc', 'acme/platform', status)).resolves.toEqual({ id: 1 });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/repos/acme/platform/statuses/abc', json: status });
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer t0ken',
      'x-github-api-version': '2022-11-28',
      'content-type': 'application/json',
    });
  });

  it('waits as GitHub says and tries again: retry-after, then a 502', async () => {
    answers = [
      { status: 429, headers: { 'retry-after': '3' }, body: { message: 'slow down' } },
      { status: 502, body: {} },
      { status: 201, body: { id: 2 } },
    ];
    await expect(client().write('POST', '/repos/acme/platform/statuses/abc', 'acme/platform', status)).resolves.toEqual({ id: 2 });
    expect(slept).toEqual([3000, 1000]);
    expect(server.requests).toHaveLength(3);
  });

  it('waits until the primary limit resets', async () => {
    answers = [
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(1_700_000_000 + 4) },
        body: { message: 'API rate limit exceeded' },
      },
      { status: 201, body: {} },
    ];
    await client().write('POST', '/repos/acme/platform/statuses/abc', 'acme/platform', status);
    expect(slept).toEqual([4000]);
  });

  it('gives up at once, without waiting, when the wait GitHub asks for passes what is allowed', async () => {
    answers = [{ status: 403, headers: { 'retry-after': '60' }, body: { message: 'You have exceeded a secondary rate limit' } }];
    const attempt = client(10_000).write('POST', '/repos/acme/platform/statuses/abc', 'acme/platform', status);
    await expect(attempt).rejects.toThrow(/GitHub answered 403 .* \(retry-after 60 s: waiting 60 s more would pass the 10 s allowed\)/);
    await expect(attempt).rejects.toBeInstanceOf(GithubApiError);
    expect(slept).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry an answer that says no: 404, 422', async () => {
    for (const status of [404, 422]) {
      answers = [{ status, body: { message: 'No commit found for SHA' } }];
      await expect(client().write('POST', '/repos/acme/platform/statuses/abc', 'acme/platform', {})).rejects.toMatchObject({ status });
    }
    expect(server.requests).toHaveLength(2);
    expect(slept).toEqual([]);
  });

  it('never sends twice a write that must not happen twice (creating a check run) when GitHub failed after receiving it', async () => {
    answers = [
      { status: 502, body: {} },
      { status: 201, body: { id: 3 } },
    ];
    await expect(
      client().write('POST', '/repos/acme/platform/check-runs', 'acme/platform', {}, { idempotent: false }),
    ).rejects.toMatchObject({ status: 502 });
    expect(server.requests).toHaveLength(1);
    // A rate-limit refusal is another matter: GitHub did not act on it.
    answers = [
      { status: 429, headers: { 'retry-after': '1' }, body: {} },
      { status: 201, body: { id: 4 } },
    ];
    await expect(client().write('POST', '/repos/acme/platform/check-runs', 'acme/platform', {}, { idempotent: false })).resolves.toEqual({
      id: 4,
    });
  });

  it('does not write again when the answer to a successful write cannot be read', async () => {
    answers = [
      { status: 201, body: 'not json' },
      { status: 201, body: { id: 5 } },
    ];
    await expect(client().write('POST', '/repos/acme/platform/statuses/abc', 'acme/platform', status)).rejects.toThrow(SyntaxError);
    expect(server.requests).toHaveLength(1);
  });

  it('reads a page and its next link, once, without retrying', async () => {
    answers = [
      { status: 200, headers: { link: `<${server.endpoint}/repositories/1/compare/a...b?page=2>; rel="next"` }, body: { files: [] } },
    ];
    await expect(client().get('/repos/acme/platform/compare/a...b', 'acme/platform')).resolves.toEqual({
      body: { files: [] },
      next: `${server.endpoint}/repositories/1/compare/a...b?page=2`,
    });
    answers = [{ status: 502, body: {} }];
    await expect(client().get('/repos/acme/platform/compare/a...b', 'acme/platform')).rejects.toMatchObject({ status: 502 });
    expect(slept).toEqual([]);
  });
});

describe('GithubApiError: what asking again can change', () => {
  // Hand-written from GitHub's docs: rate limits are 429, or 403 saying so; other 4xx are answers.
  it.each([
    [429, 'GitHub answered 429 to POST /x: {"message":"Too many requests"}', true, false],
    [403, 'GitHub answered 403 to POST /x: {"message":"API rate limit exceeded for installation"}', true, false],
    [403, 'GitHub answered 403 to POST /x: {"message":"You have exceeded a secondary rate limit"}', true, false],
    [403, 'GitHub answered 403 to POST /x: {"message":"Resource not accessible by integration"}', false, true],
    [404, 'GitHub answered 404 to POST /x: {"message":"Not Found"}', false, true],
    [422, 'GitHub answered 422 to POST /x: {"message":"Validation Failed"}', false, true],
    [408, 'GitHub answered 408 to POST /x: timeout', false, false],
    [502, 'GitHub answered 502 to POST /x: Bad Gateway', false, false],
  ])('%i %s: rate limited %s, permanent %s', (status, message, rateLimited, permanent) => {
    const error = new GithubApiError(status, message);
    expect({ rateLimited: error.rateLimited, permanent: error.permanent }).toEqual({ rateLimited, permanent });
  });
});
