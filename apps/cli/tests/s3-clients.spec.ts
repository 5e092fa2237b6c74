import { S3RVER_CREDENTIALS } from '@monorepo-triggers/local-aws';
import type { LocalStackInfo } from '../src/lib/local-state';
import { localStackS3Client } from '../src/lib/s3-clients';

/** Which store a command reaches while a local stack runs: the embedded S3's, or the real bucket of --aws. */
describe('localStackS3Client', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEOPERATOR',
      AWS_SECRET_ACCESS_KEY: 'operator-secret',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: 'https://s3.eu-west-1.amazonaws.com',
    });
    delete process.env['S3_FORCE_PATH_STYLE'];
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  const info = (aws: boolean): LocalStackInfo => ({
    pid: 1,
    ...(aws ? { aws: true } : {}),
    webhookUrl: 'http://127.0.0.1:3000/',
    s3Endpoint: aws ? 'https://s3.eu-west-1.amazonaws.com' : 'http://127.0.0.1:4569',
    bucket: 'b',
    prefix: 'mono-repo/config',
    secretFile: '/tmp/secret',
  });

  it('a stack started with --aws: the default credential chain, region and endpoint, virtual-hosted addressing', async () => {
    const client = localStackS3Client(info(true));
    expect((await client.config.credentials()).accessKeyId).toBe('AKIAEXAMPLEOPERATOR');
    expect(await client.config.region()).toBe('eu-west-1');
    expect(client.config.forcePathStyle).toBe(false);
  });

  it("the embedded S3: its own credentials and endpoint, whatever the environment's", async () => {
    const client = localStackS3Client(info(false));
    expect((await client.config.credentials()).accessKeyId).toBe(S3RVER_CREDENTIALS.accessKeyId);
    const endpoint = await client.config.endpoint?.();
    expect(`${endpoint?.hostname}:${endpoint?.port}`).toBe('127.0.0.1:4569');
    expect(client.config.forcePathStyle).toBe(true);
  });
});
