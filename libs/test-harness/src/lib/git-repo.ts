import { pushPayloadOfClone } from '@monorepo-triggers/local-github';
import examples from '@octokit/webhooks-examples';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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
 * made with the git CLI, and `pushPayload` describes a push the way GitHub's webhook does (the stand-in
 * GitHub's pushPayloadOfClone: commits new to the ref, each with the paths it added, removed and
 * modified against its first parent, within GitHub's caps), so the payload's lists and the
 * repository's own diff can disagree exactly as they do on GitHub.
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

  /** A GitHub `push` payload for moving `ref` from `before` to `after` (the stand-in GitHub's builder). */
  pushPayload(push: PushOptions): Record<string, unknown> {
    return pushPayloadOfClone(this.dir, { ...push, repository: this.fullName, defaultBranch: this.defaultBranch });
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

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
