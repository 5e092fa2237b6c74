import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { localS3ClientConfig, startS3Server, type S3Server } from '@monorepo-triggers/local-aws';
import type { DecisionRecord } from './decision-record.schema';
import { DecisionRecordStore } from './decision-record-store';

const BUCKET = 'records';

function record(overrides: Partial<DecisionRecord>): DecisionRecord {
  return {
    version: 1,
    deliveryId: 'd-1',
    repository: 'Acme/Platform',
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    commit: 'b'.repeat(40),
    time: '2026-11-26T10:00:00.000Z',
    changes: { rule: 'ordinary', source: 'payload', complete: true, paths: 1 },
    configs: [],
    invalidConfigs: [],
    ...overrides,
  };
}

describe('DecisionRecordStore against s3rver (real S3 client)', () => {
  let s3: S3Server;
  let client: S3Client;
  let store: DecisionRecordStore;

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: [BUCKET] });
    client = createS3Client(localS3ClientConfig(s3.endpoint));
    store = new DecisionRecordStore({ client, bucket: BUCKET, prefix: '/mono-repo/records/' });
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  it('keys a record by lower-cased repository, commit and delivery', () => {
    expect(store.keyOf(record({ deliveryId: 'x/y' }))).toBe(`mono-repo/records/acme/platform/${'b'.repeat(40)}/x_y.json`);
  });

  it('finds the records of a commit by its full or abbreviated SHA, oldest first; a redelivery replaces its own', async () => {
    const sha = '1234567'.padEnd(40, '0');
    await store.put(record({ deliveryId: 'second', commit: sha, after: sha, time: '2026-11-26T10:05:00.000Z', ref: 'refs/heads/feature' }));
    await store.put(record({ deliveryId: 'first', commit: sha, after: sha, time: '2026-11-26T10:00:00.000Z' }));
    await store.put(
      record({
        deliveryId: 'first',
        commit: sha,
        after: sha,
        time: '2026-11-26T10:00:00.000Z',
        changes: { rule: 'ordinary', source: 'payload', complete: true, paths: 9 },
      }),
    );
    await store.put(record({ deliveryId: 'other', commit: '1234568'.padEnd(40, '0') }));
    for (const asked of [sha, '1234567', sha.toUpperCase()]) {
      const { records, unreadable } = await store.forCommit('acme/PLATFORM', asked);
      expect(records.map((r) => r.deliveryId)).toEqual(['first', 'second']);
      expect(records[0]?.changes.paths).toBe(9);
      expect(unreadable).toEqual([]);
    }
  });

  it('refuses what is not a SHA rather than listing the whole repository', async () => {
    await expect(store.forCommit('acme/platform', 'main')).rejects.toThrow('"main" is not a commit SHA (4 to 40 hexadecimal characters)');
    await expect(store.forCommit('acme/platform', '')).rejects.toThrow(/not a commit SHA/);
  });

  it('lists the most recent records of a repository, newest first, and names those it cannot read', async () => {
    const history = new DecisionRecordStore({ client, bucket: BUCKET, prefix: 'history' });
    for (let i = 0; i < 5; i++)
      await history.put(record({ deliveryId: `h${i}`, commit: `${i}`.repeat(40), time: `2026-11-26T1${i}:00:00.000Z` }));
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `history/acme/platform/${'9'.repeat(40)}/broken.json`, Body: '{"version":1' }),
    );
    const { records, unreadable } = await history.history('Acme/Platform', 3);
    expect(records.map((r) => r.deliveryId).slice(0, 2)).toEqual(['h4', 'h3']);
    expect(records.length + unreadable.length).toBe(3);
    const all = await history.history('acme/platform', 10);
    expect(all.records.map((r) => r.deliveryId)).toEqual(['h4', 'h3', 'h2', 'h1', 'h0']);
    expect(all.unreadable).toEqual([
      { key: `history/acme/platform/${'9'.repeat(40)}/broken.json`, error: expect.stringMatching(/^not JSON/) },
    ]);
    expect((await history.history('acme/elsewhere', 10)).records).toEqual([]);
  });
});
