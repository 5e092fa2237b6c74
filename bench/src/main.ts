// `npm run bench`: measures the system against baselines in one run and writes bench/RESULTS.md,
// bench/results.json and bench/eval-scaling.svg. `--smoke` runs tiny sizes (part of `npm test`);
// `--out DIR` writes elsewhere.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchColdStart } from './cold-start-bench';
import { benchEndToEnd } from './e2e-bench';
import { benchEval } from './eval-bench';
import { evalChart, judgeTargets, markdown, type BenchResults } from './report';
import { benchS3Cost } from './s3-cost-bench';
import { benchWebhook } from './webhook-bench';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean' }, out: { type: 'string' } } });
  const smoke = !!values.smoke;
  const root = resolve(__dirname, '..', '..');
  const out = resolve(values.out ?? join(root, 'bench'));
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const started = Date.now();

  log('webhook');
  const webhook = await benchWebhook(
    root,
    smoke
      ? [{ label: '1 KB', bytes: 1024, runs: 5 }, { label: '100 KB', bytes: 100 * 1024, runs: 5 }]
      : [
          { label: '1 KB', bytes: 1024, runs: 300 },
          { label: '100 KB', bytes: 100 * 1024, runs: 200 },
          { label: '5 MB', bytes: 5 * 1024 * 1024, runs: 30 },
          // Just under the webhook's 25 MB limit (GitHub's cap), which a larger body would hit with 413.
          { label: '25 MB', bytes: 25 * 1024 * 1024 - 200_000, runs: 10 },
        ],
  );
  log('eval decisions');
  const sizes = smoke ? [10, 100] : [10, 1_000, 10_000];
  const fileCounts = smoke ? [10, 100] : [10, 1_000, 10_000];
  const evalResults = await benchEval(sizes.flatMap((configs) => fileCounts.map((files) => ({ configs, files, runs: smoke ? 3 : configs * files >= 10_000_000 ? 5 : 15 }))));
  log('S3 requests');
  const s3 = await benchS3Cost(smoke ? [10] : [10, 1_000, 10_000]);
  log('cold start');
  const coldStart = await benchColdStart(root, smoke ? ['webhook'] : ['webhook', 'eval', 'cfresource'], smoke ? 3 : 15);
  log('end to end');
  const endToEnd = await benchEndToEnd(root, smoke ? 5 : 200, smoke ? 2 : 20);

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), platform: `${platform()} ${release()}`, node: process.version };
  const partial = { generatedAt: new Date().toISOString(), smoke, machine, webhook, eval: evalResults, s3, coldStart, endToEnd };
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
