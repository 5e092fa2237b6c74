import { localS3ClientConfig, startS3Server } from '@monorepo-triggers/local-aws';
import { createS3Client, mapLimit } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { monorepoConfigs } from './eval-bench';

export interface S3CostResult {
  configs: number;
  unchanged: { list: number; get: number };
  oneChanged: { list: number; get: number };
}

/**
 * S3 requests of a warm eval (the store's ETag cache filled by an earlier listing), counted at the
 * S3 server: when nothing changed, and when one config changed.
 */
export async function benchS3Cost(sizes: number[]): Promise<S3CostResult[]> {
  const server = await startS3Server({ buckets: ['bench'] });
  const client = createS3Client({ ...localS3ClientConfig(server.endpoint), maxAttempts: 5 });
  const results: S3CostResult[] = [];
  try {
    for (const n of sizes) {
      const prefix = `bench-${n}/config`;
      const writer = new S3ConfigStore({ client, bucket: 'bench', prefix });
      const configs = monorepoConfigs(n);
      await mapLimit(configs, 16, (config) => writer.put(config));
      const reader = new S3ConfigStore({ client, bucket: 'bench', prefix });
      await reader.list('acme/platform'); // cold: fills the cache
      const count = async (action: () => Promise<unknown>) => {
        await server.sync();
        const start = server.requests.length;
        await action();
        await server.sync();
        const seen = server.requests.slice(start);
        const list = seen.filter((r) => r.url.includes('list-type=2')).length;
        return { list, get: seen.filter((r) => r.method === 'GET').length - list };
      };
      const unchanged = await count(() => reader.list('acme/platform'));
      await writer.put({ ...configs[0], branches: ['main', 'hotfix/*'] });
      const oneChanged = await count(() => reader.list('acme/platform'));
      results.push({ configs: n, unchanged, oneChanged });
      server.requests.length = 0;
    }
  } finally {
    client.destroy();
    await server.stop();
  }
  return results;
}
