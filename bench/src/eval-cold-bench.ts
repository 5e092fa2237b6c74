import { compileTrigger, createChangeSet, decide, type CompiledTrigger, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { localS3ClientConfig, startProxy, startS3Server } from '@monorepo-triggers/local-aws';
import { createS3Client, mapLimit } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore, type ListStats } from '@monorepo-triggers/s3-config-store';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { nodeAt, type CpuShare } from './cpu-share';
import { changedFiles, monorepoConfigs } from './eval-bench';
import { round, summarise } from './stats';

const BUCKET = 'bench';
const REPOSITORY = 'acme/platform';

/** One eval container's first and second push, as the child process measured them. */
export interface ContainerRun {
  /** The first push of a new container: list, read what it must, decide. */
  cold: Phase;
  /** Writing the repository's snapshot after the cold push, when the store decided to. */
  snapshotWrite?: { ms: number; bytes: number };
  /** The next push on the same container, nothing changed. */
  warm: Phase;
  /** After the warm phase, in MB: resident set (max over the process's life) and V8 heap in use. */
  maxRssMb: number;
  heapUsedMb: number;
}

interface Phase {
  /** Wall time: S3's modelled latency, the local S3 server's own time, and eval's CPU at its share. */
  ms: number;
  /** CPU time eval's process spent (user + system): its own cost, whatever the S3 server's speed. */
  cpuMs: number;
  stats: ListStats;
  started: number;
}

export interface ColdResult {
  configs: number;
  /** GET concurrency of the store in this row. */
  getConcurrency: number;
  /** A container with no snapshot to read (the first ever, or the feature off). */
  first: ContainerRun;
  /** Later containers, after a first one wrote the snapshot (medians of `runs`). */
  later?: ContainerRun & { runs: number };
  /** Requests the S3 server saw from all of this row's containers, by kind (the independent count). */
  requests: { list: number; get: number; put: number };
}

/** The child: one container's life, measured. Settings come from the environment the parent sets. */
export async function coldContainer(): Promise<ContainerRun> {
  const env = (name: string) => process.env[name] ?? '';
  const client = createS3Client({ ...localS3ClientConfig(env('BENCH_S3_ENDPOINT')), maxAttempts: 5 });
  const store = new S3ConfigStore({
    client,
    bucket: BUCKET,
    prefix: env('BENCH_PREFIX'),
    getConcurrency: Number(env('BENCH_GET_CONCURRENCY')),
    ...(env('BENCH_SNAPSHOT_PREFIX') ? { snapshotPrefix: env('BENCH_SNAPSHOT_PREFIX') } : {}),
  });
  const compiled = new WeakMap<TriggerConfig, CompiledTrigger>();
  const files = changedFiles(10, Number(env('BENCH_CONFIGS')));
  const push = { repository: REPOSITORY, ref: 'refs/heads/main', deleted: false };
  const phase = async (): Promise<Phase> => {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const listing = await store.list(REPOSITORY);
    const changes = createChangeSet(files, true);
    let started = 0;
    for (const { config } of listing.configs) {
      let trigger = compiled.get(config);
      if (!trigger) compiled.set(config, (trigger = compileTrigger(config)));
      if (decide(trigger, push, changes).start) started++;
    }
    const used = process.cpuUsage(cpu);
    return {
      ms: round(Number(process.hrtime.bigint() - start) / 1e6, 1),
      cpuMs: round((used.user + used.system) / 1000, 1),
      stats: listing.stats,
      started,
    };
  };
  const cold = await phase();
  let snapshotWrite: ContainerRun['snapshotWrite'];
  const start = process.hrtime.bigint();
  const saved = await store.saveSnapshot(REPOSITORY);
  if (saved.written) snapshotWrite = { ms: round(Number(process.hrtime.bigint() - start) / 1e6, 1), bytes: saved.bytes };
  const warm = await phase();
  client.destroy();
  return {
    cold,
    ...(snapshotWrite ? { snapshotWrite } : {}),
    warm,
    maxRssMb: round(process.resourceUsage().maxRSS / 1024, 0),
    heapUsedMb: round(process.memoryUsage().heapUsed / 2 ** 20, 0),
  };
}

/** Runs `coldContainer` in a fresh process at `share`, asynchronously (the S3 server and proxy live in this one). */
function runContainer(root: string, share: CpuShare, env: Record<string, string>): Promise<ContainerRun> {
  const command = nodeAt(share, [join(root, 'dist', 'bench', 'main.js'), '--only', 'eval-cold-container']);
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, command.args, {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(stdout) as ContainerRun) : reject(new Error(`eval-cold container failed (${code}): ${stderr}`)),
    );
  });
}

/**
 * Cold and warm eval against an S3 server behind a proxy that holds every request `latencyMs`
 * (S3's typical first-byte latency), each container a fresh process at the Lambda share. Per size:
 * the first container (no snapshot yet), then `laterRuns` containers that find the snapshot the
 * first one wrote. Then, at `tuneAt` configs and without snapshots, a first container per GET
 * concurrency in `concurrencies`, to choose the default by measurement.
 */
export async function benchEvalCold(
  root: string,
  share: CpuShare,
  options: { sizes: number[]; latencyMs: number; laterRuns: number; tuneAt: number; concurrencies: number[]; defaultConcurrency: number },
): Promise<ColdResult[]> {
  const server = await startS3Server({ buckets: [BUCKET], recordRequests: false });
  let counting: { list: number; get: number; put: number } | undefined;
  const proxy = await startProxy(server.endpoint, {
    delayMs: options.latencyMs,
    intercept: (req) => {
      if (counting) {
        if (req.method === 'PUT') counting.put++;
        else if (req.method === 'GET' && (req.url ?? '').includes('list-type=2')) counting.list++;
        else if (req.method === 'GET') counting.get++;
      }
      return undefined;
    },
  });
  const seeder = createS3Client({ ...localS3ClientConfig(server.endpoint), maxAttempts: 5 });
  const seeded = new Set<number>();
  const seed = async (configs: number) => {
    if (seeded.has(configs)) return;
    const writer = new S3ConfigStore({ client: seeder, bucket: BUCKET, prefix: `cold-${configs}/config` });
    await mapLimit(monorepoConfigs(configs), 32, (config) => writer.put(config));
    seeded.add(configs);
  };
  /** The first container and `later` more on one store; the request counts checked against the server's. */
  const measure = async (configs: number, getConcurrency: number, later: number): Promise<ColdResult> => {
    const env = {
      BENCH_S3_ENDPOINT: proxy.endpoint,
      BENCH_PREFIX: `cold-${configs}/config`,
      BENCH_CONFIGS: String(configs),
      BENCH_GET_CONCURRENCY: String(getConcurrency),
      BENCH_SNAPSHOT_PREFIX: later > 0 ? `cold-${configs}/snapshots` : '',
    };
    counting = { list: 0, get: 0, put: 0 };
    const first = await runContainer(root, share, env);
    const next: ContainerRun[] = [];
    for (let i = 0; i < later; i++) next.push(await runContainer(root, share, env));
    const requests = counting;
    counting = undefined;
    // The store's own counts must add up to what the server saw, or the table would not be true.
    const counted = [first, ...next].reduce(
      (sum, run) => ({
        list: sum.list + run.cold.stats.listPages + run.warm.stats.listPages,
        get: sum.get + run.cold.stats.gets + run.warm.stats.gets + (run.cold.stats.snapshotGets ?? 0),
      }),
      { list: 0, get: 0 },
    );
    if (counted.list !== requests.list || counted.get !== requests.get)
      throw new Error(
        `request counts disagree at ${configs} configs: store ${JSON.stringify(counted)}, server ${JSON.stringify(requests)}`,
      );
    // The later containers' median of one figure (summarise's median: the same rule as every other table).
    const mid = (pick: (run: ContainerRun) => number) => summarise(next.map(pick)).medianMs;
    return {
      configs,
      getConcurrency,
      first,
      ...(next.length > 0
        ? {
            later: {
              runs: next.length,
              cold: { ...(next[0] as ContainerRun).cold, ms: mid((r) => r.cold.ms), cpuMs: mid((r) => r.cold.cpuMs) },
              warm: { ...(next[0] as ContainerRun).warm, ms: mid((r) => r.warm.ms), cpuMs: mid((r) => r.warm.cpuMs) },
              maxRssMb: mid((r) => r.maxRssMb),
              heapUsedMb: mid((r) => r.heapUsedMb),
            },
          }
        : {}),
      requests,
    };
  };
  const results: ColdResult[] = [];
  try {
    for (const configs of options.sizes) {
      await seed(configs);
      results.push(await measure(configs, options.defaultConcurrency, options.laterRuns));
    }
    await seed(options.tuneAt);
    for (const getConcurrency of options.concurrencies) results.push(await measure(options.tuneAt, getConcurrency, 0));
  } finally {
    seeder.destroy();
    await proxy.stop();
    await server.stop();
  }
  return results;
}
