import { startLocalGithub, GitRepo, type LocalGithub } from '@monorepo-triggers/test-harness';
import { CommitAncestry } from './commit-ancestry';
import { GithubClient } from './github-client';
import { TokenAuth } from './github-auth';

describe('CommitAncestry against the git-backed GitHub stand-in (compare status)', () => {
  let repo: GitRepo;
  let github: LocalGithub;
  let ancestry: CommitAncestry;
  const commits: Record<string, string> = {};

  beforeAll(async () => {
    repo = GitRepo.create('acme/platform');
    commits['one'] = repo.commit('one', { 'a.ts': '1' });
    commits['two'] = repo.commit('two', { 'a.ts': '2' });
    repo.checkout('release/1.x', 'main');
    commits['release'] = repo.commit('release', { 'r.ts': '1' });
    repo.checkout('main');
    commits['three'] = repo.commit('three', { 'a.ts': '3' });
    github = await startLocalGithub({ 'acme/platform': repo.dir });
    ancestry = new CommitAncestry(new GithubClient(github.endpoint, new TokenAuth('token')));
  });
  afterAll(async () => {
    await github.stop();
    repo.remove();
  });

  // Hand-written from the history above: one ← two ← three on main; two ← release on release/1.x.
  it.each([
    ['one', 'three', 'descendant'],
    ['three', 'one', 'ancestor'],
    ['two', 'two', 'same'],
    ['three', 'release', 'diverged'],
  ])('%s...%s is %s', async (older, newer, relation) => {
    expect(await ancestry.relation('acme/platform', commits[older] as string, commits[newer] as string)).toBe(relation);
  });

  it('a commit GitHub does not know is no ancestor of anything', async () => {
    expect(await ancestry.relation('acme/platform', 'f'.repeat(40), commits['three'] as string)).toBe('diverged');
    expect(await ancestry.onBranch('acme/platform', 'f'.repeat(40), 'main')).toBe(false);
  });

  it('tells whether a commit is in a branch’s history now, slashes in branch names included', async () => {
    expect(await ancestry.onBranch('acme/platform', commits['two'] as string, 'main')).toBe(true);
    expect(await ancestry.onBranch('acme/platform', commits['three'] as string, 'main')).toBe(true);
    expect(await ancestry.onBranch('acme/platform', commits['release'] as string, 'main')).toBe(false);
    expect(await ancestry.onBranch('acme/platform', commits['release'] as string, 'release/1.x')).toBe(true);
  });

  it('counts the commits a descendant is past an older commit, as git does', async () => {
    const count = Number(repo.git('rev-list', '--count', `${commits['one']}..${commits['three']}`).trim());
    expect(await ancestry.compareCommits('acme/platform', commits['one'] as string, commits['three'] as string)).toEqual({
      relation: 'descendant',
      commitsSince: count,
    });
  });
});
