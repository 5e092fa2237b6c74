import { TokenAuth } from './github-auth';
import { GithubClient } from './github-client';
import { GitRepo, startLocalGithub, type LocalGithub } from '@monorepo-triggers/test-harness';
import { pullRequestFiles } from './pull-request-files';

/**
 * A pull request's files, through the real GitHub client, from the local stand-in that serves them
 * from a real git repository with GitHub's paging and 3,000-file cap. The expected paths are git's
 * own three-dot diff (renames as a removal and an addition: both names).
 */
describe("a pull request's files (issue 20 groundwork)", () => {
  const repo = GitRepo.create('acme/platform');
  let github: LocalGithub;
  let client: GithubClient;
  let mergeBase = '';

  beforeAll(async () => {
    mergeBase = repo.commit('base', { 'apps/a/old-name.ts': 'a', 'apps/b/b.ts': 'b', 'docs/x.md': 'x' });
    // Main moves on after the fork: none of this is the pull request's.
    repo.commit('main moves on', { 'apps/c/main-only.ts': 'c' });
    repo.checkout('small', mergeBase);
    repo.git('mv', 'apps/a/old-name.ts', 'apps/a/new-name.ts');
    repo.commit('rename, edit, add, remove', { 'apps/b/b.ts': 'b2', 'apps/d/new.ts': 'd', 'docs/x.md': null });
    repo.checkout('medium', mergeBase);
    repo.commit('250 files', Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`gen/m${i}.ts`, String(i)])));
    repo.checkout('huge', mergeBase);
    repo.commit('3,100 files', Object.fromEntries(Array.from({ length: 3100 }, (_, i) => [`gen/h${i}.ts`, String(i)])));
    // Both sides of GitHub's cap: one under it is all there is; one at it may have been cut.
    repo.checkout('under-cap', mergeBase);
    repo.commit('2,999 files', Object.fromEntries(Array.from({ length: 2999 }, (_, i) => [`gen/u${i}.ts`, String(i)])));
    repo.checkout('at-cap', mergeBase);
    repo.commit('3,000 files', Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`gen/c${i}.ts`, String(i)])));
    repo.checkout('main');
    github = await startLocalGithub({ 'acme/platform': repo.dir });
    github.openPullRequest('acme/platform', 1, { base: 'main', head: 'small' });
    github.openPullRequest('acme/platform', 2, { base: 'main', head: 'medium' });
    github.openPullRequest('acme/platform', 3, { base: 'main', head: 'huge' });
    github.openPullRequest('acme/platform', 4, { base: 'main', head: 'under-cap' });
    github.openPullRequest('acme/platform', 5, { base: 'main', head: 'at-cap' });
    client = new GithubClient(github.endpoint, new TokenAuth('token'));
  });
  afterAll(async () => {
    await github.stop();
    repo.remove();
  });
  const filesRequests = (number: number) => github.requests.filter((r) => r.path.startsWith(`/repos/acme/platform/pulls/${number}/files`));

  it("lists the pull request's own changes since its merge base, a renamed file under both names", async () => {
    const files = await pullRequestFiles(client, 'acme/platform', 1);
    expect(files).toEqual({ paths: expect.any(Array), complete: true });
    expect(files.paths.sort()).toEqual(repo.diff(mergeBase, repo.head('small')));
    expect(files.paths).toEqual(expect.arrayContaining(['apps/a/old-name.ts', 'apps/a/new-name.ts']));
    expect(files.paths).not.toContain('apps/c/main-only.ts');
  });

  it('follows the pages, 100 files each', async () => {
    const files = await pullRequestFiles(client, 'acme/platform', 2);
    expect(files.complete).toBe(true);
    expect(files.paths.sort()).toEqual(repo.diff(mergeBase, repo.head('medium')));
    expect(filesRequests(2)).toHaveLength(3);
  });

  it("says the list is incomplete at GitHub's cap of 3,000 files, and keeps what was listed", async () => {
    const files = await pullRequestFiles(client, 'acme/platform', 3);
    // GitHub's documented cap, written here by hand.
    expect(files).toMatchObject({ complete: false, reason: "3000 files: at GitHub's cap of 3000 for a pull request" });
    expect(files.paths).toHaveLength(3000);
    expect(filesRequests(3)).toHaveLength(30);
  });

  it('takes 2,999 files as the whole list, and 3,000 as one that may have been cut', async () => {
    const under = await pullRequestFiles(client, 'acme/platform', 4);
    expect(under.complete).toBe(true);
    expect(under.paths.sort()).toEqual(repo.diff(mergeBase, repo.head('under-cap')));
    const at = await pullRequestFiles(client, 'acme/platform', 5);
    expect(at.complete).toBe(false);
    expect(at.paths).toHaveLength(3000);
  });

  it('says why when GitHub does not answer, or does not know the pull request, and never throws', async () => {
    expect(await pullRequestFiles(client, 'acme/platform', 99)).toMatchObject({
      complete: false,
      paths: [],
      reason: expect.stringMatching(/404/),
    });
    github.failWith({ status: 503, body: { message: 'unavailable' } });
    try {
      expect(await pullRequestFiles(client, 'acme/platform', 1)).toMatchObject({
        complete: false,
        reason: expect.stringMatching(/503|unavailable/),
      });
    } finally {
      github.failWith(undefined);
    }
  });
});
