import { execFileSync } from 'node:child_process';
import { UserError, visible } from './output';

type GitRange = { base: string; dots: '..' | '...'; head: string };

/** git's output in the clone `cwd`, trimmed; an error naming the command and git's own words when it fails. */
export function git(cwd: string, ...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
    throw new UserError(`git ${visible(args.join(' '))} failed in ${visible(cwd)}: ${stderr.trim()}`);
  }
}

/** Whether git says yes (exit 0) or no (any other exit). */
export function gitYes(cwd: string, ...args: string[]): boolean {
  try {
    execFileSync('git', args, { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `BASE..HEAD` or `BASE...HEAD` taken apart, or undefined. */
function splitRange(range: string): GitRange | undefined {
  const match = /^([^.\s]+)(\.\.\.?)([^.\s]+)$/.exec(range);
  if (!match) return undefined;
  const [, base, dots, head] = match as unknown as [string, string, '..' | '...', string];
  return { base, dots, head };
}

/** `BASE..HEAD` or `BASE...HEAD` taken apart; a usage error for anything else. */
function parseGitRange(range: string): GitRange {
  const parsed = splitRange(range);
  if (!parsed) throw new UserError(`--git takes a range BASE..HEAD or BASE...HEAD, got ${visible(JSON.stringify(range))}`, 2);
  return parsed;
}

/** The HEAD of `BASE..HEAD` or `BASE...HEAD` (a usage error for anything else). */
export function gitRangeHead(range: string): string {
  return parseGitRange(range).head;
}

/** `BASE...HEAD`, a pull request from HEAD into BASE, taken apart; a usage error saying `usage` for anything else. */
export function parsePullRequestRange(range: string, usage: string): { base: string; head: string } {
  const parsed = splitRange(range);
  if (parsed?.dots !== '...') throw new UserError(`${usage}, got ${visible(JSON.stringify(range))}`, 2);
  return { base: parsed.base, head: parsed.head };
}

/** The commit a revision of the clone in `cwd` names; an error saying so when it names none. */
export function gitCommit(revision: string, cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', `${revision}^{commit}`], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    throw new UserError(`${visible(revision)} is not a commit of the clone in ${visible(cwd)}`);
  }
}

/**
 * Paths changed in a local clone, by the rule eval follows (renames counted both ways):
 * `BASE..HEAD` is the difference between the two commits, what a forced push from BASE to HEAD
 * changed; `BASE...HEAD` starts at their merge base, what a new branch HEAD forked from BASE changed.
 */
export function gitChangedPaths(range: string, cwd: string): string[] {
  const { base, dots, head } = parseGitRange(range);
  try {
    const revisions = dots === '...' ? [`${base}...${head}`] : [base, head];
    const output = execFileSync('git', ['diff', '--name-only', '--no-renames', '-z', ...revisions], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return output.split('\0').filter((p) => p !== '');
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
    throw new UserError(
      `git diff ${visible(dots === '...' ? `${base}...${head}` : `${base} ${head}`)} failed in ${visible(cwd)}: ${stderr.trim()}`,
    );
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

/** The branch checked out in the clone (`refs/heads/…`), or undefined on a detached HEAD. */
export function gitCurrentBranch(cwd: string): string | undefined {
  try {
    return (
      execFileSync('git', ['symbolic-ref', '-q', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/** The full message of a range's head commit (`HEAD` of `main...HEAD`), as a push of it would carry. */
export function gitCommitMessage(range: string, cwd: string): string | undefined {
  const { head } = parseGitRange(range);
  try {
    return execFileSync('git', ['log', '-1', '--format=%B', head], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** The full SHA of a commit of the clone in `cwd` (a full or abbreviated SHA), or undefined when the clone has none. */
export function gitFindCommit(sha: string, cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${sha}^{commit}`], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The commits of the clone that have `commit` as an ancestor (on any branch, tag or remote-tracking
 * branch), nearest first (topological order from it), at most `limit` of them, and how many there are.
 */
export function gitDescendants(commit: string, cwd: string, limit: number): { commits: string[]; total: number } {
  const all = execFileSync('git', ['rev-list', '--ancestry-path', '--topo-order', '--reverse', '--all', `^${commit}`], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .split('\n')
    .filter(Boolean);
  return { commits: all.slice(0, limit), total: all.length };
}

/** Whether `ancestor` is an ancestor of (or is) `commit` in the clone; undefined when the clone lacks one of them. */
export function gitIsAncestor(ancestor: string, commit: string, cwd: string): boolean | undefined {
  try {
    execFileSync('git', ['merge-base', '--is-ancestor', ancestor, commit], { cwd, stdio: 'ignore' });
    return true;
  } catch (error) {
    // Exit 1: not an ancestor; anything else (128): a commit git does not have.
    return (error as { status?: number }).status === 1 ? false : undefined;
  }
}

/** Whether `cwd` is inside a git work tree. */
export function isGitClone(cwd: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--git-dir'], { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
