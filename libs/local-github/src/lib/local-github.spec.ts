import { request } from '@octokit/request';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ADD_REPOSITORY_PATH, startLocalGithub, type LocalGithub } from './local-github';

/** A real git repository in a temporary directory, made with the git CLI. */
function gitRepository() {
  const dir = mkdtempSync(join(tmpdir(), 'local-github-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  git('config', 'commit.gpgsign', 'false');
  const write = (files: Record<string, string | null>) => {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) unlinkSync(join(dir, path));
      else {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    }
  };
  const commit = (message: string, files: Record<string, string | null>) => {
    write(files);
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  return { dir, git, commit };
}

describe(`startLocalGithub: ${ADD_REPOSITORY_PATH} serves a clone, compared as GitHub compares`, () => {
  let github: LocalGithub;
  let repo: ReturnType<typeof gitRepository>;
  let notGit: string;
  beforeAll(async () => {
    github = await startLocalGithub({});
    repo = gitRepository();
    notGit = mkdtempSync(join(tmpdir(), 'not-git-'));
  });
  afterAll(async () => {
    await github.stop();
    rmSync(repo.dir, { recursive: true, force: true });
    rmSync(notGit, { recursive: true, force: true });
  });

  const add = (body: unknown) =>
    fetch(`${github.endpoint}${ADD_REPOSITORY_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** GitHub's compare, through the real GitHub client. */
  const compare = async (base: string, head: string) =>
    (
      await request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        baseUrl: github.endpoint,
        owner: 'acme',
        repo: 'queued',
        basehead: `${base}...${head}`,
      })
    ).data.files?.map((f) => f.filename) ?? [];
  /** What git itself lists: `git diff --name-only $(git merge-base A B) B`. */
  const gitLists = (a: string, b: string) => {
    const mergeBase = repo.git('merge-base', a, b).trim();
    return repo
      .git('diff', '--name-only', '-z', mergeBase, b)
      .split('\0')
      .filter((name) => name !== '');
  };

  it('compares a merge group head (a merge commit on gh-readonly-queue/main/pr-1-<sha>) with its base as git diff from the merge base does', async () => {
    repo.commit('initial', { 'a.txt': 'a\n', 'lib/b.txt': 'b\n', 'old.txt': 'old\n', 'docs/read me.md': 'docs\n' });
    repo.git('switch', '-q', '-c', 'feature');
    const prHead = repo.commit('the pull request', { 'a.txt': 'a, changed\n', 'src/ünïcode ✓.ts': 'new\n', 'old.txt': null });
    repo.git('switch', '-q', 'main');
    const baseSha = repo.commit('main moves on', { 'lib/b.txt': 'b, changed on main\n' });
    // The merge queue's group: the base branch with the pull request merged in, on its own branch.
    const groupBranch = `gh-readonly-queue/main/pr-1-${prHead}`;
    repo.git('switch', '-q', '-c', groupBranch, baseSha);
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge pull request #1', prHead);
    const headSha = repo.git('rev-parse', 'HEAD').trim();
    expect(repo.git('rev-list', '--parents', '-n', '1', headSha).trim().split(' ')).toEqual([headSha, baseSha, prHead]);
    // Someone pushes to main after the group was made: the merge base is no longer the compare's base.
    repo.git('switch', '-q', 'main');
    const laterMain = repo.commit('pushed past the queue', { 'later.txt': 'later\n' });

    await expect(compare(baseSha, headSha)).rejects.toMatchObject({ status: 404 });
    const added = await add({ repository: 'Acme/Queued', dir: repo.dir });
    expect(added.status).toBe(204);

    for (const [a, b] of [
      [baseSha, headSha],
      [laterMain, headSha],
      [prHead, headSha],
      [headSha, laterMain],
    ] as const) {
      const listed = gitLists(a, b);
      expect(listed.length).toBeGreaterThan(0);
      expect((await compare(a, b)).sort()).toEqual([...listed].sort());
    }
    // Hand-written for the group against its base: exactly what the pull request changed.
    expect((await compare(baseSha, headSha)).sort()).toEqual(['a.txt', 'old.txt', 'src/ünïcode ✓.ts']);
    // The group branch's own name resolves too, as GitHub resolves refs in compare.
    expect((await compare('main', groupBranch)).sort()).toEqual(gitLists('main', groupBranch).sort());
  });

  it('refuses a bad body with 400 and says why, serving nothing', async () => {
    const refusals: [unknown, string][] = [
      [{ dir: repo.dir }, '"repository" is missing'],
      [{ repository: 'queued', dir: repo.dir }, '"repository" is not owner/name'],
      [{ repository: 'acme/other' }, '"dir" is missing'],
      [{ repository: 'acme/other', dir: 'relative/clone' }, '"dir" is not an absolute path'],
      [{ repository: 'acme/other', dir: notGit }, 'git cannot read a repository in'],
      [{ repository: 'acme/other', dir: join(notGit, 'missing') }, 'git cannot read a repository in'],
      ['not json', '"repository" is missing'],
    ];
    for (const [body, why] of refusals) {
      const answer = await add(body);
      expect([answer.status, ((await answer.json()) as { message: string }).message]).toEqual([
        400,
        expect.stringMatching(
          new RegExp(`^expected \\{"repository": "owner/name", "dir": .*: ${why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
        ),
      ]);
    }
    await expect(
      request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        baseUrl: github.endpoint,
        owner: 'acme',
        repo: 'other',
        tree_sha: 'HEAD',
      }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
