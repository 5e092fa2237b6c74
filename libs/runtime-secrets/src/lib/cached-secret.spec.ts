import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager, type LocalSecretsManager } from '@monorepo-triggers/local-aws';
import { CachedSecret } from './cached-secret';
import { secretValues } from './secret-values';

describe('secretValues', () => {
  it.each([
    ['plain', 's3cret', ['s3cret']],
    ['plain with a newline', 's3cret\n', ['s3cret']],
    ['during a rotation', '{"current":"new","previous":"old"}', ['new', 'old']],
    ['after a rotation', '{"current":"new"}', ['new']],
    ['empty', '', []],
  ])('%s', (_name, stored, values) => {
    expect(secretValues(stored)).toEqual(values);
  });

  it('refuses JSON without a current value, rather than accepting anything', () => {
    expect(() => secretValues('{"previous":"old"}')).toThrow(/no "current" string/);
  });
});

describe('CachedSecret against a local Secrets Manager (real SDK client)', () => {
  let manager: LocalSecretsManager;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    manager = await startLocalSecretsManager({ 'monorepo-triggers/webhook-secret': 'one' });
    client = new SecretsManagerClient({
      endpoint: manager.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await manager.stop();
  });

  it('fetches once, serves the cache until maxAge, then sees a rotation (clock injected, no waiting)', async () => {
    let now = 1_000_000;
    const secret = new CachedSecret(client, 'monorepo-triggers/webhook-secret', { maxAgeMs: 60_000, now: () => now });
    const before = manager.requests.length;
    expect(await Promise.all([secret.get(), secret.get()])).toEqual([['one'], ['one']]);
    expect(manager.requests.length - before).toBe(1);
    manager.put('monorepo-triggers/webhook-secret', '{"current":"two","previous":"one"}');
    now += 59_999;
    expect(await secret.get()).toEqual(['one']);
    now += 1;
    expect(await secret.get()).toEqual(['two', 'one']);
    expect(manager.requests.length - before).toBe(2);
  });

  it('keeps using the values it has while Secrets Manager fails, says so, and asks again next time', async () => {
    let now = 0;
    const stale: string[] = [];
    manager.put('outage', 'kept');
    const secret = new CachedSecret(client, 'outage', {
      maxAgeMs: 1000,
      now: () => now,
      onStaleRefresh: (error) => stale.push(error.name),
    });
    expect(await secret.get()).toEqual(['kept']);
    manager.fail({ status: 500, type: 'InternalServiceError', times: 2 });
    now += 1000;
    expect(await secret.get()).toEqual(['kept']);
    expect(await secret.get()).toEqual(['kept']);
    expect(stale).toEqual(['InternalServiceError', 'InternalServiceError']);
    manager.put('outage', 'new');
    expect(await secret.get()).toEqual(['new']);
  });

  it('stops using old values once they are older than maxStale: a revoked secret is not accepted forever', async () => {
    let now = 0;
    manager.put('revoked', 'old');
    const secret = new CachedSecret(client, 'revoked', { maxAgeMs: 1000, maxStaleMs: 5000, now: () => now });
    expect(await secret.get()).toEqual(['old']);
    manager.fail({ status: 400, type: 'AccessDeniedException', times: Infinity });
    now = 5000;
    expect(await secret.get()).toEqual(['old']);
    now = 5001;
    await expect(secret.get()).rejects.toMatchObject({ name: 'AccessDeniedException' });
    manager.fail({ status: 400, type: 'AccessDeniedException', times: 0 });
  });

  it('refuses a malformed value at once instead of hiding it behind the old one', async () => {
    let now = 0;
    manager.put('typo', 'good');
    const secret = new CachedSecret(client, 'typo', { maxAgeMs: 1000, now: () => now });
    expect(await secret.get()).toEqual(['good']);
    manager.put('typo', '{"curent":"new","previous":"good"}');
    now = 1000;
    await expect(secret.get()).rejects.toMatchObject({
      name: 'SecretFormatError',
      message: expect.stringMatching(/^secret typo: .*no "current" string/),
    });
    await expect(secret.get()).rejects.toMatchObject({ name: 'SecretFormatError' });
  });

  it('takes a structured secret whole when told to, instead of reading it as a rotation pair', async () => {
    const app = JSON.stringify({ appId: '4242', privateKey: '-----BEGIN RSA PRIVATE KEY-----…' });
    manager.put('github-app', app);
    await expect(new CachedSecret(client, 'github-app', { maxAgeMs: 60_000 }).get()).rejects.toThrow(/no "current" string/);
    await expect(new CachedSecret(client, 'github-app', { maxAgeMs: 60_000, parse: (text) => [text] }).get()).resolves.toEqual([app]);
  });

  it('fails when it has nothing to fall back on', async () => {
    manager.put('never-read', 'x');
    manager.fail({ status: 500, type: 'InternalServiceError', times: 1 });
    await expect(new CachedSecret(client, 'never-read', { maxAgeMs: 1000 }).get()).rejects.toMatchObject({ name: 'InternalServiceError' });
  });

  it('fails with the SDK error for a secret that does not exist', async () => {
    await expect(new CachedSecret(client, 'nope', { maxAgeMs: 1 }).get()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
