import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The workspace's tools/at-lambda-cpu, from this file (libs/local-aws/src/lib) or from a bundle in
// dist/<project>/ that includes it (the bench).
const AT_LAMBDA_CPU =
  [join(__dirname, '..', '..', '..', '..', 'tools', 'at-lambda-cpu'), join(__dirname, '..', '..', 'tools', 'at-lambda-cpu')].find((path) =>
    existsSync(path),
  ) ?? 'tools/at-lambda-cpu';

let quotaAvailable: boolean | undefined;

/** Whether this machine can cap a process at a Lambda's CPU share (root and a cgroup cpu controller). */
export function lambdaCpuQuotaAvailable(): boolean {
  quotaAvailable ??= spawnSync(AT_LAMBDA_CPU, ['128', 'true'], { stdio: 'ignore' }).status === 0;
  return quotaAvailable;
}

/** How a command is made to run at a Lambda function's CPU share, for test names and reports. */
export interface CpuShare {
  /** Lambda memory size whose CPU share is imposed (1 vCPU per 1,769 MB). */
  memoryMb: number;
}

/**
 * The command line that runs `file args…` at the CPU share a Lambda function of `memoryMb` gets, with
 * tools/at-lambda-cpu (a cgroup CPU quota). Where the machine cannot set a quota (not root, no cgroup
 * cpu controller), the command runs as is and `withCompetingLoad` supplies the starvation instead.
 */
export function atLambdaCpu(share: CpuShare | undefined, file: string, args: string[]): { file: string; args: string[] } {
  if (!share || !lambdaCpuQuotaAvailable()) return { file, args };
  return { file: AT_LAMBDA_CPU, args: [String(share.memoryMb), file, ...args] };
}

/**
 * Runs `work` while every core is kept busy by other processes, so that what it starts competes for
 * CPU. Used where no cgroup quota is available, so that a CPU-starved run still happens.
 */
export async function withCompetingLoad<T>(work: () => Promise<T>): Promise<T> {
  const burners: ChildProcess[] = cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  try {
    return await work();
  } finally {
    for (const burner of burners) burner.kill('SIGKILL');
  }
}
