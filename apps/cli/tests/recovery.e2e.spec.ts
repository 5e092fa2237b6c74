import { FAIL_PATH, largePush } from '@monorepo-triggers/test-harness';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { triggersAsync } from './cli';
import { startStack, type StartedStack } from './local-stack';

const SECRET = 'recovery-secret';

/**
 * docs/recovery.md, end to end on the local stack (npm start): the webhook, eval, statuses and
 * reconcile bundles as they go to Lambda, the stand-in GitHub delivering and logging each delivery,
 * local dead-letter queues, through the CLI a user runs. Expected starts are written out by hand from
 * examples/configs (orders-service: ^services/orders/, ^libs/money/; billing-service: services/billing/**,
 * libs/money/**), each push with its own commit.
 */
describe('nothing lost between GitHub and the pipelines, on the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-recovery-'));
  const env = { TRIGGERS_LOCAL_DIR: dataDir };
  let stack: StartedStack | undefined;
  let githubUrl = '';
  beforeAll(async () => {
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: SECRET } });
    githubUrl = (JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as { githubUrl: string }).githubUrl;
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const executionsFile = join(dataDir, 'executions.jsonl');
  /** Every start so far as `pipeline@commit`, sorted: a start made twice shows twice. */
  const starts = () =>
    (existsSync(executionsFile) ? readFileSync(executionsFile, 'utf8').split('\n').filter(Boolean) : [])
      .map((l) => JSON.parse(l) as { pipelineName: string; variables: { name: string; value: string }[] })
      .map((e) => `${e.pipelineName}@${e.variables.find((v) => v.name === 'COMMIT_ID')?.value.slice(0, 4)}`)
      .sort();
  /** Waits, without a deadline of its own, until `count` starts were made (eval runs after a command returns). */
  const startsReach = async (count: number) => {
    while (starts().length < count) await new Promise((r) => setTimeout(r, 50));
    return starts();
  };
  /** A push of acme/platform to main with its own commit, touching `paths`. */
  function pushFile(name: string, after: string, paths: string[], big = false): string {
    const file = join(dataDir, `${name}.json`);
    const payload = JSON.parse(big ? largePush(7) : largePush(0)) as Record<string, unknown> & { commits: unknown[] };
    if (!big) payload.commits = [];
    payload.commits.push({ id: after, distinct: true, added: paths, removed: [], modified: [] });
    Object.assign(payload, {
      before: 'f'.repeat(40),
      after,
      repository: { full_name: 'acme/platform', default_branch: 'main' },
      head_commit: { id: after, message: name },
    });
    writeFileSync(file, JSON.stringify(payload));
    return file;
  }
  const send = (...args: string[]) => triggersAsync(['send', ...args, '--no-wait'], { env });
  const reconcile = async () => {
    const run = await triggersAsync(['reconcile', '--json'], { env });
    if (run.code !== 0) throw new Error(`reconcile failed: ${run.stdout}${run.stderr}`);
    return (
      JSON.parse(run.stdout) as { webhooks: { recoveries: { guid: string; result: string }[]; complete: boolean; stopped?: string }[] }
    ).webhooks[0] as { recoveries: { guid: string; result: string }[]; complete: boolean; stopped?: string };
  };
  const deliveryOf = (stdout: string) => /\(delivery ([0-9a-f-]{36})\)/.exec(stdout)?.[1] ?? '';

  it('a push dropped while the webhook was down, a 7 MB push and a throttled push start their pipelines once after one pass; a second does nothing', async () => {
    const down = await send(pushFile('down', 'a1'.repeat(20), ['services/orders/a.ts']), '--missed', 'down');
    const large = await send(pushFile('large', 'b1'.repeat(20), ['services/billing/b.ts'], true));
    const throttled = await send(pushFile('throttled', 'c1'.repeat(20), ['libs/money/c.ts']), '--missed', 'throttled');
    expect([down.stdout, large.stdout, throttled.stdout].map((o) => o.split('\n')[0]?.split(' ')[0])).toEqual(['no', '413', '429']);
    // The 7 MB push never reached the webhook: the Function URL refuses a request over 6 MB.
    expect(large.code).toBe(1);
    expect(starts()).toEqual([]);

    const first = await reconcile();
    expect(first.recoveries.map((r) => [r.guid, r.result]).sort()).toEqual(
      [
        [deliveryOf(down.stdout), 'redelivered'],
        [deliveryOf(large.stdout), 'handed-to-eval'],
        [deliveryOf(throttled.stdout), 'redelivered'],
      ].sort(),
    );
    const expected = ['billing-service@b1b1', 'billing-service@c1c1', 'orders-service@a1a1', 'orders-service@c1c1'];
    expect(await startsReach(4)).toEqual(expected);

    const second = await reconcile();
    expect(second).toMatchObject({ recoveries: [], complete: true });
    expect(starts()).toEqual(expected);
  });

  it('a pass interrupted by GitHub failing recovers nothing; the next recovers everything, once', async () => {
    const before = starts();
    const missed = [
      await send(pushFile('e', 'e1'.repeat(20), ['services/orders/e.ts']), '--missed', 'down'),
      await send(pushFile('f', 'f1'.repeat(20), ['services/billing/f.ts']), '--missed', 'down'),
    ].map((r) => deliveryOf(r.stdout));
    await fetch(`${githubUrl}${FAIL_PATH}`, { method: 'POST', body: JSON.stringify({ status: 502, path: '^/app/hook/deliveries' }) });
    const interrupted = await reconcile();
    await fetch(`${githubUrl}${FAIL_PATH}`, { method: 'DELETE' });
    expect(interrupted).toMatchObject({
      recoveries: [],
      complete: false,
      stopped: expect.stringMatching(/delivery log could not be read/),
    });

    const next = await reconcile();
    expect(next.recoveries.map((r) => r.guid).sort()).toEqual([...missed].sort());
    const expected = [...before, 'billing-service@f1f1', 'orders-service@e1e1'].sort();
    expect(await startsReach(expected.length)).toEqual(expected);
    expect((await reconcile()).recoveries).toEqual([]);
    expect(starts()).toEqual(expected);
  });

  it('a dead letter is replayed once by redrive, and removed', async () => {
    const before = starts();
    const sent = await triggersAsync(['send', pushFile('g', '91'.repeat(20), ['services/orders/g.ts']), '--fail-start', 'orders-service'], {
      env,
    });
    expect(sent.stdout).toContain("the push is in eval's dead-letter queue; `triggers redrive` replays it");
    expect(starts()).toEqual(before);
    const redrive = await triggersAsync(['redrive', '--json'], { env });
    const letters = (JSON.parse(redrive.stdout) as { deadLetters: { outcome: string; commit?: string; error: string }[] }).deadLetters;
    expect(letters).toEqual([
      expect.objectContaining({
        outcome: 'replayed',
        commit: '91'.repeat(20),
        error: 'StartFailures: could not start 1 pipeline(s): orders-service',
      }),
    ]);
    expect(await startsReach(before.length + 1)).toEqual([...before, 'orders-service@9191'].sort());
    expect((await triggersAsync(['redrive', '--json'], { env })).stdout).toBe('{\n  "deadLetters": []\n}\n');
    expect(starts()).toEqual([...before, 'orders-service@9191'].sort());
  });
});
