import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT } from './cli';

export interface StartedStack {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Stops the stack (SIGTERM) and resolves with its exit code; at once if it already exited. */
  stop(): Promise<number | null>;
}

/**
 * Starts `triggers start` on a free port (unless `port` is given); resolves once it printed its
 * webhook URL. A stack that does not come up (in 5 minutes, far beyond a loaded machine's start) is
 * killed before the promise rejects, so a failed start leaves no process behind.
 */
export function startStack(
  dataDir: string,
  options: { port?: number; args?: string[]; env?: Record<string, string | undefined> } = {},
): Promise<StartedStack> {
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--port', String(options.port ?? 0), '--data-dir', dataDir, ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop().then(() => reject(new Error(`the local stack did not start:\n${output}`)));
    }, 5 * 60_000);
    child.stdout?.on('data', () => {
      const url = /webhook: +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url && output.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve({ child, url, output: () => output, stop });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the local stack exited with ${code}:\n${output}`));
    });
  });
}
