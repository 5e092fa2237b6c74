import { NULL_SHA } from '@monorepo-triggers/lambda-runtime';
import { execFileSync } from 'node:child_process';
import { GITHUB_LIMITS } from './local-github-limits';

/** A ref of a git clone moving from `before` to `after`, as GitHub's push webhook describes it. */
export interface ClonePush {
  /** `owner/name`, as GitHub names the repository. */
  repository: string;
  defaultBranch: string;
  /** `refs/heads/x` or `refs/tags/x`. */
  ref: string;
  before: string;
  after: string;
  created?: boolean;
  deleted?: boolean;
  forced?: boolean;
}

/** git's output as it is: `-z` lists keep paths that end in a space or a newline. */
const gitRaw = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
const git = (dir: string, ...args: string[]) => gitRaw(dir, ...args).trim();

/**
 * The `push` delivery GitHub would send for a ref of the clone in `dir` (the fields of
 * @octokit/webhooks-examples' push example): the commits new to the ref, oldest first, at most
 * GitHub's 2,048; for a new ref, those on no other branch or tag; each with the paths it added,
 * removed and modified against its first parent, cut at GitHub's cap, and `distinct` when no other
 * ref has it. The one builder `triggers send --push` and the tests' GitRepo share: written from
 * GitHub's documentation, never from the code that reads the payload.
 */
export function pushPayloadOfClone(dir: string, push: ClonePush): Record<string, unknown> {
  const created = push.created ?? push.before === NULL_SHA;
  // The other refs, as GitHub sees them at the push: every branch and tag but the one pushed.
  const others = git(dir, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/', 'refs/tags/')
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([name, sha]) => !!name && name !== push.ref && !!sha)
    .map(([, sha]) => sha as string)
    .filter((sha, i, all) => all.indexOf(sha) === i);
  const exclude = created ? others.map((sha) => `^${sha}`) : [`^${push.before}`];
  const shas = push.deleted
    ? []
    : git(dir, 'rev-list', '--reverse', push.after, ...exclude)
        .split('\n')
        .filter(Boolean)
        .slice(0, GITHUB_LIMITS.pushCommits);
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
    url: `https://github.com/${push.repository}/commit/${sha}`,
    author: person(sha, 'a'),
    committer: person(sha, 'c'),
    ...commitLists(dir, sha),
  });
  const [owner = '', name = ''] = push.repository.split('/');
  const branch = push.ref.replace(/^refs\/(heads|tags)\//, '');
  return {
    ref: push.ref,
    before: push.before,
    after: push.after,
    created,
    deleted: push.deleted ?? false,
    forced: push.forced ?? false,
    base_ref: null,
    compare: `https://github.com/${push.repository}/compare/${created ? branch : `${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`}`,
    commits: shas.map(commit),
    head_commit: push.deleted ? null : commit(push.after),
    repository: {
      id: 1,
      name,
      full_name: push.repository,
      private: true,
      owner: { login: owner, name: owner },
      default_branch: push.defaultBranch,
    },
    pusher: { name: owner, email: null },
    sender: { login: owner, type: 'User' },
  };
}

/** A commit's added, removed and modified paths against its first parent, cut at GitHub's cap, as a push lists them. */
function commitLists(dir: string, sha: string): { added: string[]; removed: string[]; modified: string[] } {
  const hasParent = git(dir, 'rev-list', '--parents', '-n', '1', sha).split(' ').length > 1;
  const output = hasParent
    ? gitRaw(dir, 'diff', '--name-status', '--no-renames', '-z', `${sha}^1`, sha)
    : gitRaw(dir, 'diff-tree', '--root', '-r', '--no-commit-id', '--name-status', '--no-renames', '-z', sha);
  const lists = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
  const fields = output.split('\0');
  let listed = 0;
  for (let i = 0; i + 1 < fields.length && listed < GITHUB_LIMITS.pushPathsPerCommit; i += 2, listed++) {
    const status = fields[i] as string;
    const path = fields[i + 1] as string;
    (status === 'A' ? lists.added : status === 'D' ? lists.removed : lists.modified).push(path);
  }
  return lists;
}
