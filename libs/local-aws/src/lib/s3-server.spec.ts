import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localS3ClientConfig, startS3Server, type S3Server } from './s3-server';

describe('startS3Server', () => {
  let server: S3Server;
  beforeAll(async () => {
    server = await startS3Server({ buckets: ['configs'] });
  });
  afterAll(() => server.stop());

  it('serves the real S3 client on 127.0.0.1 and records each request', async () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s3 = new S3Client(localS3ClientConfig(server.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: 'other' }));
    await s3.send(new PutObjectCommand({ Bucket: 'configs', Key: 'a/b.json', Body: '{"x":1}' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'configs', Key: 'a/b.json' }));
    expect(await got.Body?.transformToString()).toBe('{"x":1}');
    await server.sync(); // the request log arrives asynchronously from the child process
    expect(server.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'GET']);
    expect(server.requests[2]?.url).toMatch(/^\/configs\/a\/b\.json/);
    s3.destroy();
  });
});
