import { sign } from '@monorepo-triggers/github-signature';
import { pushAdding } from '@monorepo-triggers/test-harness';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SECRET = 'load-secret';
const DELIVERIES = 200;
const SENDERS = 20;

/** Delivery n of the load: four kinds of change in the example monorepo, each with its own commit. */
function scenario(n: number): { body: string; expected: string[] } {
  const sha = n.toString(16).padStart(40, 'd');
  const kind = n % 4;
  const paths = [
    [`services/orders/src/f${n}.ts`],
    [`libs/money/src/f${n}.ts`],
    [`services/orders/docs/f${n}.md`],
    [`apps/web/src/f${n}.tsx`],
  ][kind] as string[];
  const expected = [['orders-service'], ['billing-service', 'orders-service'], [], ['web-app']][kind] as string[];
  const body = pushAdding(sha, paths);
  return { body, expected: expected.map((pipeline) => `${pipeline}@${sha}`) };
}

describe('[load] 200 signed deliveries from 20 concurrent senders through the local stack, then all redelivered', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'load-stack-'));
  let child: ChildProcess;
  let url = '';

  beforeAll(async () => {
    child = spawn(process.execPath, [join(ROOT, 'dist/apps/cli/main.js'), 'start', '--port', '0', '--data-dir', dataDir], {
      cwd: ROOT,
      env: { ...process.env, WEBHOOK_SECRET: SECRET, NO_COLOR: '1' },
    });
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (c: Buffer) => {
        output += c.toString();
        const found = /webhook: +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (found && output.includes('Press Ctrl-C')) resolve(found[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`local stack exited with ${code}: ${output}`)));
    });
  });
  afterAll(async () => {
    // A stack that died during the tests has nothing to stop (and sends no second 'exit').
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = async (n: number) => {
    const { body } = scenario(n);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': `load-${n}`,
        'x-hub-signature-256': sign(SECRET, body),
      },
      body,
    });
    return response.status;
  };
  const sendAll = async () => {
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < DELIVERIES) {
          const n = next++;
          statuses[n] = await send(n);
        }
      }),
    );
    return statuses;
  };
  const summaries = () =>
    existsSync(join(dataDir, 'logs.jsonl'))
      ? readFileSync(join(dataDir, 'logs.jsonl'), 'utf8')
          .split('\n')
          .filter((l) => l.includes('"msg":"summary"')).length
      : 0;
  // Polled, not timed: a run that never gets there fails on the test's timeout, however loaded the machine.
  const waitForSummaries = async (count: number) => {
    while (summaries() < count) await new Promise((r) => setTimeout(r, 50));
  };
  const recorded = () =>
    readFileSync(join(dataDir, 'executions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const e = JSON.parse(l) as { pipelineName: string; variables: { name: string; value: string }[] };
        return `${e.pipelineName}@${e.variables.find((v) => v.name === 'COMMIT_ID')?.value}`;
      });
  const expected = Array.from({ length: DELIVERIES }, (_, n) => scenario(n).expected)
    .flat()
    .sort();

  it('records exactly the expected starts: none lost, none doubled', async () => {
    expect(await sendAll()).toEqual(Array.from({ length: DELIVERIES }, () => 202));
    await waitForSummaries(DELIVERIES);
    expect(summaries()).toBe(DELIVERIES);
    expect(recorded().sort()).toEqual(expected);
  });

  it('records nothing new when every delivery is redelivered', async () => {
    expect(await sendAll()).toEqual(Array.from({ length: DELIVERIES }, () => 202));
    await waitForSummaries(2 * DELIVERIES);
    expect(summaries()).toBe(2 * DELIVERIES);
    expect(recorded().sort()).toEqual(expected);
    expect(new Set(recorded()).size).toBe(expected.length);
  });
});
