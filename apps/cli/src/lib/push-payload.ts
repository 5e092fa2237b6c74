import { branchRef, refName } from '@monorepo-triggers/config-schema';
import { NULL_SHA } from '@monorepo-triggers/lambda-runtime';
import { execFileSync } from 'node:child_process';
import { gitCommit } from './git-changes';
import { UserError, visible } from './output';

/**
 * GitHub's caps for a push delivery (its webhook documentation): commits listed, and paths per commit
 * (added, removed and modified together). A push past them is one eval completes from GitHub.
 */
const MAX_COMMITS = 2048;
const MAX_PATHS_PER_COMMIT = 3000;

export interface PushPayloadOptions {
  /** `BEFORE..AFTER`: the ref's commit before the push (40 zeros: the push creates it) and after it, in the clone. */
  range: string;
  repository: string;
  /** The ref pushed (`main`, `refs/heads/main`, `refs/tags/v1`); default: AFTER when it names a branch, else the branch checked out, else main. */
  ref?: string;
  cwd: string;
}

/** What `send --push` posts, and the clone the local GitHub stand-in serves for it. */
export interface BuiltPush {
  payload: Record<string, unknown>;
  ref: string;
  before: string;
  after: string;
  forced: boolean;
  created: boolean;
  /** The clone's top directory. */
  dir: string;
}

const git = (cwd: string, ...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
    throw new UserError(`git ${visible(args.join(' '))} failed in ${visible(cwd)}: ${stderr.trim()}`);
  }
};

/** Whether git says yes (exit 0) or no (any other exit). */
const gitYes = (cwd: string, ...args: string[]) => {
  try {
    execFileSync('git', args, { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** `BEFORE..AFTER` taken apart; a usage error for anything else (a push moves a ref between two commits). */
function parsePushRange(range: string): { before: string; after: string } {
  const match = /^([^.\s]+)\.\.([^.\s]+)$/.exec(range);
  if (!match)
    throw new UserError(
      `--push takes BEFORE..AFTER (the ref's commit before the push and after it), got ${visible(JSON.stringify(range))}`,
      2,
    );
  return { before: match[1] as string, after: match[2] as string };
}

/** The ref a push moves: --ref, else AFTER when it names a branch of the clone, else the branch checked out, else main. */
function pushedRef(dir: string, after: string, option: string | undefined): string {
  if (option) return branchRef(option);
  const named = refName(after);
  if (gitYes(dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${named}`)) return `refs/heads/${named}`;
  const current = (() => {
    try {
      return execFileSync('git', ['symbolic-ref', '-q', 'HEAD'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  })();
  return current || 'refs/heads/main';
}

/** A commit's added, removed and modified paths against its first parent, cut at GitHub's cap, as a push lists them. */
function commitLists(dir: string, sha: string): { added: string[]; removed: string[]; modified: string[] } {
  const hasParent = git(dir, 'rev-list', '--parents', '-n', '1', sha).split(' ').length > 1;
  const output = hasParent
    ? git(dir, 'diff', '--name-status', '--no-renames', '-z', `${sha}^1`, sha)
    : git(dir, 'diff-tree', '--root', '-r', '--no-commit-id', '--name-status', '--no-renames', '-z', sha);
  const lists = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
  const fields = output.split('\0');
  let listed = 0;
  for (let i = 0; i + 1 < fields.length && listed < MAX_PATHS_PER_COMMIT; i += 2, listed++) {
    const status = fields[i] as string;
    const path = fields[i + 1] as string;
    (status === 'A' ? lists.added : status === 'D' ? lists.removed : lists.modified).push(path);
  }
  return lists;
}

/**
 * A push delivery for moving a ref of a local clone from BEFORE to AFTER, shaped as GitHub sends it
 * (the fields of @octokit/webhooks-examples' push example): the commits new to the ref, oldest first,
 * each with the paths it added, removed and modified against its first parent, within GitHub's caps;
 * `forced` when BEFORE is not in AFTER's history (a force-push), `created` when BEFORE is 40 zeros.
 */
export function pushPayload(options: PushPayloadOptions): BuiltPush {
  const { before: beforeRevision, after: afterRevision } = parsePushRange(options.range);
  const dir = git(options.cwd, 'rev-parse', '--show-toplevel');
  const created = /^0{40}$/.test(beforeRevision);
  const before = created ? NULL_SHA : gitCommit(beforeRevision, dir);
  const after = gitCommit(afterRevision, dir);
  const ref = pushedRef(dir, afterRevision, options.ref);
  const forced = !created && !gitYes(dir, 'merge-base', '--is-ancestor', before, after);
  // The other refs, as GitHub sees them at the push: every branch and tag but the one pushed.
  const others = git(dir, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/', 'refs/tags/')
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([name, sha]) => !!name && name !== ref && !!sha)
    .map(([, sha]) => sha as string)
    .filter((sha, i, all) => all.indexOf(sha) === i);
  // New to the ref: reachable from AFTER and not from BEFORE; for a new ref, not from any other ref.
  const exclude = created ? others.map((sha) => `^${sha}`) : [`^${before}`];
  const shas = git(dir, 'rev-list', '--reverse', after, ...exclude)
    .split('\n')
    .filter(Boolean)
    .slice(0, MAX_COMMITS);
  const onOtherRefs = new Set(others.length > 0 ? git(dir, 'rev-list', ...others).split('\n') : []);
  const person = (sha: string, format: 'a' | 'c') => {
    const [name = '', email = ''] = git(dir, 'log', '-1', `--format=%${format}n%x00%${format}e`, sha).split('\0');
    return { name, email };
  };
  const commit = (sha: string) => ({
    id: sha,
    tree_id: git(dir, 'rev-parse', `${sha}^{tree}`),
    distinct: !onOtherRefs.has(sha),
    message: git(dir, 'log', '-1', '--format=%B', sha),
    timestamp: git(dir, 'log', '-1', '--format=%cI', sha),
    url: `https://github.com/${options.repository}/commit/${sha}`,
    author: person(sha, 'a'),
    committer: person(sha, 'c'),
    ...commitLists(dir, sha),
  });
  const [owner = '', name = ''] = options.repository.split('/');
  return {
    ref,
    before,
    after,
    forced,
    created,
    dir,
    payload: {
      ref,
      before,
      after,
      created,
      deleted: false,
      forced,
      base_ref: null,
      compare: `https://github.com/${options.repository}/compare/${created ? refName(ref) : `${before.slice(0, 12)}...${after.slice(0, 12)}`}`,
      commits: shas.map(commit),
      head_commit: commit(after),
      repository: {
        id: 1,
        name,
        full_name: options.repository,
        private: true,
        owner: { login: owner, name: owner },
        default_branch: 'main',
      },
      pusher: { name: owner, email: null },
      sender: { login: owner, type: 'User' },
    },
  };
}
