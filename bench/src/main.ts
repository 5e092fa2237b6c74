// `npm run bench`: measures the system against baselines in one run and writes bench/RESULTS.md,
// bench/results.json and bench/eval-scaling.svg. `--smoke` runs tiny sizes (part of `npm test`);
// `--out DIR` writes elsewhere. `--only SECTION` runs one section and prints its JSON: the parent
// uses it to run sections in a fresh process at a Lambda's CPU share, or with V8 flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchColdStart } from './cold-start-bench';
import { lambdaShare, runSection } from './cpu-share';
import { benchEndToEnd } from './e2e-bench';
import { benchEngine, ENGINES, type EngineName, type EngineResult } from './engine-bench';
import { benchEval, type EvalResult } from './eval-bench';
import { benchEvalCold, coldContainer, type ColdResult } from './eval-cold-bench';
import { benchHostile, type HostileResult } from './hostile-bench';
import { judgeTargets, type BenchResults } from './bench-results';
import { evalChart } from './eval-chart';
import { markdown } from './results-markdown';
import { benchS3Cost } from './s3-cost-bench';
import { DEFAULT_GET_CONCURRENCY } from '@monorepo-triggers/s3-config-store';
import { benchWebhook } from './webhook-bench';

/** The first-byte latency the cold bench holds every S3 request (a typical in-region GET: 20-30 ms). */
const S3_LATENCY_MS = 20;

/** Sections that run in their own process (see runSection), by name. */
function runOnly(section: string, smoke: boolean): unknown {
  if (section === 'eval-cold-container') return coldContainer();
  if (section === 'eval-decisions') {
    const sizes = smoke ? [10, 100] : [10, 1_000, 10_000];
    const fileCounts = smoke ? [10, 100] : [10, 1_000, 10_000];
    return benchEval(
      sizes.flatMap((configs) =>
        fileCounts.map((files) => {
          const work = configs * files;
          // The naive baseline compiles every pattern of every config each time: seconds at 10,000 configs.
          return {
            configs,
            files,
            runs: smoke ? 3 : work >= 10_000_000 ? 7 : 15,
            naiveRuns: smoke ? 3 : configs >= 10_000 ? (files >= 10_000 ? 1 : 2) : 5,
          };
        }),
      ),
    );
  }
  if (section === 'hostile') return benchHostile(smoke ? 2 : 3);
  if (section.startsWith('engine:')) return benchEngine(section.slice('engine:'.length) as EngineName, smoke);
  throw new Error(`unknown section ${section}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean' }, out: { type: 'string' }, only: { type: 'string' } } });
  const smoke = !!values.smoke;
  if (values.only) {
    process.stdout.write(JSON.stringify(await runOnly(values.only, smoke)));
    return;
  }
  const root = resolve(__dirname, '..', '..');
  const out = resolve(values.out ?? join(root, 'bench'));
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const started = Date.now();
  const lambda = lambdaShare(512);
  const smokeFlag = smoke ? ['--smoke'] : [];
  log(`Lambda-share sections run at ${lambda.label}`);

  log('webhook');
  const webhook = await benchWebhook(
    root,
    smoke
      ? [
          { label: '1 KB', bytes: 1024, runs: 5 },
          { label: '100 KB', bytes: 100 * 1024, runs: 5 },
        ]
      : [
          { label: '1 KB', bytes: 1024, runs: 300 },
          { label: '100 KB', bytes: 100 * 1024, runs: 200 },
          { label: '5 MB', bytes: 5 * 1024 * 1024, runs: 30 },
          // Just under the webhook's 25 MB limit (GitHub's cap), which a larger body would hit with 413.
          { label: '25 MB', bytes: 25 * 1024 * 1024 - 200_000, runs: 10 },
        ],
  );
  log('eval decisions');
  const evalResults = runSection<EvalResult[]>(root, lambda, 'eval-decisions', { args: smokeFlag });
  log('eval cold and warm, S3 latency modelled');
  const evalCold: ColdResult[] = await benchEvalCold(root, lambda, {
    sizes: smoke ? [10, 200] : [10, 1_000, 10_000, 50_000],
    latencyMs: S3_LATENCY_MS,
    laterRuns: smoke ? 1 : 3,
    tuneAt: smoke ? 50 : 1_000,
    concurrencies: smoke ? [16] : [8, 16, 32, 64],
    defaultConcurrency: DEFAULT_GET_CONCURRENCY,
  });
  log('hostile configs');
  const hostile = runSection<HostileResult[]>(root, lambda, 'hostile', { args: smokeFlag });
  log('regex engines');
  const engines = (Object.keys(ENGINES) as EngineName[]).map((name) =>
    runSection<EngineResult>(root, lambda, `engine:${name}`, { nodeFlags: [...ENGINES[name].nodeFlags], args: smokeFlag }),
  );
  log('S3 requests');
  const s3 = await benchS3Cost(smoke ? [10] : [10, 1_000, 10_000]);
  log('cold start');
  const { functions: coldStart, engine: engineLoad } = await benchColdStart(
    root,
    smoke ? ['webhook'] : ['webhook', 'eval', 'cfresource'],
    smoke ? 3 : 21,
    lambda,
  );
  log('end to end');
  const endToEnd = await benchEndToEnd(root, smoke ? 5 : 200, smoke ? 2 : 20);

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()}`,
    node: process.version,
  };
  const partial = {
    generatedAt: new Date().toISOString(),
    smoke,
    machine,
    lambdaCpu: lambda.label,
    webhook,
    eval: evalResults,
    evalCold,
    s3LatencyMs: S3_LATENCY_MS,
    hostile,
    engines,
    s3,
    coldStart,
    engineLoad,
    endToEnd,
  };
  const results: BenchResults = { ...partial, targets: judgeTargets(partial) };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(out, 'eval-scaling.svg'), evalChart(evalResults));
  writeFileSync(join(out, 'RESULTS.md'), markdown(results));
  log(`wrote ${join(out, 'RESULTS.md')} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((error: Error) => {
  process.stderr.write(`[bench] failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
