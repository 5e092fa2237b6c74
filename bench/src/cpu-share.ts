import { atLambdaCpu, lambdaCpuQuotaAvailable } from '@monorepo-triggers/local-aws';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The CPU a measurement ran with, as it appears in the report. */
export interface CpuShare {
  memoryMb: number;
  /** 'quota' when a cgroup CPU quota imposed the share; 'none' when this machine could not (full CPU). */
  imposed: 'quota' | 'none';
  label: string;
}

/** The share a Lambda function of `memoryMb` gets (1 vCPU per 1,769 MB), if this machine can impose it. */
export function lambdaShare(memoryMb: number): CpuShare {
  const vcpu = (memoryMb / 1769).toFixed(2);
  return lambdaCpuQuotaAvailable()
    ? { memoryMb, imposed: 'quota', label: `${vcpu} vCPU (a ${memoryMb} MB Lambda's share, cgroup quota)` }
    : { memoryMb, imposed: 'none', label: `full CPU (no cgroup quota here; a ${memoryMb} MB Lambda gets ${vcpu} vCPU)` };
}

/** `node args…` at `share` (through tools/at-lambda-cpu when a quota is available), as argv. */
export function nodeAt(share: CpuShare, nodeArgs: string[]): { file: string; args: string[] } {
  return atLambdaCpu(share.imposed === 'quota' ? share : undefined, process.execPath, nodeArgs);
}

/**
 * Runs one bench section in a fresh Node process at `share` (`node [flags] dist/bench/main.js
 * --only SECTION`) and returns the JSON it prints: measurements that must reflect a Lambda's CPU,
 * or need V8 flags, run there.
 */
export function runSection<T>(root: string, share: CpuShare, section: string, options: { nodeFlags?: string[]; args?: string[] } = {}): T {
  const command = nodeAt(share, [
    ...(options.nodeFlags ?? []),
    join(root, 'dist', 'bench', 'main.js'),
    '--only',
    section,
    ...(options.args ?? []),
  ]);
  const result = spawnSync(command.file, command.args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: process.env,
  });
  if (result.status !== 0) throw new Error(`bench section ${section} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
