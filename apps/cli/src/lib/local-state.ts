import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the local stack keeps its data (git-ignored). `TRIGGERS_LOCAL_DIR` overrides it. */
export function localDir(): string {
  return resolve(process.env['TRIGGERS_LOCAL_DIR'] ?? join(process.cwd(), '.local'));
}

/** What a running `npm start` tells the other commands: its endpoints and where its secret is. */
export interface LocalStackInfo {
  pid: number;
  webhookUrl: string;
  s3Endpoint: string;
  bucket: string;
  prefix: string;
  secretFile: string;
  /** The stand-in GitHub API that records statuses and check runs (not with --aws). */
  githubUrl?: string;
  /** The local CodePipeline (not with --aws): `send --fail` tells it how an execution ends. */
  codepipelineUrl?: string;
}

export function stackInfoFile(dir = localDir()): string {
  return join(dir, 'stack.json');
}

/** The running local stack, or undefined when none is running. */
export function readLocalStack(dir = localDir()): LocalStackInfo | undefined {
  const file = stackInfoFile(dir);
  if (!existsSync(file)) return undefined;
  const info = JSON.parse(readFileSync(file, 'utf8')) as LocalStackInfo;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}
