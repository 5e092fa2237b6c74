import type { Dispatcher, EvalEvent } from '@monorepo-triggers/eval-input';
import { delivery, formBody, minimalPush } from '@monorepo-triggers/test-harness';
import examples from '@octokit/webhooks-examples';
import { handleDelivery, MAX_BODY_BYTES, toHttpRequest } from './handle-delivery';

/** An in-memory Dispatcher: this unit test is about the answer, not about Lambda. */
class RecordingDispatcher implements Dispatcher {
  readonly events: EvalEvent[] = [];
  fail = false;
  async dispatch(event: EvalEvent) {
    if (this.fail) throw new Error('Lambda said no');
    this.events.push(event);
    return { mode: 'invoke' as const, bytes: 1 };
  }
}

const SECRET = 'test-secret';

type Example = { action: string; number: number; pull_request: { merged?: boolean | null } };
const pullRequestExamples = (examples as { name: string; examples: Example[] }[]).find((e) => e.name === 'pull_request')?.examples ?? [];
/** Whether a pull_request action can start a pipeline (docs/trigger-config.md, "Pull requests"), written out by hand. */
const startsSomething = (p: Example) =>
  ['opened', 'synchronize', 'reopened', 'ready_for_review'].includes(p.action) || (p.action === 'closed' && p.pull_request.merged === true);

describe.each(['v1', 'v2'] as const)('handleDelivery with API Gateway %s events', (shape) => {
  let dispatcher: RecordingDispatcher;
  const run = (options: Parameters<typeof delivery>[0], secrets = [SECRET]) =>
    handleDelivery(toHttpRequest(delivery({ shape, ...options })), 'delivery-1', { secrets, dispatcher });

  beforeEach(() => {
    dispatcher = new RecordingDispatcher();
  });

  it('accepts a signed push with 202 and hands the compact event to eval', async () => {
    const result = await run({ body: minimalPush() });
    expect(result.response.statusCode).toBe(202);
    expect(JSON.parse(result.response.body)).toEqual({ message: 'accepted', deliveryId: 'delivery-1' });
    expect(dispatcher.events).toHaveLength(1);
    expect(dispatcher.events[0]).toMatchObject({
      repository: 'Acme/Platform',
      ref: 'refs/heads/main',
      changedPaths: ['README.md', 'services/orders/a.ts'],
      deliveryId: 'delivery-1',
    });
  });

  it('answers 405 to anything but POST', async () => {
    expect((await run({ body: minimalPush(), method: 'GET' })).response.statusCode).toBe(405);
    expect(dispatcher.events).toEqual([]);
  });

  it.each([
    ['missing', null],
    ['made with another secret', 'another'],
    ['right length, wrong value', 'sha256=' + '0'.repeat(64)],
    ['malformed', 'sha256=xyz'],
  ])('answers 401 with no detail to a signature that is %s, and dispatches nothing', async (_name, signature) => {
    const body = minimalPush();
    const sig = signature === 'another' ? undefined : signature;
    const result = await run({ body, signature: sig, secret: signature === 'another' ? 'another-secret' : SECRET });
    expect(result.response.statusCode).toBe(401);
    expect(JSON.parse(result.response.body)).toEqual({ message: 'unauthorized' });
    expect(result.response.body).not.toContain(SECRET);
    expect(dispatcher.events).toEqual([]);
  });

  it('answers 401 to a valid signature over a different body', async () => {
    const event = delivery({ shape, body: minimalPush() });
    event.body = minimalPush({ ref: 'refs/heads/evil' });
    const result = await handleDelivery(toHttpRequest(event), 'd', { secrets: [SECRET], dispatcher });
    expect(result.response.statusCode).toBe(401);
    expect(dispatcher.events).toEqual([]);
  });

  it('accepts the previous secret during rotation', async () => {
    const result = await run({ body: minimalPush(), secret: 'old-secret' }, [SECRET, 'old-secret']);
    expect(result.response.statusCode).toBe(202);
  });

  // GitHub's documented cap on a delivery, 25 MB, written here by hand: exactly that is checked, one byte more is not.
  const GITHUB_MAX_DELIVERY_BYTES = 25 * 1024 * 1024;

  it('answers 413 to a body over 25 MB before computing its HMAC or reading a secret', async () => {
    let secretsRead = 0;
    const request = toHttpRequest(
      delivery({ shape, body: Buffer.alloc(GITHUB_MAX_DELIVERY_BYTES + 1, 0x20), signature: `sha256=${'a'.repeat(64)}` }),
    );
    const result = await handleDelivery(request, 'd', { secrets: async () => (secretsRead++, [SECRET]), dispatcher });
    expect(result.response.statusCode).toBe(413);
    expect(secretsRead).toBe(0);
  });

  it('checks the signature of a body of exactly 25 MB', async () => {
    const request = toHttpRequest(
      delivery({ shape, body: Buffer.alloc(GITHUB_MAX_DELIVERY_BYTES, 0x20), signature: `sha256=${'a'.repeat(64)}` }),
    );
    const result = await handleDelivery(request, 'd', { secrets: [SECRET], dispatcher });
    expect(result).toMatchObject({ outcome: 'unauthorized:mismatch', response: { statusCode: 401 } });
  });

  it.each([
    ['no signature', null],
    ['a malformed signature', 'sha256=not-hex'],
  ])('answers 401 to %s on the headers alone: the body is not read, no secret is fetched', async (_name, signature) => {
    let secretsRead = 0;
    const { method, headers } = toHttpRequest(delivery({ shape, body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), signature }));
    const untouchable = {
      method,
      headers,
      get body(): string {
        throw new Error('the body of an unsigned request was read');
      },
    };
    const result = await handleDelivery(untouchable, 'd', { secrets: async () => (secretsRead++, [SECRET]), dispatcher });
    expect(result).toMatchObject({
      outcome: expect.stringMatching(/^unauthorized:(missing|malformed)-signature$/),
      response: { statusCode: 401 },
    });
    expect(secretsRead).toBe(0);
    expect(dispatcher.events).toEqual([]);
  });

  it('answers 503, dispatching nothing, when the secret cannot be read (GitHub shows it; redeliver later)', async () => {
    const event = delivery({ shape, body: minimalPush() });
    const result = await handleDelivery(toHttpRequest(event), 'd', {
      secrets: async () => Promise.reject(Object.assign(new Error('down'), { name: 'InternalServiceError' })),
      dispatcher,
    });
    expect(result).toMatchObject({ outcome: 'secret-unavailable', error: 'InternalServiceError: down', response: { statusCode: 503 } });
    expect(dispatcher.events).toEqual([]);
  });

  it('answers 400 when X-GitHub-Event is missing', async () => {
    const result = await run({ body: minimalPush(), event: null });
    expect(result.response.statusCode).toBe(400);
  });

  it('answers 400 to a malformed X-GitHub-Event', async () => {
    expect((await run({ body: minimalPush(), event: 'Push Event!' })).response.statusCode).toBe(400);
  });

  it('answers ping with 200', async () => {
    const result = await run({ body: JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }), event: 'ping' });
    expect(result.response.statusCode).toBe(200);
    expect(JSON.parse(result.response.body)).toEqual({ message: 'pong' });
  });

  it('answers other events with 202 and ignored', async () => {
    const result = await run({ body: JSON.stringify({ action: 'created' }), event: 'issue_comment' });
    expect(result.response.statusCode).toBe(202);
    expect(JSON.parse(result.response.body)).toEqual({ message: 'ignored', ignored: true, event: 'issue_comment' });
    expect(dispatcher.events).toEqual([]);
  });

  it.each(pullRequestExamples.map((p, i) => [i, p.action, p] as const))(
    'hands eval a real pull_request delivery (#%i, %s) when its action can start a pipeline, and no other',
    async (_i, action, payload) => {
      const result = await run({ body: JSON.stringify(payload), event: 'pull_request' });
      expect(result.response.statusCode).toBe(202);
      expect(result).toMatchObject({ event: 'pull_request', pullRequest: payload.number, action });
      if (startsSomething(payload)) {
        expect(result.outcome).toBe('dispatched');
        expect(dispatcher.events).toEqual([expect.objectContaining({ type: 'pull_request', number: payload.number })]);
      } else {
        expect(result.outcome).toBe('ignored');
        expect(JSON.parse(result.response.body)).toMatchObject({ ignored: true, action });
        expect(dispatcher.events).toEqual([]);
      }
    },
  );

  it('answers 400 to a pull_request delivery that is not one, naming the fields', async () => {
    const result = await run({ body: JSON.stringify({ action: 'opened' }), event: 'pull_request' });
    expect(result.response.statusCode).toBe(400);
    expect(JSON.parse(result.response.body).message).toMatch(/^invalid pull request payload: .*number/);
    expect(dispatcher.events).toEqual([]);
  });

  it('decodes base64 bodies before checking the signature', async () => {
    const body = minimalPush({ repository: { full_name: 'Acme/Ünïcode', default_branch: 'main' } });
    const result = await run({ body, base64: true });
    expect(result.response.statusCode).toBe(202);
    expect(dispatcher.events[0]?.repository).toBe('Acme/Ünïcode');
  });

  it('accepts form-encoded deliveries (payload= field), signed over the form body', async () => {
    const result = await run({ body: formBody(minimalPush()), contentType: 'application/x-www-form-urlencoded' });
    expect(result.response.statusCode).toBe(202);
    expect(dispatcher.events[0]).toMatchObject({ type: 'push', ref: 'refs/heads/main' });
  });

  it('reads headers case-insensitively', async () => {
    expect((await run({ body: minimalPush(), headerCase: 'lower' })).response.statusCode).toBe(202);
  });

  it.each([
    ['truncated JSON', minimalPush().slice(0, 50), 'application/json', /not valid JSON/],
    ['a form without payload', 'other=1', 'application/x-www-form-urlencoded', /no payload field/],
    ['an unsupported content type', minimalPush(), 'text/plain', /unsupported content type/],
    [
      'a push without ref',
      JSON.stringify({ before: 'a', after: 'b', repository: { full_name: 'a/b' } }),
      'application/json',
      /invalid push payload: ref/,
    ],
  ])('answers 400 to %s', async (_name, body, contentType, message) => {
    const result = await run({ body, contentType });
    expect(result.response.statusCode).toBe(400);
    expect(JSON.parse(result.response.body).message).toMatch(message);
    expect(dispatcher.events).toEqual([]);
  });

  it('answers 502 when eval cannot be invoked, so GitHub records a failed delivery', async () => {
    dispatcher.fail = true;
    const result = await run({ body: minimalPush() });
    expect(result.response.statusCode).toBe(502);
    expect(result.outcome).toBe('dispatch-failed');
  });
});
