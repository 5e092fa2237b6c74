import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from './output';

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
  /** Started with --aws: the store is a real bucket, reached with the default credential chain. */
  aws?: boolean;
  /** The stand-in GitHub API that records statuses and check runs (not with --aws). */
  githubUrl?: string;
  /** The local CodePipeline (not with --aws): `send --fail` tells it how an execution ends. */
  codepipelineUrl?: string;
  /** Each local function's Invoke endpoint (AWS_ENDPOINT_URL_LAMBDA), by function name. */
  lambdas?: Record<string, string>;
  /** The local SQS (not with --aws), and each function's dead-letter queue URL by function name (`triggers redrive`). */
  sqsUrl?: string;
  deadLetterQueues?: Record<string, string>;
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

/** The running stack's hold on a data directory: released on stop, taken over when its process died. */
export interface StackLock {
  release(): void;
}

/**
 * Takes the data directory for this process: `lock` is created exclusively (two starts at once
 * cannot both win) and names our pid. A lock whose process is gone (a crashed or killed run) is
 * taken over; one whose process lives is refused with what runs there.
 */
export function lockDataDir(dir: string): StackLock {
  const file = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return {
        release: () => {
          if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (holder > 0 && holder !== process.pid && isAlive(holder)) {
      const info = readLocalStack(dir);
      throw new UserError(
        `a local stack already runs from ${dir} (pid ${holder}${info ? `, webhook ${info.webhookUrl}` : ''}): stop it first (Ctrl-C in its terminal), or start another with --data-dir DIR`,
      );
    }
    rmSync(file, { force: true }); // left by a run that did not stop: its process is gone
  }
  throw new UserError(`could not take ${file}: another start is taking it at the same moment`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
