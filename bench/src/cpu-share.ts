import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The CPU a measurement ran with, as it appears in the report. */
export interface CpuShare {
  memoryMb: number;
  /** 'quota' when a cgroup CPU quota imposed the share; 'none' when this machine could not (full CPU). */
  imposed: 'quota' | 'none';
  label: string;
}

let quota: boolean | undefined;

/** The share a Lambda function of `memoryMb` gets (1 vCPU per 1,769 MB), if this machine can impose it. */
export function lambdaShare(root: string, memoryMb: number): CpuShare {
  quota ??= spawnSync(join(root, 'tools', 'at-lambda-cpu'), ['128', 'true'], { stdio: 'ignore' }).status === 0;
  const vcpu = (memoryMb / 1769).toFixed(2);
  return quota
    ? { memoryMb, imposed: 'quota', label: `${vcpu} vCPU (a ${memoryMb} MB Lambda's share, cgroup quota)` }
    : { memoryMb, imposed: 'none', label: `full CPU (no cgroup quota here; a ${memoryMb} MB Lambda gets ${vcpu} vCPU)` };
}

/** `node args…` at `share` (through tools/at-lambda-cpu when a quota is available), as argv. */
export function nodeAt(root: string, share: CpuShare, nodeArgs: string[]): { file: string; args: string[] } {
  if (share.imposed === 'quota') return { file: join(root, 'tools', 'at-lambda-cpu'), args: [String(share.memoryMb), process.execPath, ...nodeArgs] };
  return { file: process.execPath, args: nodeArgs };
}

/**
 * Runs one bench section in a fresh Node process at `share` (`node [flags] dist/bench/main.js
 * --only SECTION`) and returns the JSON it prints: measurements that must reflect a Lambda's CPU,
 * or need V8 flags, run there.
 */
export function runSection<T>(root: string, share: CpuShare, section: string, options: { nodeFlags?: string[]; args?: string[] } = {}): T {
  const command = nodeAt(root, share, [...(options.nodeFlags ?? []), join(root, 'dist', 'bench', 'main.js'), '--only', section, ...(options.args ?? [])]);
  const result = spawnSync(command.file, command.args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  if (result.status !== 0) throw new Error(`bench section ${section} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
