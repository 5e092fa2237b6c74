import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { claimCheckSchema, compactPushEventSchema } from '@monorepo-triggers/eval-input';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import {
  githubAppKeyPair,
  invokeTooLarge,
  largePush,
  localS3ClientConfig,
  pushAdding,
  runBundle,
  emfMetrics,
  metricValues,
  startConditionalS3Proxy,
  startLocalGithub,
  startLocalSecretsManager,
  startRecordingServer,
  startS3Server,
  type ConditionalS3Proxy,
  type LocalGithub,
  type LocalSecretsManager,
  type RecordedRequest,
  type RecordingServer,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';

const BUNDLE = join(__dirname, '../../../dist/apps/reconcile/main.js');
const BUCKET = 'triggers';
const SECRET = 'webhook-secret';
const APP_SECRET_ID = 'monorepo-triggers/github-app';

type Report = { webhook: string; examined: number; recoveries: { guid: string; result: string }[]; complete: boolean; stopped?: string };

/**
 * The built reconcile bundle, run in a fresh process per pass as Lambda runs it: signed in as the
 * GitHub App through a local Secrets Manager, reading the stand-in GitHub's delivery log, keeping its
 * ledger in s3rver behind S3's conditional writes, handing payloads to a recording eval (Lambda's
 * Invoke, with its 1 MB asynchronous limit). The webhook is a recording server whose answers the test
 * sets; the whole system end to end is apps/cli/tests/recovery.e2e.spec.ts.
 */
describe('the reconcile bundle dist/apps/reconcile/main.js', () => {
  let s3: S3Server;
  let proxy: ConditionalS3Proxy;
  let client: S3Client;
  let secrets: LocalSecretsManager;
  let webhook: RecordingServer;
  let evalLambda: RecordingServer;
  let github: LocalGithub;
  const app = { appId: '11', ...githubAppKeyPair() };
  let webhookAnswer = 202;

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: [BUCKET] });
    proxy = await startConditionalS3Proxy(s3.endpoint);
    client = createS3Client(localS3ClientConfig(proxy.endpoint));
    secrets = await startLocalSecretsManager({
      [APP_SECRET_ID]: JSON.stringify({ appId: app.appId, privateKey: app.privateKey }),
      'monorepo-triggers/github-token': 'ghp_org_owner',
    });
    webhook = await startRecordingServer((request) => ({ status: request.body.length > 6_291_456 ? 413 : webhookAnswer, body: {} }));
    evalLambda = await startRecordingServer(
      (request: RecordedRequest) => invokeTooLarge(request.body, request.headers['x-amz-invocation-type'] as string) ?? { status: 202 },
    );
    github = await startLocalGithub(
      {},
      {
        app: { appId: app.appId, publicKey: app.publicKey, installations: () => 1 },
        webhook: { url: webhook.endpoint, secret: SECRET },
        orgHookTokens: ['ghp_org_owner'],
      },
    );
  });
  afterAll(async () => {
    client.destroy();
    await Promise.all([github.stop(), webhook.stop(), evalLambda.stop(), secrets.stop(), proxy.stop(), s3.stop()]);
  });

  const environment = (overrides: Record<string, string | undefined> = {}) => ({
    ...s3.env,
    AWS_ENDPOINT_URL_S3: proxy.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: evalLambda.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    CONFIG_BUCKET: BUCKET,
    EVAL_FUNCTION_NAME: 'monorepo-triggers-eval',
    GITHUB_API_URL: github.endpoint,
    GITHUB_APP_SECRET_ID: APP_SECRET_ID,
    GITHUB_TOKEN: undefined,
    RECONCILE_HOOKS: 'app',
    ...overrides,
  });
  /** One pass in a fresh process: its report and the JSON lines it logged. */
  async function pass(
    input: unknown = {},
    env = environment(),
  ): Promise<{ report: Report; logs: Record<string, unknown>[]; metrics: Record<string, number[] | undefined> }> {
    const run = await runBundle(BUNDLE, [{ event: input }], env);
    const result = run.results[0];
    if (!result?.ok) throw new Error(`the pass failed: ${result?.error ?? run.stderr}`);
    // Its metrics (docs/operations.md#metrics), read as CloudWatch reads embedded-metric-format lines.
    const values = metricValues(emfMetrics(run.logLines), 'MonorepoTriggers', { service: 'reconcile' });
    return {
      report: (result.value as { webhooks: Report[] }).webhooks[0] as Report,
      logs: run.logLines.map((l) => JSON.parse(l)),
      metrics: Object.fromEntries(Object.entries(values).map(([name, { values: written }]) => [name, written])),
    };
  }
  const push = (after: string) => Buffer.from(pushAdding(after, ['services/orders/a.ts']));
  const redelivered = () => github.hooks.log.filter((d) => d.redelivery).map((d) => d.guid);

  it('refuses to start without its settings, naming them', async () => {
    for (const [env, message] of [
      [{ RECONCILE_HOOKS: undefined }, /RECONCILE_HOOKS: is required: the webhooks to reconcile/],
      [{ RECONCILE_HOOKS: 'app,org:acme' }, /RECONCILE_HOOKS: "org:acme": a webhook is app or org:ORG:HOOK_ID/],
      [{ GITHUB_APP_SECRET_ID: undefined }, /set GITHUB_APP_SECRET_ID .* or GITHUB_TOKEN_SECRET_ID/],
    ] as const) {
      const run = await runBundle(BUNDLE, [{ event: {} }], environment(env));
      expect(run.results[0]).toMatchObject({ ok: false, error: expect.stringMatching(message) });
    }
  });

  it('recovers what the webhook missed: redelivered when it fits, a 7 MB push handed to eval through the claim check; the next pass does nothing', async () => {
    const down = await github.hooks.deliver({ event: 'push', body: push('1'.repeat(40)), missed: 'down' });
    const throttled = await github.hooks.deliver({ event: 'push', body: push('2'.repeat(40)), missed: 'throttled' });
    const big = JSON.parse(largePush(7)) as Record<string, unknown>;
    Object.assign(big, { after: '3'.repeat(40), head_commit: { id: '3'.repeat(40) } });
    const large = await github.hooks.deliver({ event: 'push', body: Buffer.from(JSON.stringify(big)) });
    expect([down.statusCode, throttled.statusCode, large.statusCode]).toEqual([0, 429, 413]);

    const { report, logs, metrics } = await pass();
    expect(report.recoveries.map((r) => [r.guid, r.result]).sort()).toEqual(
      [
        [down.guid, 'redelivered'],
        [throttled.guid, 'redelivered'],
        [large.guid, 'handed-to-eval'],
      ].sort(),
    );
    expect(redelivered().sort()).toEqual([down.guid, throttled.guid].sort());
    // GitHub signed the redeliveries with the webhook's secret, under the same delivery ids.
    expect(webhook.requests.map((r) => r.headers['x-github-delivery']).sort()).toEqual([down.guid, throttled.guid, large.guid].sort());
    // eval got a claim check (the compact event is over Lambda's 1 MB), and the event it names is the push.
    const claim = claimCheckSchema.parse(evalLambda.requests[0]?.json);
    expect(claim).toMatchObject({ deliveryId: large.guid, bucket: BUCKET });
    const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: claim.key }));
    // Its time to start counts from when GitHub first sent it (its delivery log), not from its recovery.
    const firstSent = github.hooks.log.find((d) => d.guid === large.guid && !d.redelivery)?.deliveredAt as number;
    expect(compactPushEventSchema.parse(JSON.parse((await stored.Body?.transformToString()) ?? ''))).toMatchObject({
      deliveryId: large.guid,
      after: '3'.repeat(40),
      receivedAt: new Date(firstSent).toISOString(),
    });
    expect(logs.filter((l) => l['msg'] === 'recovery')).toHaveLength(3);
    expect(logs.find((l) => l['msg'] === 'reconcile-summary')).toMatchObject({ level: 'INFO', recovered: 3, complete: true });
    // Three pushes examined, three builds that would have been lost recovered: what the alarm fires on.
    expect(metrics).toMatchObject({ DeliveriesExamined: [3], DeliveriesRecovered: [3], DeliveriesAbandoned: [0] });
    expect(metrics['GitHubCalls']?.[0]).toBeGreaterThan(0);

    const second = await pass();
    expect(second.report.recoveries).toEqual([]);
    expect(second.metrics).toMatchObject({ DeliveriesExamined: [second.report.examined], DeliveriesRecovered: [0] });
    expect(redelivered()).toHaveLength(2);
    expect(evalLambda.requests).toHaveLength(1);
  });

  it('a pass interrupted by GitHub failing saves its place; the next recovers everything, once', async () => {
    webhookAnswer = 502;
    const lost = [
      await github.hooks.deliver({ event: 'push', body: push('4'.repeat(40)) }),
      await github.hooks.deliver({ event: 'push', body: push('5'.repeat(40)) }),
    ];
    webhookAnswer = 202;
    github.failWith({ status: 503, body: { message: 'Service Unavailable' } }, { path: /^\/app\/hook\/deliveries/ });
    const interrupted = await pass();
    github.failWith(undefined);
    expect(interrupted.report).toMatchObject({
      recoveries: [],
      complete: false,
      stopped: expect.stringMatching(/delivery log could not be read/),
    });
    expect(interrupted.logs.find((l) => l['msg'] === 'delivery-log-unavailable')).toMatchObject({ level: 'WARN' });
    const next = await pass();
    expect(next.report.recoveries.map((r) => r.guid).sort()).toEqual(lost.map((d) => d.guid).sort());
    expect((await pass()).report.recoveries).toEqual([]);
    expect(redelivered().filter((g) => lost.some((d) => d.guid === g))).toHaveLength(2);
  });

  it("reads an organisation webhook's log with the App's installation token there, or an org owner's token", async () => {
    const hook = { org: 'acme', hookId: 42 };
    webhookAnswer = 502;
    const viaApp = await github.hooks.deliver({ event: 'push', body: push('7'.repeat(40)), hook });
    webhookAnswer = 202;
    const app = await pass({}, environment({ RECONCILE_HOOKS: 'org:acme:42' }));
    expect(app.report).toMatchObject({ webhook: 'org:acme:42', recoveries: [{ guid: viaApp.guid, result: 'redelivered' }] });
    // The redelivery went through the organisation's webhook, not the App's.
    expect(github.hooks.log.filter((d) => d.redelivery && d.guid === viaApp.guid).map((d) => d.hook)).toEqual(['org/acme/42']);

    webhookAnswer = 502;
    const viaToken = await github.hooks.deliver({ event: 'push', body: push('8'.repeat(40)), hook });
    webhookAnswer = 202;
    const token = await pass(
      {},
      environment({
        RECONCILE_HOOKS: 'org:acme:42',
        GITHUB_APP_SECRET_ID: undefined,
        GITHUB_TOKEN_SECRET_ID: 'monorepo-triggers/github-token',
      }),
    );
    expect(token.report.recoveries.map((r) => [r.guid, r.result])).toEqual([[viaToken.guid, 'redelivered']]);
  });

  it("cannot read the App's own webhook with a token, and says so", async () => {
    const run = await runBundle(
      BUNDLE,
      [{ event: {} }],
      environment({ GITHUB_APP_SECRET_ID: undefined, GITHUB_TOKEN_SECRET_ID: 'monorepo-triggers/github-token' }),
    );
    expect(run.results[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/RECONCILE_HOOKS names app, .* only the App can read: set GITHUB_APP_SECRET_ID, not a token/),
    });
  });

  it('with dryRun (triggers reconcile --dry-run), reports and changes nothing', async () => {
    webhookAnswer = 500;
    const lost = await github.hooks.deliver({ event: 'push', body: push('6'.repeat(40)) });
    webhookAnswer = 202;
    const dry = await pass({ dryRun: true });
    expect(dry.report.recoveries).toEqual([expect.objectContaining({ guid: lost.guid, result: 'would-recover' })]);
    expect(redelivered()).not.toContain(lost.guid);
    expect((await pass()).report.recoveries.map((r) => r.guid)).toEqual([lost.guid]);
  });
});
