import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { summarise, type Timing } from './stats';

export interface ColdStartResult {
  app: string;
  variant: 'sdk-bundled' | 'sdk-external';
  bytes: number;
  /** Time to `require` the bundle in a fresh Node process, minus an empty process's start. */
  require: Timing;
}

/** Median wall time of `node -e script` over `runs` fresh processes. */
function nodeStartup(script: string, runs: number, cwd: string): number[] {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['-e', script], { cwd, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    if (result.status !== 0) throw new Error(`node -e failed: ${result.stderr}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

/**
 * Cold-start proxy for each Lambda bundle: its size, and how long `require` takes in a fresh process,
 * built with the AWS SDK bundled (what the project ships) and with `@aws-sdk/*` left to the runtime.
 */
export async function benchColdStart(root: string, apps: string[], runs: number): Promise<ColdStartResult[]> {
  const outdir = join(root, 'dist', 'bench', 'cold-start');
  mkdirSync(outdir, { recursive: true });
  const empty = summarise(nodeStartup('0', runs, root)).medianMs;
  const results: ColdStartResult[] = [];
  for (const app of apps) {
    for (const variant of ['sdk-bundled', 'sdk-external'] as const) {
      const outfile = join(outdir, `${app}-${variant}.js`);
      await build({
        entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node22',
        minify: true,
        mainFields: ['module', 'main'],
        tsconfig: join(root, 'apps', app, 'tsconfig.app.json'),
        external: variant === 'sdk-external' ? ['@aws-sdk/*', '@smithy/*'] : [],
        logLevel: 'error',
      });
      const samples = nodeStartup(`require(${JSON.stringify(outfile)})`, runs, root).map((ms) => Math.max(0, ms - empty));
      results.push({ app, variant, bytes: statSync(outfile).size, require: summarise(samples) });
    }
  }
  return results;
}
