import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The Nx workspace root (where nx.json is), from the sources or from the bundle in dist/infra. */
export function workspaceRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}
