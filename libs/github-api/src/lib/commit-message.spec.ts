import { TokenAuth } from './github-auth';
import { GithubClient } from './github-client';
import { GitRepo, startLocalGithub, type LocalGithub } from '@monorepo-triggers/test-harness';
import { commitMessage } from './commit-message';

/** A pull request's head commit message, read from GitHub for [skip ci]. */
describe('commitMessage against the local GitHub stand-in, from a real git repository', () => {
  const repo = GitRepo.create('acme/platform');
  let github: LocalGithub;
  let client: GithubClient;
  let marked = '';
  let plain = '';
  beforeAll(async () => {
    plain = repo.commit('feat: build me', { 'a.ts': '1' });
    marked = repo.commit('chore: tidy\n\nNothing to build. [ci skip]', { 'a.ts': '2' });
    github = await startLocalGithub({ 'acme/platform': repo.dir });
    client = new GithubClient(github.endpoint, new TokenAuth('token'));
  });
  afterAll(async () => {
    await github.stop();
    repo.remove();
  });

  it('reads the whole message, subject and body, as git has it', async () => {
    expect(await commitMessage(client, 'acme/platform', marked)).toEqual({ message: repo.git('log', '-1', '--format=%B', marked).trim() });
    expect(await commitMessage(client, 'acme/platform', marked)).toEqual({ message: 'chore: tidy\n\nNothing to build. [ci skip]' });
    expect(await commitMessage(client, 'acme/platform', plain)).toEqual({ message: 'feat: build me' });
    expect(github.requests.map((r) => r.path)).toEqual([
      `/repos/acme/platform/commits/${marked}`,
      `/repos/acme/platform/commits/${marked}`,
      `/repos/acme/platform/commits/${plain}`,
    ]);
  });

  it('says why when it cannot: no credential, an unknown commit, a failing GitHub', async () => {
    expect(await commitMessage(undefined, 'acme/platform', marked)).toEqual({ error: expect.stringMatching(/no GitHub credential/) });
    expect(await commitMessage(client, 'acme/platform', 'f'.repeat(40))).toEqual({ error: expect.stringMatching(/404/) });
    github.failWith({ status: 502, body: { message: 'bad gateway' } });
    try {
      expect(await commitMessage(client, 'acme/platform', marked)).toEqual({ error: expect.stringMatching(/502|bad gateway/) });
    } finally {
      github.failWith(undefined);
    }
  });
});
