import { GithubClient, TokenAuth } from '@monorepo-triggers/github-api';
import { GitRepo, startLocalGithub, type LocalGithub } from '@monorepo-triggers/test-servers';
import { headCommitSkipCi } from '../src/lib/head-commit-skip-ci';

/** [skip ci] on a pull request: its head commit's message, read from GitHub (issue 20 groundwork). */
describe("a pull request head commit's [skip ci]", () => {
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

  it('finds the marker in the message body, and none in a plain message', async () => {
    expect(await headCommitSkipCi(client, 'acme/platform', marked)).toEqual({ marker: '[ci skip]' });
    expect(await headCommitSkipCi(client, 'acme/platform', plain)).toEqual({});
    expect(github.requests.map((r) => r.path)).toEqual([`/repos/acme/platform/commits/${marked}`, `/repos/acme/platform/commits/${plain}`]);
  });

  it('builds rather than guess: no credential, an unknown commit or a failing GitHub give no marker, and say why', async () => {
    expect(await headCommitSkipCi(undefined, 'acme/platform', marked)).toEqual({ error: expect.stringMatching(/no GitHub credential/) });
    expect(await headCommitSkipCi(client, 'acme/platform', 'f'.repeat(40))).toEqual({ error: expect.stringMatching(/404/) });
    github.failWith({ status: 502, body: { message: 'bad gateway' } });
    try {
      expect(await headCommitSkipCi(client, 'acme/platform', marked)).toEqual({ error: expect.stringMatching(/502|bad gateway/) });
    } finally {
      github.failWith(undefined);
    }
  });
});
