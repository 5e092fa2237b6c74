import { sign } from '@monorepo-triggers/github-signature';
import { pushAdding } from '@monorepo-triggers/local-github';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarise, type Timing, round } from './stats';

export interface E2eResult {
  deliveries: number;
  latency: Timing;
  concurrentSenders: number;
  throughputPerSecond: number;
}

const SECRET = 'bench-secret';

/** A push to acme/platform that starts orders-service, unique per `n` (its own commit and path). */
function orderPush(n: number): string {
  const sha = n.toString(16).padStart(40, 'e');
  return pushAdding(sha, [`services/orders/src/bench-${n}.ts`]);
}

/**
 * The local stack end to end (`triggers start`: the real webhook and eval bundles, s3rver, local
 * Lambda and CodePipeline): time from a signed POST to the start being recorded, one delivery at a
 * time; then the rate at which `concurrency` senders get deliveries turned into recorded starts.
 */
export async function benchEndToEnd(root: string, deliveries: number, concurrency: number): Promise<E2eResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-stack-'));
  const child = spawn(process.execPath, [join(root, 'dist/apps/cli/main.js'), 'start', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, WEBHOOK_SECRET: SECRET, NO_COLOR: '1' },
  });
  const waiters = new Map<string, () => void>();
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      let newline: number;
      while ((newline = output.indexOf('\n')) !== -1) {
        const line = output.slice(0, newline);
        output = output.slice(newline + 1);
        const found = /webhook: +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
        if (found) resolve(found[1] as string);
        const started = /▶ started orders-service .*services\/orders\/src\/(bench-\d+)\.ts/.exec(line);
        if (started) waiters.get(started[1] as string)?.();
      }
    });
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code}`)));
  });
  const deliver = async (n: number) => {
    const started = new Promise<void>((resolve) => waiters.set(`bench-${n}`, resolve));
    const body = orderPush(n);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': `bench-${n}`,
        'x-hub-signature-256': sign(SECRET, body),
      },
      body,
    });
    if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
    await started;
  };
  try {
    await deliver(0); // warm both functions
    const samples: number[] = [];
    for (let n = 1; n <= deliveries; n++) {
      const t = process.hrtime.bigint();
      await deliver(n);
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    let next = deliveries + 1;
    const last = 2 * deliveries;
    const t = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next <= last) await deliver(next++);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    return { deliveries, latency: summarise(samples), concurrentSenders: concurrency, throughputPerSecond: round(deliveries / seconds, 1) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
