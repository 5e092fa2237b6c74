import { startRecordingServer } from '@monorepo-triggers/local-aws';
import { githubAppKeyPair, startLocalGithub, type LocalGithub } from '@monorepo-triggers/local-github';
import { GithubAppAuth } from './github-auth';
import { GithubClient } from './github-client';

const SHA = 'c'.repeat(40);
const status = { state: 'success', context: 'pipeline/orders', description: 'skipped: no changed path matched' };

describe('GithubAppAuth with @octokit/auth-app, against the local GitHub stand-in', () => {
  // A real RSA key pair: the stand-in checks each JWT's signature with the public half.
  const { privateKey, publicKey } = githubAppKeyPair();
  let github: LocalGithub;
  const client = (auth: GithubAppAuth) => new GithubClient(github.endpoint, auth, { sleep: async () => undefined });
  const appAuth = (key = privateKey) => new GithubAppAuth({ appId: '4242', privateKey: key }, github.endpoint);
  const post = (c: GithubClient, repository: string) => c.write('POST', `/repos/${repository}/statuses/${SHA}`, repository, status);

  beforeEach(async () => {
    github = await startLocalGithub(
      {},
      { app: { appId: '4242', publicKey, installations: { 'acme/platform': 7, 'acme/docs': 7, 'other/repo': 9 } } },
    );
  });
  afterEach(async () => {
    jest.useRealTimers();
    await github.stop();
  });

  it('finds the installation of each repository once, and reuses one installation token for both', async () => {
    const c = client(appAuth());
    for (const repository of ['acme/platform', 'acme/platform', 'acme/docs', 'acme/platform']) await post(c, repository);
    const lookups = github.requests.filter((r) => r.path.endsWith('/installation')).map((r) => r.path);
    expect(lookups).toEqual(['/repos/acme/platform/installation', '/repos/acme/docs/installation']);
    expect(github.issuedTokens.map((t) => t.installationId)).toEqual([7]);
    expect(github.statuses.map((s) => s.token)).toEqual(Array(4).fill(github.issuedTokens[0]?.token));
  });

  it('uses each installation its own token', async () => {
    const c = client(appAuth());
    await post(c, 'acme/platform');
    await post(c, 'other/repo');
    expect(github.issuedTokens.map((t) => t.installationId)).toEqual([7, 9]);
    expect(github.statuses.map((s) => s.token)).toEqual(github.issuedTokens.map((t) => t.token));
  });

  it('mints a new token once the cached one is about to expire (an hour later)', async () => {
    // Only Date is faked: the servers' timers and sockets run as usual.
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    const start = Date.now();
    const c = client(appAuth());
    await post(c, 'acme/platform');
    jest.setSystemTime(start + 58 * 60 * 1000);
    await post(c, 'acme/platform');
    expect(github.issuedTokens).toHaveLength(1);
    jest.setSystemTime(start + 60 * 60 * 1000);
    await post(c, 'acme/platform');
    expect(github.issuedTokens).toHaveLength(2);
    expect(github.statuses.map((s) => s.token)).toEqual([
      github.issuedTokens[0]?.token,
      github.issuedTokens[0]?.token,
      github.issuedTokens[1]?.token,
    ]);
  });

  it('says so when the App is not installed on the repository, and posts nothing', async () => {
    await expect(post(client(appAuth()), 'acme/elsewhere')).rejects.toThrow('the GitHub App is not installed on acme/elsewhere');
    expect(github.statuses).toEqual([]);
  });

  it('is refused with a key that is not the App’s', async () => {
    const { privateKey: otherKey } = githubAppKeyPair();
    await expect(post(client(appAuth(otherKey)), 'acme/platform')).rejects.toMatchObject({ status: 401 });
    expect(github.issuedTokens).toEqual([]);
  });

  it('gives up on a GitHub that never answers the App sign-in, instead of waiting for ever', async () => {
    const silent = await startRecordingServer(() => ({ status: 200, body: {}, delayMs: 3_600_000 }));
    try {
      const auth = new GithubAppAuth({ appId: '4242', privateKey }, silent.endpoint, 200);
      await expect(auth.token('acme/platform')).rejects.toThrow(/^could not look up the GitHub App's installation on acme\/platform: /);
    } finally {
      await silent.stop();
    }
  });

  it('reads its credentials when first needed, and again after a failed read', async () => {
    let reads = 0;
    const auth = new GithubAppAuth(async () => {
      reads++;
      if (reads === 1) throw new Error('Secrets Manager unavailable');
      return { appId: '4242', privateKey };
    }, github.endpoint);
    await expect(post(client(auth), 'acme/platform')).rejects.toThrow('Secrets Manager unavailable');
    await post(client(auth), 'acme/platform');
    await post(client(auth), 'acme/platform');
    expect(reads).toBe(2);
  });
});
