import { execFileSync } from 'node:child_process';
import { UserError } from './output';

/** Paths changed in a local clone between two revisions (`git diff --name-only BASE HEAD`, renames both ways). */
export function gitChangedPaths(range: string, cwd: string): string[] {
  const match = /^([^.\s]+)\.\.\.?([^.\s]+)$/.exec(range);
  if (!match) throw new UserError(`--git takes a range BASE..HEAD, got ${JSON.stringify(range)}`, 2);
  const [, base, head] = match as unknown as [string, string, string];
  try {
    const output = execFileSync('git', ['diff', '--name-only', '--no-renames', '-z', base, head], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return output.split('\0').filter((p) => p !== '');
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
    throw new UserError(`git diff ${base} ${head} failed in ${cwd}: ${stderr.trim()}`);
  }
}

/** The `owner/name` of the clone's `origin` remote, if it is on GitHub-like hosting. */
export function gitRepository(cwd: string): string | undefined {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /[:/]([^/:]+\/[^/]+?)(\.git)?$/.exec(url)?.[1];
  } catch {
    return undefined;
  }
}
