import { compileTrigger, createChangeSet, decide, validateTriggerConfig, type TriggerConfig } from '@monorepo-triggers/config-schema';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import picomatch from 'picomatch';
import { lambdaHttpEvent } from '@monorepo-triggers/test-harness';
import { deliverToWebhook } from './webhook-bundle';

const SECRET = 'property-secret';
const hmac = (body: Buffer) => 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex');

describe('[property] webhook handler under random requests', () => {
  const header = fc.oneof(fc.constant(undefined), fc.string(), fc.constantFrom('push', 'ping', 'pull_request', 'PUSH', '', 'push\n'));
  const contentType = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8', ''),
    fc.string(),
  );
  const body = fc.oneof(
    fc.string(),
    fc.json(),
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1')),
    fc
      .record({
        ref: fc.string(),
        before: fc.string(),
        after: fc.string(),
        repository: fc.record({ full_name: fc.string() }),
        commits: fc.array(fc.record({ id: fc.string(), added: fc.array(fc.string()) })),
      })
      .map((o) => JSON.stringify(o)),
  );
  const request = fc.record({
    shape: fc.constantFrom('v1', 'v2'),
    method: fc.constantFrom('POST', 'GET', 'PUT', 'post', ''),
    event: header,
    contentType,
    body,
    base64: fc.boolean(),
    signature: fc.oneof(
      fc.constant<'valid'>('valid'),
      fc.constant(undefined),
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((h) => `sha256=${h}`),
    ),
    upperCaseHeaders: fc.boolean(),
  });

  it('never answers 5xx to bad input, and dispatches only deliveries signed with the secret (2,000 random requests)', async () => {
    // Sampled with a fixed seed and sent to one process of the built webhook in turn (a process per
    // request would take minutes); each request is then checked on its own answer.
    const samples = fc.sample(request, { numRuns: 2000, seed: 20261125 }).map((r) => {
      const raw = Buffer.from(r.body, 'utf8');
      const signature = r.signature === 'valid' ? hmac(raw) : r.signature;
      const headers: Record<string, string> = {};
      const put = (name: string, value: string | undefined) =>
        value !== undefined && (headers[r.upperCaseHeaders ? name.toUpperCase() : name] = value);
      put('x-github-event', r.event);
      put('content-type', r.contentType);
      put('x-hub-signature-256', signature);
      const encoded = r.base64 ? raw.toString('base64') : r.body;
      const event = lambdaHttpEvent({ shape: r.shape, method: r.method, headers, body: encoded, isBase64Encoded: r.base64 });
      return { r, event, validlySigned: typeof signature === 'string' && signature.toLowerCase() === hmac(raw) };
    });
    const answers = await deliverToWebhook(
      samples.map((s) => s.event),
      SECRET,
    );
    expect(answers).toHaveLength(2000);
    // Enough of each kind for the property to say something: validly signed, and refused as unsigned.
    expect(samples.filter((s) => s.validlySigned).length).toBeGreaterThan(100);
    expect(answers.filter((a) => a.status === 401).length).toBeGreaterThan(100);
    samples.forEach(({ r, validlySigned }, i) => {
      const { status, dispatched } = answers[i] as (typeof answers)[number];
      expect(status).toBeLessThan(500);
      if (dispatched.length > 0) {
        expect(validlySigned).toBe(true);
        expect(status).toBe(202);
      }
      if (!validlySigned && r.method.toUpperCase() === 'POST') expect([401, 413]).toContain(status);
    });
  });
});

describe('[property] config parser under random JSON', () => {
  it('returns validation issues, never throws (3,000 random documents)', () => {
    const near = fc.record(
      {
        version: fc.oneof(fc.constant(1), fc.jsonValue()),
        repository: fc.oneof(fc.constant('a/b'), fc.string()),
        pipelineName: fc.oneof(fc.constant('p'), fc.string()),
        branches: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
        includePaths: fc.oneof(fc.array(fc.string({ maxLength: 20 })), fc.jsonValue()),
        excludePaths: fc.array(fc.string({ maxLength: 20 })),
        pathSyntax: fc.oneof(fc.constantFrom('regex', 'glob'), fc.string()),
        variables: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.jsonValue())),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), near), (input) => {
        const result = validateTriggerConfig(input);
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) expect(typeof issue.path === 'string' && typeof issue.message === 'string').toBe(true);
        }
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });
});

describe('[property] matcher against a straightforward reference implementation', () => {
  const segment = fc.constantFrom('a', 'b', 'ab', 'src', 'docs', '.github', 'x.md', 'y.ts', '-', 'é', '日');
  const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
  const regex = fc
    .tuple(
      fc.boolean(),
      fc.array(fc.constantFrom('a', 'b', 'src', '/', '\\.md', 'docs/', '.*', '[ab]', 'x?', '(a|b)', '\\.'), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
    )
    .map(([anchor, parts, end]) => `${anchor ? '^' : ''}${parts.join('')}${end ? '$' : ''}`);
  const glob = fc
    .array(fc.constantFrom('a', 'b', 'src', '*', '**', '*.md', 'docs', '.github', '{a,b}'), { minLength: 1, maxLength: 4 })
    .map((s) => s.join('/'));
  const refName = fc
    .array(fc.constantFrom('main', 'release', '1.0', 'v1', 'feature', 'x'), { minLength: 1, maxLength: 3 })
    .map((s) => s.join('/'));
  const refGlob = fc
    .array(fc.constantFrom('main', 'release', '*', '**', 'v*', 'feature'), { minLength: 1, maxLength: 3 })
    .map((s) => s.join('/'));

  /**
   * The obvious semantics, written independently of the code under test (which compiles globs itself
   * and runs everything on re2js): JavaScript's RegExp for regexes, picomatch for globs, compile
   * everything, test everything. One documented rule is added to picomatch: `X/**` also matches
   * whatever X matches (picomatch does so only when X is plain text).
   */
  function reference(config: TriggerConfig, ref: string, deleted: boolean, paths: string[]): boolean {
    if (deleted) return false;
    const pm = (g: string, name: string) => picomatch(g, { dot: true, nonegate: true })(name);
    const glob = (g: string) => ({ test: (name: string) => pm(g, name) || (g.endsWith('/**') && pm(g.slice(0, -3), name)) });
    const compile = (p: string) => (config.pathSyntax === 'glob' ? glob(p) : new RegExp(p));
    const globMatch = (globs: string[], name: string) => globs.some((g) => glob(g).test(name));
    if (ref.startsWith('refs/tags/')) return globMatch(config.tags, ref.slice(10));
    if (!ref.startsWith('refs/heads/') || !globMatch(config.branches, ref.slice(11))) return false;
    const includes = config.includePaths.map(compile);
    const excludes = config.excludePaths.map(compile);
    return paths.some((p) => includes.some((r) => r.test(p)) && !excludes.some((r) => r.test(p)));
  }

  it('decides exactly like the reference, for regexes and globs, branches and tags (5,000 random scenarios)', () => {
    const scenario = fc.record({
      syntax: fc.constantFrom('regex', 'glob'),
      branches: fc.array(refGlob, { minLength: 1, maxLength: 3 }),
      tags: fc.array(refGlob, { maxLength: 2 }),
      regexIncludes: fc.array(regex, { minLength: 1, maxLength: 3 }),
      regexExcludes: fc.array(regex, { maxLength: 2 }),
      globIncludes: fc.array(glob, { minLength: 1, maxLength: 3 }),
      globExcludes: fc.array(glob, { maxLength: 2 }),
      ref: fc.tuple(fc.constantFrom('refs/heads/', 'refs/tags/', 'refs/pull/'), refName).map(([k, n]) => k + n),
      deleted: fc.boolean(),
      paths: fc.array(path, { maxLength: 12 }),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        const result = validateTriggerConfig({
          version: 1,
          repository: 'acme/platform',
          pipelineName: 'p',
          branches: s.branches,
          tags: s.tags,
          pathSyntax: s.syntax,
          includePaths: s.syntax === 'glob' ? s.globIncludes : s.regexIncludes,
          excludePaths: s.syntax === 'glob' ? s.globExcludes : s.regexExcludes,
        });
        expect(result.ok).toBe(true); // every generated pattern is valid RE2 syntax or a supported glob
        if (!result.ok) return;
        const decision = decide(
          compileTrigger(result.value),
          { repository: 'acme/platform', ref: s.ref, deleted: s.deleted },
          createChangeSet(s.paths, true),
        );
        expect(decision.start).toBe(reference(result.value, s.ref, s.deleted, s.paths));
      }),
      { numRuns: 5000, seed: 20261125 },
    );
  });
});
