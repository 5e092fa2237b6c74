import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startConditionalS3Proxy, type ConditionalS3Proxy } from './s3-conditional-proxy';
import { localS3ClientConfig, startS3Server, type S3Server } from './s3-server';

describe("startConditionalS3Proxy: S3's conditional writes in front of s3rver", () => {
  let s3: S3Server;
  let proxy: ConditionalS3Proxy;
  const client = (endpoint: string) =>
    new S3Client({
      ...localS3ClientConfig(endpoint),
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  let direct: S3Client;
  let through: S3Client;
  const status = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const put = (c: S3Client, Key: string, Body: string, condition: { IfNoneMatch?: string; IfMatch?: string } = {}) =>
    c.send(new PutObjectCommand({ Bucket: 'b', Key, Body, ...condition }));
  const read = async (Key: string) =>
    (await (await direct.send(new GetObjectCommand({ Bucket: 'b', Key }))).Body?.transformToString()) ?? '';

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ['b'] });
    proxy = await startConditionalS3Proxy(s3.endpoint);
    direct = client(s3.endpoint);
    through = client(proxy.endpoint);
  });
  afterAll(async () => {
    direct.destroy();
    through.destroy();
    await proxy.stop();
    await s3.stop();
  });

  it('is needed: s3rver alone ignores If-None-Match and overwrites', async () => {
    await put(direct, 'plain', 'one', { IfNoneMatch: '*' });
    await put(direct, 'plain', 'two', { IfNoneMatch: '*' });
    expect(await read('plain')).toBe('two');
  });

  it('If-None-Match: * creates once, then answers 412 PreconditionFailed and writes nothing', async () => {
    await put(through, 'create', 'one', { IfNoneMatch: '*' });
    const second = put(through, 'create', 'two', { IfNoneMatch: '*' });
    await expect(second).rejects.toMatchObject({ name: 'PreconditionFailed' });
    expect(status(await second.catch((e) => e))).toBe(412);
    expect(await read('create')).toBe('one');
  });

  it('If-Match replaces only the version named: 412 for another ETag, 404 when the object is gone', async () => {
    const first = await put(through, 'replace', 'one');
    await put(through, 'replace', 'two', { IfMatch: first.ETag as string });
    await expect(put(through, 'replace', 'three', { IfMatch: first.ETag as string })).rejects.toMatchObject({ name: 'PreconditionFailed' });
    expect(await read('replace')).toBe('two');
    await expect(put(through, 'missing', 'x', { IfMatch: first.ETag as string })).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('a DeleteObject with If-Match deletes only that version', async () => {
    const first = await put(through, 'gone', 'one');
    const second = await put(through, 'gone', 'two');
    await expect(through.send(new DeleteObjectCommand({ Bucket: 'b', Key: 'gone', IfMatch: first.ETag as string }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    expect(await read('gone')).toBe('two');
    await through.send(new DeleteObjectCommand({ Bucket: 'b', Key: 'gone', IfMatch: second.ETag as string }));
    await expect(read('gone')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('check and write are atomic: of 20 concurrent creates of one key, exactly one succeeds', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => put(through, 'contended', `writer-${i}`, { IfNoneMatch: '*' })),
    );
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected' && status(o.reason) === 412)).toHaveLength(19);
    expect(await read('contended')).toBe(`writer-${won[0]}`);
  });

  it('answers 409 ConditionalRequestConflict when told to, writing nothing', async () => {
    proxy.conflict(1);
    const conflicted = put(through, 'busy', 'one', { IfNoneMatch: '*' });
    await expect(conflicted).rejects.toMatchObject({ name: 'ConditionalRequestConflict', $metadata: { httpStatusCode: 409 } });
    await expect(read('busy')).rejects.toMatchObject({ name: 'NoSuchKey' });
    await put(through, 'busy', 'two', { IfNoneMatch: '*' });
    expect(await read('busy')).toBe('two');
  });
});
