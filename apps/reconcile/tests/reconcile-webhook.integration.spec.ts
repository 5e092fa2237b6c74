import { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { GithubAppAuth, GithubClient, WebhookDeliveries } from '@monorepo-triggers/github-api';
import { LambdaDispatcher, type EvalInput } from '@monorepo-triggers/eval-input';
import { createS3Client, type LogFields } from '@monorepo-triggers/lambda-runtime';
import {
  githubAppKeyPair,
  GitRepo,
  localS3ClientConfig,
  pushAdding,
  startConditionalS3Proxy,
  startLocalGithub,
  startRecordingServer,
  startS3Server,
  type ConditionalS3Proxy,
  type LocalGithub,
  type RecordingServer,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import examples from '@octokit/webhooks-examples';
import { reconcileWebhook, type ReconcileReport } from '../src/lib/reconcile-webhook';
import { RecoveryLedger } from '../src/lib/recovery-ledger';

const BUCKET = 'triggers';
const SECRET = 'hook-secret';
const MINUTE = 60_000;
const pullRequestOpened = JSON.stringify(
  (examples as { name: string; examples: { action?: string }[] }[])
    .find((e) => e.name === 'pull_request')
    ?.examples.find((e) => e.action === 'opened'),
);
const pullRequestLabeled = JSON.stringify(
  (examples as { name: string; examples: { action?: string }[] }[])
    .find((e) => e.name === 'pull_request')
    ?.examples.find((e) => e.action === 'labeled'),
);

/**
 * One pass over a webhook's delivery log, against the stand-in GitHub (its App's own webhook, its
 * delivery log API, JWT-authenticated), s3rver behind a proxy that enforces S3's conditional writes
 * (the ledger), a recording webhook and a recording eval (Lambda's Invoke). Time is a clock the
 * test moves, shared by the stand-in and the pass.
 */
describe('reconcileWebhook against the stand-in GitHub, s3rver and a recording eval', () => {
  let s3: S3Server;
  let proxy: ConditionalS3Proxy;
  let client: S3Client;
  let webhook: RecordingServer;
  let evalLambda: RecordingServer;
  let github: LocalGithub;
  const app = { appId: '7', ...githubAppKeyPair() };
  let clock = Date.parse('2026-12-06T10:00:00Z');
  let run = 0;
  let prefix = '';
  const logs: LogFields[] = [];
  /** What the webhook answers, per delivery, while the test says so; 202 otherwise. */
  let answer: (body: Buffer) => number = () => 202;

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: [BUCKET] });
    proxy = await startConditionalS3Proxy(s3.endpoint);
    client = createS3Client(localS3ClientConfig(proxy.endpoint));
    webhook = await startRecordingServer((request) => ({ status: answer(request.body), body: {} }));
    evalLambda = await startRecordingServer(() => ({ status: 202 }));
  });
  afterAll(async () => {
    client.destroy();
    await Promise.all([webhook.stop(), evalLambda.stop(), proxy.stop(), s3.stop()]);
  });
  beforeEach(async () => {
    run++;
    prefix = `r${run}/mono-repo/recovery`;
    answer = () => 202;
    webhook.requests.length = 0;
    evalLambda.requests.length = 0;
    logs.length = 0;
    github = await startLocalGithub(
      {},
      {
        app: { appId: app.appId, publicKey: app.publicKey, installations: () => 1 },
        webhook: { url: webhook.endpoint, secret: SECRET },
        now: () => clock,
      },
    );
  });
  afterEach(() => github.stop());

  const deliver = (body: string, event = 'push') => github.hooks.deliver({ event, body: Buffer.from(body) });
  const tick = (ms: number) => (clock += ms);
  /** One pass, as the function runs it, with the test's clock. */
  /** Pages of 10 deliveries (GitHub's are 100): the paging is the same with fewer deliveries. */
  function pass(
    options: { maxPages?: number; maxRecoveries?: number; dryRun?: boolean; prefix?: string; timeLeftMs?: () => number } = {},
  ): Promise<ReconcileReport> {
    const hook = { app: true as const };
    return reconcileWebhook(
      {
        deliveries: new WebhookDeliveries(
          github.endpoint,
          new GithubAppAuth({ appId: app.appId, privateKey: app.privateKey }, github.endpoint),
          hook,
          { perPage: 10 },
        ),
        ledger: new RecoveryLedger(client, BUCKET, options.prefix ?? prefix, 'app'),
        github: new GithubClient(github.endpoint, new GithubAppAuth({ appId: app.appId, privateKey: app.privateKey }, github.endpoint)),
        dispatcher: new LambdaDispatcher({
          lambda: new LambdaClient({
            endpoint: evalLambda.endpoint,
            region: 'us-east-1',
            credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
          }),
          s3: client,
          functionName: 'eval',
          bucket: BUCKET,
          eventsPrefix: 'mono-repo/events',
        }),
        now: () => clock,
        timeLeftMs: options.timeLeftMs ?? (() => 60_000),
        log: (fields) => logs.push(fields),
      },
      { maxPages: options.maxPages ?? 30, maxRecoveries: options.maxRecoveries ?? 100, retentionMs: 72 * 60 * MINUTE },
      options.dryRun,
    );
  }
  /** Redeliveries GitHub made for each delivery id (the guid GitHub keeps on a redelivery). */
  const redeliveredGuids = () => github.hooks.log.filter((d) => d.redelivery).map((d) => d.guid);
  const evalEvents = () => evalLambda.requests.map((r) => r.json as EvalInput);

  it('does nothing when every delivery was taken, and each pass reads only what is new and the 10 minutes before', async () => {
    for (let i = 0; i < 3; i++) await deliver(pushAdding(String(i).repeat(40), ['services/orders/a.ts']));
    tick(2 * MINUTE);
    const first = await pass();
    expect(first).toMatchObject({ examined: 3, recoveries: [], complete: true, pages: 1 });
    expect(redeliveredGuids()).toEqual([]);
    // The first pass left its last 10 minutes to be read again (GitHub may list a delivery late):
    // the second reads them, and the third only what came after.
    tick(30 * MINUTE);
    expect(await pass()).toMatchObject({ examined: 3, recoveries: [], complete: true });
    tick(30 * MINUTE);
    expect(await pass()).toMatchObject({ examined: 0, recoveries: [], complete: true });
  });

  it('redelivers what the webhook missed (down, throttled, 502) and hands a delivery too large for it to eval; the next pass confirms and does nothing', async () => {
    const down = await github.hooks.deliver({ event: 'push', body: Buffer.from(pushAdding('1'.repeat(40), ['a'])), missed: 'down' });
    const throttled = await github.hooks.deliver({
      event: 'push',
      body: Buffer.from(pushAdding('2'.repeat(40), ['b'])),
      missed: 'throttled',
    });
    answer = () => 502;
    const failed = await deliver(pullRequestOpened, 'pull_request');
    // Over the Function URL's 6 MB: the webhook answers 413 (as AWS does).
    answer = (body) => (body.length > 6_291_456 ? 413 : 202);
    const huge = await deliver(
      pushAdding(
        '3'.repeat(40),
        Array.from({ length: 70_000 }, (_, i) => `generated/module-${i}/${'x'.repeat(80)}.ts`),
      ),
    );
    expect(huge.statusCode).toBe(413);
    const taken = await deliver(pushAdding('4'.repeat(40), ['c']));
    // Ignored by design: a labeled pull request starts nothing, so a failed one is not worth recovering.
    answer = () => 500;
    await deliver(pullRequestLabeled, 'pull_request');
    answer = () => 202;
    tick(2 * MINUTE);

    const first = await pass();
    expect(first.recoveries.map((r) => [r.guid, r.result]).sort()).toEqual(
      [
        [down.guid, 'redelivered'],
        [throttled.guid, 'redelivered'],
        [failed.guid, 'redelivered'],
        [huge.guid, 'handed-to-eval'],
      ].sort(),
    );
    expect(redeliveredGuids().sort()).toEqual([down.guid, throttled.guid, failed.guid].sort());
    expect(redeliveredGuids()).not.toContain(taken.guid);
    // The large push reached eval through the S3 claim check, under its own delivery id.
    expect(evalEvents()).toEqual([expect.objectContaining({ type: 'push-claim-check', deliveryId: huge.guid })]);

    tick(5 * MINUTE);
    const second = await pass();
    expect(second).toMatchObject({ recoveries: [], confirmed: 3, complete: true });
    expect(redeliveredGuids()).toHaveLength(3);
    expect(evalEvents()).toHaveLength(1);
    tick(40 * MINUTE);
    expect((await pass()).recoveries).toEqual([]);
  });

  it('retries a redelivery that failed again after 5 minutes, then hands the API copy to eval', async () => {
    answer = () => 503;
    const lost = await deliver(pushAdding('5'.repeat(40), ['services/orders/a.ts']));
    tick(2 * MINUTE);
    expect((await pass()).recoveries.map((r) => r.result)).toEqual(['redelivered']);
    tick(2 * MINUTE);
    // The redelivery failed as well (the webhook still answers 503): a retry in 5 minutes.
    expect(await pass()).toMatchObject({ recoveries: [], retriesScheduled: 1 });
    tick(2 * MINUTE);
    expect((await pass()).recoveries).toEqual([]);
    tick(4 * MINUTE);
    expect((await pass()).recoveries.map((r) => [r.attempt, r.result])).toEqual([[2, 'redelivered']]);
    tick(2 * MINUTE);
    expect(await pass()).toMatchObject({ retriesScheduled: 1 });
    tick(11 * MINUTE);
    // Two redeliveries failed: the third try does not depend on the webhook.
    expect((await pass()).recoveries.map((r) => [r.attempt, r.result])).toEqual([[3, 'handed-to-eval']]);
    expect(evalEvents()).toEqual([expect.objectContaining({ type: 'push', deliveryId: lost.guid, after: '5'.repeat(40) })]);
    tick(60 * MINUTE);
    expect((await pass()).recoveries).toEqual([]);
  });

  it('a pass stopped by GitHub failing saves where it was; the next recovers the rest, nothing twice', async () => {
    answer = () => 502;
    const lost: string[] = [];
    for (let i = 0; i < 25; i++) lost.push((await deliver(pushAdding(i.toString(16).padStart(40, '0'), ['a']))).guid);
    answer = () => 202;
    tick(2 * MINUTE);
    // The third page of the log fails (pages of 10, newest first: it starts after the 20th newest).
    const ids = github.hooks.log.map((d) => d.id).sort((a, b) => b - a);
    github.failWith({ status: 502, body: { message: 'Server Error' } }, { method: 'GET', path: new RegExp(`cursor=v1_${ids[19]}`) });
    const first = await pass();
    github.failWith(undefined);
    expect(first).toMatchObject({ complete: false, stopped: expect.stringMatching(/^GitHub's delivery log could not be read/) });
    expect(first.recoveries.length).toBe(20);
    tick(5 * MINUTE);
    const second = await pass();
    expect(second.complete).toBe(true);
    const recovered = [...first.recoveries, ...second.recoveries].map((r) => r.guid);
    expect(recovered.sort()).toEqual([...lost].sort());
    expect(redeliveredGuids().sort()).toEqual([...lost].sort());
  });

  it("recovers a push whose branch has moved on at the branch's head, never rolling a pipeline back; one at the head is redelivered", async () => {
    const repo = GitRepo.create('acme/platform');
    try {
      const base = repo.commit('start', { 'README.md': 'platform' });
      const a = repo.commit('orders', { 'services/orders/a.ts': '1' });
      const b = repo.commit('billing', { 'services/billing/b.ts': '1' });
      github.addRepository('acme/platform', repo.dir);
      answer = () => 502;
      const behind = await deliver(JSON.stringify(repo.pushPayload({ ref: 'refs/heads/main', before: base, after: a })));
      const atHead = await deliver(JSON.stringify(repo.pushPayload({ ref: 'refs/heads/main', before: a, after: b })));
      answer = () => 202;
      tick(2 * MINUTE);
      const report = await pass();
      expect(report.recoveries.map((r) => [r.guid, r.result]).sort()).toEqual(
        [
          [behind.guid, 'handed-to-eval'],
          [atHead.guid, 'redelivered'],
        ].sort(),
      );
      expect(report.recoveries.find((r) => r.guid === behind.guid)?.note).toContain(`its branch had moved on: built at ${b}`);
      // Its own change decides; the branch's head, which holds it, is what gets built.
      expect(evalEvents()).toEqual([
        expect.objectContaining({ type: 'push', before: base, after: b, headCommit: b, changedPaths: ['services/orders/a.ts'] }),
      ]);
      expect(redeliveredGuids()).toEqual([atHead.guid]);
    } finally {
      repo.remove();
    }
  });

  it('two passes at once recover each delivery once (claims are conditional writes)', async () => {
    answer = () => 502;
    const lost: string[] = [];
    for (let i = 0; i < 30; i++) lost.push((await deliver(pushAdding(i.toString(16).padStart(40, 'a'), ['a']))).guid);
    answer = () => 202;
    tick(2 * MINUTE);
    const [a, b] = await Promise.all([pass(), pass()]);
    expect([...a.recoveries, ...b.recoveries].map((r) => r.guid).sort()).toEqual([...lost].sort());
    expect(redeliveredGuids().sort()).toEqual([...lost].sort());
    expect(proxy.decisions.some((d) => d.status === 412)).toBe(true);
  });

  it('bounded in pages: a long outage is caught up over several passes, each delivery recovered once', async () => {
    answer = () => 502;
    const lost: string[] = [];
    // 45 pushes over 7.5 minutes of outage.
    for (let i = 0; i < 45; i++) {
      tick(9000);
      lost.push((await deliver(pushAdding(i.toString(16).padStart(40, 'c'), ['a']))).guid);
    }
    answer = () => 202;
    tick(2 * MINUTE);
    const reports: ReconcileReport[] = [];
    for (let i = 0; i < 10 && !reports.at(-1)?.complete; i++) {
      reports.push(await pass({ maxPages: 4 }));
      tick(5 * MINUTE);
    }
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.map((r) => r.pages).every((p) => p <= 4)).toBe(true);
    expect(reports.at(-1)?.complete).toBe(true);
    expect(
      reports
        .flatMap((r) => r.recoveries)
        .map((r) => r.guid)
        .sort(),
    ).toEqual([...lost].sort());
    expect(redeliveredGuids()).toHaveLength(45);
    expect(new Set(redeliveredGuids()).size).toBe(45);
  });

  it('bounded in time: a pass whose invocation is running out stops, saves its place, and the next goes on', async () => {
    answer = () => 502;
    const lost: string[] = [];
    for (let i = 0; i < 25; i++) lost.push((await deliver(pushAdding(i.toString(16).padStart(40, 'd'), ['a']))).guid);
    answer = () => 202;
    tick(2 * MINUTE);
    // The invocation's time left, as Lambda counts it: 15 s left after two pages, under the 10 s kept to save.
    let asked = 0;
    const first = await pass({ timeLeftMs: () => (++asked > 25 ? 5_000 : 60_000) });
    expect(first).toMatchObject({ complete: false, stopped: 'the time limit' });
    expect(first.recoveries.length).toBeLessThan(25);
    tick(5 * MINUTE);
    const second = await pass();
    expect(second.complete).toBe(true);
    expect([...first.recoveries, ...second.recoveries].map((r) => r.guid).sort()).toEqual([...lost].sort());
    expect(redeliveredGuids()).toHaveLength(25);
  });

  it('fails the pass, loudly, when GitHub refuses to show the log (a permission or a setting to fix)', async () => {
    github.failWith({ status: 403, body: { message: 'Resource not accessible by integration' } }, { path: /^\/app\/hook\/deliveries/ });
    try {
      const failed = pass();
      await expect(failed).rejects.toThrow(
        /^app: GitHub's delivery log could not be read: GithubApiError: GitHub answered 403: .*not accessible/,
      );
      // What the pass did before failing travels with the error, so the function's metrics still count it.
      await expect(failed).rejects.toMatchObject({ report: expect.objectContaining({ webhook: 'app', complete: false }) });
    } finally {
      github.failWith(undefined);
    }
    expect(logs.find((l) => l.msg === 'delivery-log-unavailable')).toMatchObject({ level: 'error' });
  });

  it('waits out an outage of GitHub for six passes (half an hour), then fails each pass until it is over', async () => {
    github.failWith({ status: 502, body: { message: 'Server Error' } }, { path: /^\/app\/hook\/deliveries/ });
    try {
      for (let i = 1; i < 6; i++) {
        expect(await pass()).toMatchObject({ complete: false, stopped: expect.stringMatching(/could not be read/) });
        tick(5 * MINUTE);
      }
      await expect(pass()).rejects.toThrow(/^app: GitHub's delivery log could not be read: GitHub failed 6 passes in a row/);
    } finally {
      github.failWith(undefined);
    }
    tick(5 * MINUTE);
    expect(await pass()).toMatchObject({ complete: true });
    tick(5 * MINUTE);
    // Over: the count starts again.
    expect(await pass()).toMatchObject({ complete: true });
  });

  it('gives up, loudly, on a delivery near the end of GitHub retention', async () => {
    answer = () => 502;
    const old = await deliver(pushAdding('6'.repeat(40), ['a']));
    answer = () => 202;
    tick(72 * 60 * MINUTE - 20 * MINUTE);
    const report = await pass();
    expect(report.abandoned).toEqual([{ guid: old.guid, reason: "past GitHub's retention" }]);
    expect(logs.filter((l) => l.msg === 'recovery-abandoned')).toEqual([expect.objectContaining({ level: 'error', guid: old.guid })]);
    expect(redeliveredGuids()).toEqual([]);
  });

  it('with dryRun, reports what it would recover and changes nothing', async () => {
    answer = () => 502;
    const lost = await deliver(pushAdding('7'.repeat(40), ['a']));
    answer = () => 202;
    tick(2 * MINUTE);
    const dry = await pass({ dryRun: true });
    expect(dry.recoveries).toEqual([expect.objectContaining({ guid: lost.guid, result: 'would-recover' })]);
    expect(redeliveredGuids()).toEqual([]);
    // Nothing was saved: a real pass still finds it.
    expect((await pass()).recoveries.map((r) => r.guid)).toEqual([lost.guid]);
  });
});
