import { compileTrigger, createChangeSet, decide, validateTriggerConfig } from '@monorepo-triggers/config-schema';
import { delivery, minimalPush } from '@monorepo-triggers/test-harness';
import { createHmac } from 'node:crypto';
import { deliverToWebhook } from './webhook-bundle';

const SECRET = 'hostile-secret';
/** GitHub drops deliveries over 25 MB, and so does the webhook (MAX_BODY_BYTES in apps/webhook). */
const GITHUB_MAX_BODY_BYTES = 25 * 1024 * 1024;

/** Runs one delivery through the built webhook; counts what reached the local Lambda endpoint. */
const webhook = async (event: ReturnType<typeof delivery>) => {
  const [answer] = await deliverToWebhook([event], SECRET);
  if (!answer) throw new Error('no answer');
  return answer;
};

const config = (overrides: Record<string, unknown> = {}) => ({
  version: 1,
  repository: 'acme/platform',
  pipelineName: 'p',
  branches: ['main'],
  includePaths: ['^services/orders/'],
  ...overrides,
});
const trigger = (overrides: Record<string, unknown> = {}) => {
  const result = validateTriggerConfig(config(overrides));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return compileTrigger(result.value);
};
const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };

describe('[hostile] webhook deliveries', () => {
  it('truncated JSON: 400, nothing dispatched', async () => {
    const r = await webhook(delivery({ body: minimalPush().slice(0, 40), secret: SECRET }));
    expect(r).toMatchObject({ status: 400, dispatched: [] });
  });

  it('deeply nested JSON (100,000 levels): answered without crashing', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const nestedInField = minimalPush().replace('"forced":false', `"forced":false,"junk":${deep}`);
    const top = await webhook(delivery({ body: deep, secret: SECRET }));
    const field = await webhook(delivery({ body: nestedInField, secret: SECRET }));
    expect(top.status).toBe(400);
    expect(field.status).toBe(202);
    expect(field.dispatched).toHaveLength(1);
  });

  it('a 26 MB body: 413 before any work', async () => {
    const r = await webhook(delivery({ body: Buffer.alloc(GITHUB_MAX_BODY_BYTES + 1024 * 1024, 0x61), secret: SECRET }));
    expect(r).toMatchObject({ status: 413, dispatched: [] });
  });

  it('a wrong content type: 400 naming the accepted ones', async () => {
    const r = await webhook(delivery({ body: minimalPush(), secret: SECRET, contentType: 'text/xml' }));
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/application\/json or application\/x-www-form-urlencoded/);
  });

  it('a missing content type: read as JSON', async () => {
    const r = await webhook(delivery({ body: minimalPush(), secret: SECRET, contentType: null }));
    expect(r).toMatchObject({ status: 202 });
  });

  it('a signature of the right length but the wrong value: 401', async () => {
    const r = await webhook(delivery({ body: minimalPush(), signature: `sha256=${'f'.repeat(64)}` }));
    expect(r).toMatchObject({ status: 401, body: { message: 'unauthorized' }, dispatched: [] });
  });

  it('a valid signature over a different body: 401', async () => {
    const event = delivery({ body: minimalPush(), secret: SECRET });
    event.body = minimalPush({ ref: 'refs/heads/attacker' });
    expect(await webhook(event)).toMatchObject({ status: 401, dispatched: [] });
  });

  it('a signature with a NUL byte or a second header value: 401 or the first value only', async () => {
    const body = minimalPush();
    const good = 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex');
    expect((await webhook(delivery({ body, signature: good + '\u0000' }))).status).toBe(401);
  });

  it('unicode, NUL bytes and 4,000-character paths in a push: accepted and handed over intact', async () => {
    const long = `services/orders/${'ü'.repeat(2000)}/${'x'.repeat(2000)}.ts`;
    const r = await webhook(
      delivery({
        body: minimalPush({
          commits: [{ id: 'c', distinct: true, added: [long, 'docs/\u0000nul.md', 'services/日本/🚀.ts'], removed: [], modified: [] }],
        }),
        secret: SECRET,
      }),
    );
    expect(r.status).toBe(202);
    expect((r.dispatched[0] as { changedPaths: string[] }).changedPaths).toEqual(['docs/\u0000nul.md', long, 'services/日本/🚀.ts'].sort());
  });
});

describe('[hostile] paths and configs for the matcher', () => {
  it('very long and unicode paths are matched correctly', () => {
    const long = `services/orders/${'ü'.repeat(4000)}.ts`;
    expect(decide(trigger(), push, createChangeSet([long], true)).start).toBe(true);
    expect(decide(trigger({ includePaths: ['^services/日本/'] }), push, createChangeSet(['services/日本/🚀.ts'], true)).start).toBe(true);
  });

  it('".." segments are matched literally, as git reports paths (git never emits them)', () => {
    const d = decide(trigger({ includePaths: ['^services/billing/'] }), push, createChangeSet(['services/orders/../billing/x.ts'], true));
    expect(d.start).toBe(false);
  });

  it('NUL bytes in paths neither crash nor match what they should not', () => {
    expect(decide(trigger(), push, createChangeSet(['services/orders\u0000/x.ts', '\u0000services/orders/x'], true)).start).toBe(false);
    expect(decide(trigger(), push, createChangeSet(['services/orders/\u0000.ts'], true)).start).toBe(true);
  });

  it('a config with 10,000 patterns: rejected with the limit, not slowly accepted', () => {
    const result = validateTriggerConfig(config({ includePaths: Array.from({ length: 10_000 }, (_, i) => `^p${i}/`) }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]).toMatchObject({ path: 'includePaths', message: expect.stringMatching(/500/) });
  });

  // Each of these takes V8's backtracking engine seconds to forever on the text beside it. On the
  // linear-time engine they are valid patterns like any other, and the decision comes back.
  it.each([
    ['^(a+)+$', `${'a'.repeat(4000)}!`, false],
    ['(x+x+)+y', 'x'.repeat(4000), false],
    ['^(\\w+\\s?)*$', `${'word '.repeat(800)}!`, false],
    ['(.*a){12}$', `${'a'.repeat(4000)}b`, false],
    ['^services/(a|a)*$', `services/${'a'.repeat(4000)}!`, false],
    ['a.*b.*c.*d', `${'abc'.repeat(1300)}`, false],
    [`${'(.|.)'.repeat(32)}#`, 'x'.repeat(4000), false],
    [`^${'(a|a)?'.repeat(30)}b`, 'a'.repeat(4000), false],
    ['.*\\.tf1$', `${'a'.repeat(3000)}.tf1`, true],
  ])('pattern %s, catastrophic for a backtracking engine: accepted, and decided in one pass', (pattern, path, starts) => {
    const result = validateTriggerConfig(config({ includePaths: ['^ok/', pattern] }));
    expect(result.ok).toBe(true);
    expect(decide(trigger({ includePaths: ['^ok/', pattern] }), push, createChangeSet([path], true)).start).toBe(starts);
  });

  it('glob **/*{?,?}{?,?}…# (22 pairs): nothing is expanded, decided in one pass', () => {
    const glob = `**/*${'{?,?}'.repeat(22)}#`;
    expect(validateTriggerConfig(config({ pathSyntax: 'glob', includePaths: [glob] })).ok).toBe(true);
    const t = trigger({ pathSyntax: 'glob', includePaths: [glob] });
    expect(decide(t, push, createChangeSet([`a/${'x'.repeat(4000)}`], true)).start).toBe(false);
    expect(decide(t, push, createChangeSet([`a/${'x'.repeat(22)}#`], true)).start).toBe(true);
  });

  it.each([
    ['(\\1|a)*b', /back-reference \(\\1\)/],
    ['^(?!docs/)', /lookahead \(\(\?!\)/],
    ['(?<=src/)main', /lookbehind \(\(\?<=\)/],
  ])('JavaScript-only construct %s: refused with the construct named, never run', (pattern, message) => {
    const result = validateTriggerConfig(config({ includePaths: ['^ok/', pattern] }));
    expect(!result.ok && result.issues).toEqual([{ path: 'includePaths[1]', message: expect.stringMatching(message) }]);
  });

  it('oversized variables: rejected by name and limit', () => {
    // CodePipeline takes 50 variables per start; a push's start sets 3 itself: 47 are left.
    const variables = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`V${i}`, 'x']));
    expect(validateTriggerConfig(config({ variables: variables(50 - 3) })).ok).toBe(true);
    expect(validateTriggerConfig(config({ variables: variables(50 - 3 + 1) }))).toMatchObject({
      ok: false,
      issues: [{ path: 'variables', message: 'at most 47 variables' }],
    });
    const big = validateTriggerConfig(config({ variables: { BIG: 'x'.repeat(1001) } }));
    expect(!big.ok && big.issues[0]?.path).toBe('variables.BIG');
    const longName = validateTriggerConfig(config({ variables: { ['N'.repeat(129)]: 'x' } }));
    expect(!longName.ok && longName.issues[0]?.path).toMatch(/^variables\.N+$/);
  });
});
