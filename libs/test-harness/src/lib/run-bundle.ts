import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atLambdaCpu, type CpuShare } from '@monorepo-triggers/local-aws';

export interface BundleCall {
  event: unknown;
  context?: Record<string, unknown>;
}

export type BundleResult = { ok: true; value: unknown } | { ok: false; error: string };

export interface BundleRun {
  results: BundleResult[];
  /** What the function logged, one entry per line. */
  logLines: string[];
  stderr: string;
}

export interface RunBundleOptions {
  /** Run at the CPU share of a Lambda function of this memory size (see atLambdaCpu). */
  cpuShare?: CpuShare;
}

/**
 * Runs a built Lambda bundle (`dist/apps/<app>/main.js`) in a fresh Node process with the given
 * environment, calling `handler` once per call in order. Context objects are plain data: functions
 * such as `getRemainingTimeInMillis` are recreated in the child from `remainingTimeMs`, which it
 * returns unchanged (a clock that stands still, so no result depends on the machine's speed).
 */
export async function runBundle(
  bundle: string,
  calls: BundleCall[],
  env: Record<string, string | undefined>,
  options: RunBundleOptions = {},
): Promise<BundleRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-run-'));
  const input = join(dir, 'input.json');
  const output = join(dir, 'output.json');
  writeFileSync(input, JSON.stringify({ bundle, calls }));
  try {
    const command = atLambdaCpu(options.cpuShare, process.execPath, [join(__dirname, 'bundle-child.js'), input, output]);
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(command.file, command.args, { env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out, stderr: err }),
      );
    });
    return {
      results: JSON.parse(readFileSync(output, 'utf8')) as BundleResult[],
      logLines: stdout.split('\n').filter((line) => line.trim() !== ''),
      stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
