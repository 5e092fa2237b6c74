import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NxWorkspaceError } from './nx-task-reader';

/** The Nx workspace `from` is in: the nearest directory at or above it that holds nx.json (as Nx finds it). */
export function nxWorkspaceRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new NxWorkspaceError(`no nx.json in ${resolve(from)} or any directory above it: not an Nx workspace`);
  }
}
