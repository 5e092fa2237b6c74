import { NULL_SHA } from '@monorepo-triggers/lambda-runtime';
import examples from '@octokit/webhooks-examples';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * GitHub's caps for a push delivery: commits listed, and paths per commit (all three lists together).
 * Written here from GitHub's documentation, not imported from github-events: the stand-in models GitHub
 * on its own, so a wrong constant in the code under test fails a test instead of agreeing with it.
 */
const MAX_COMMITS = 2048;
const MAX_PATHS_PER_COMMIT = 3000;

export interface PushOptions {
  /** `refs/heads/x` or `refs/tags/x`. */
  ref: string;
  before: string;
  after: string;
  forced?: boolean;
  created?: boolean;
  deleted?: boolean;
}

export interface PullRequestOptions {
  number: number;
  /** opened, synchronize, reopened, ready_for_review, closed, labeled… as GitHub sends it. */
  action: string;
  /** The branch it targets and the branch it comes from. */
  base: string;
  head: string;
  draft?: boolean;
  /** For `closed`: the merge commit, when the pull request was merged. */
  mergeCommit?: string;
  /** The head repository when it is another one (a fork), or null when it was deleted. */
  headRepository?: string | null;
}

let gitFound = false;
/** Says plainly what is missing, and how to get it, before a test needs git (README, "Set up"). */
function requireGit(): void {
  if (gitFound) return;
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    gitFound = true;
  } catch {
    throw new Error('git is not on PATH: these tests build real git repositories with it. Install git (e.g. `apt-get install git`).');
  }
}

/** A real pull_request delivery from @octokit/webhooks-examples: the skeleton every built payload starts from. */
function examplePullRequest(): Record<string, unknown> {
  const all = examples as { name: string; examples: Record<string, unknown>[] }[];
  const opened = all.find((e) => e.name === 'pull_request')?.examples.find((e) => e['action'] === 'opened');
  if (!opened) throw new Error('@octokit/webhooks-examples has no opened pull_request example');
  return structuredClone(opened);
}

/**
 * A real git repository in a temporary directory, for tests of what a push changed: commits are
 * made with the git CLI, and `pushPayload` describes a push the way GitHub's webhook does (commits
 * new to the ref, each with the paths it added, removed and modified against its first parent,
 * within GitHub's caps), so the payload's lists and the repository's own diff can disagree exactly
 * as they do on GitHub.
 */
export class GitRepo {
  private constructor(
    readonly dir: string,
    readonly fullName: string,
    readonly defaultBranch: string,
  ) {}

  /** An empty repository whose default branch is `main`. */
  static create(fullName = 'acme/platform'): GitRepo {
    requireGit();
    const dir = mkdtempSync(join(tmpdir(), 'git-repo-'));
    const repo = new GitRepo(dir, fullName, 'main');
    repo.git('init', '-q', '-b', 'main');
    repo.git('config', 'user.email', 'test@example.com');
    repo.git('config', 'user.name', 'Test');
    repo.git('config', 'commit.gpgsign', 'false');
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Writes files (content) and deletes them (null), stages everything and commits; returns the commit. */
  commit(message: string, files: Record<string, string | null>): string {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.dir, path);
      if (content === null) {
        rmSync(full, { force: true });
      } else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  /** The commit a revision names. */
  head(rev = 'HEAD'): string {
    return this.git('rev-parse', `${rev}^{commit}`).trim();
  }

  /** Switches to a branch, creating it at `from` when given. */
  checkout(branch: string, from?: string): void {
    if (from !== undefined) this.git('checkout', '-q', '-B', branch, from);
    else this.git('checkout', '-q', branch);
  }

  /** The paths git itself says differ between two commits: the independent truth for a change set. */
  diff(base: string, head: string): string[] {
    return this.git('diff', '--name-only', '--no-renames', '-z', base, head)
      .split('\0')
      .filter((p) => p !== '')
      .sort();
  }

  /** A GitHub `push` payload for moving `ref` from `before` to `after`. */
  pushPayload(push: PushOptions): Record<string, unknown> {
    // The other refs, as GitHub sees them at the time of the push: every branch and tag but this one.
    const others = this.git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/', 'refs/tags/')
      .split('\n')
      .map((line) => line.split(' ') as [string, string])
      .filter(([ref, sha]) => ref !== '' && ref !== push.ref && sha !== undefined)
      .map(([, sha]) => sha)
      .filter((sha, i, all) => all.indexOf(sha) === i);
    let shas: string[] = [];
    if (!push.deleted) {
      // New to the ref: reachable from `after` and not from `before`; for a new ref, not from any other ref.
      const exclude = push.created || push.before === NULL_SHA ? others.map((sha) => `^${sha}`) : [`^${push.before}`];
      shas = this.git('rev-list', '--reverse', push.after, ...exclude)
        .split('\n')
        .filter((sha) => sha !== '')
        .slice(0, MAX_COMMITS);
    }
    const onOtherRefs = new Set(others.length > 0 ? this.git('rev-list', ...others).split('\n') : []);
    const commits = shas.map((sha) => ({
      ...this.commitLists(sha),
      id: sha,
      tree_id: this.git('rev-parse', `${sha}^{tree}`).trim(),
      distinct: !onOtherRefs.has(sha),
      message: this.git('log', '-1', '--format=%s', sha).trim(),
      timestamp: '2026-11-25T12:00:00Z',
      url: `https://github.com/${this.fullName}/commit/${sha}`,
      author: { name: 'Test', email: 'test@example.com' },
      committer: { name: 'Test', email: 'test@example.com' },
    }));
    const [owner, name] = this.fullName.split('/');
    return {
      ref: push.ref,
      before: push.before,
      after: push.after,
      created: push.created ?? false,
      deleted: push.deleted ?? false,
      forced: push.forced ?? false,
      base_ref: null,
      compare: `https://github.com/${this.fullName}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`,
      commits,
      head_commit: push.deleted ? null : { id: push.after, message: this.git('log', '-1', '--format=%B', push.after).trim() },
      repository: {
        id: 1,
        name,
        full_name: this.fullName,
        owner: { login: owner, name: owner },
        default_branch: this.defaultBranch,
        private: true,
      },
      pusher: { name: 'test', email: 'test@example.com' },
      sender: { login: 'test' },
    };
  }

  /**
   * A pull_request delivery as GitHub sends it, built on a real @octokit/webhooks-examples payload:
   * its base and head name this repository's branches and their commits now.
   */
  pullRequestPayload(pull: PullRequestOptions): Record<string, unknown> {
    const payload = examplePullRequest();
    const repository = {
      ...(payload['repository'] as Record<string, unknown>),
      full_name: this.fullName,
      default_branch: this.defaultBranch,
    };
    const pr = payload['pull_request'] as Record<string, unknown>;
    const side = (branch: string, repo: Record<string, unknown> | null) => ({
      ...(pr['base'] as Record<string, unknown>),
      ref: branch,
      sha: this.git('rev-parse', branch).trim(),
      repo,
    });
    const headRepo =
      pull.headRepository === null ? null : pull.headRepository ? { ...repository, full_name: pull.headRepository } : repository;
    return {
      ...payload,
      action: pull.action,
      number: pull.number,
      repository,
      pull_request: {
        ...pr,
        number: pull.number,
        state: pull.action === 'closed' ? 'closed' : 'open',
        draft: pull.draft ?? false,
        merged: pull.mergeCommit !== undefined,
        merge_commit_sha: pull.mergeCommit ?? null,
        base: side(pull.base, repository),
        head: side(pull.head, headRepo),
      },
    };
  }

  /** A commit's added, removed and modified paths against its first parent, cut at GitHub's cap. */
  private commitLists(sha: string): { added: string[]; removed: string[]; modified: string[] } {
    const hasParent = this.git('rev-list', '--parents', '-n', '1', sha).trim().split(' ').length > 1;
    const output = hasParent
      ? this.git('diff', '--name-status', '--no-renames', '-z', `${sha}^1`, sha)
      : this.git('diff-tree', '--root', '-r', '--no-commit-id', '--name-status', '--no-renames', '-z', sha);
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

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
