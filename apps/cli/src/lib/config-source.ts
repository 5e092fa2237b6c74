import { formatIssues, validateTriggerConfig, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { localS3ClientConfig } from '@monorepo-triggers/local-aws';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore, storeSettingsFromEnv, type InvalidConfig } from '@monorepo-triggers/s3-config-store';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readLocalStack } from './local-state';
import { UserError } from './output';

export interface SourceOptions {
  configs?: string;
  bucket?: string;
  prefix?: string;
}

export interface LoadedConfigs {
  source: string;
  configs: { key: string; config: TriggerConfig }[];
  invalid: Pick<InvalidConfig, 'key' | 'error'>[];
}

/** Every `*.json` file under a directory, recursively, sorted. */
function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

/** Reads configs from files, validating each like the store does. */
export function loadConfigDir(dir: string): LoadedConfigs {
  const result: LoadedConfigs = { source: dir, configs: [], invalid: [] };
  for (const file of jsonFiles(dir)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      result.invalid.push({ key: file, error: `(root): is not JSON: ${(error as Error).message}` });
      continue;
    }
    const parsed = validateTriggerConfig(json);
    if (parsed.ok) result.configs.push({ key: file, config: parsed.value });
    else result.invalid.push({ key: file, error: formatIssues(parsed.issues) });
  }
  return result;
}

/** The store named by `--bucket` (real S3, default credentials) or else the running local stack's. */
export function openStore(options: SourceOptions): { store: S3ConfigStore; description: string } {
  if (options.bucket) {
    const settings = storeSettingsFromEnv({
      ...process.env,
      CONFIG_BUCKET: options.bucket,
      ...(options.prefix ? { CONFIG_PREFIX: options.prefix } : {}),
    });
    const store = new S3ConfigStore({
      client: createS3Client({ forcePathStyle: settings.forcePathStyle }),
      bucket: settings.bucket,
      prefix: settings.prefix,
    });
    return { store, description: `s3://${settings.bucket}/${settings.prefix}/` };
  }
  const local = readLocalStack();
  if (!local) throw new UserError('no local stack is running: start it with `npm start`, or pass --bucket BUCKET (or --configs DIR)');
  const client = createS3Client(localS3ClientConfig(local.s3Endpoint));
  return {
    store: new S3ConfigStore({ client, bucket: local.bucket, prefix: local.prefix }),
    description: `local stack (s3://${local.bucket}/${local.prefix}/ on ${local.s3Endpoint})`,
  };
}

/** Configs for `explain`: from `--configs DIR`, `--bucket`, or the local stack. */
export async function loadConfigs(options: SourceOptions, repository?: string): Promise<LoadedConfigs> {
  if (options.configs) return loadConfigDir(options.configs);
  const { store, description } = openStore(options);
  const listing = await store.list(repository);
  return { source: description, configs: listing.configs.map(({ key, config }) => ({ key, config })), invalid: listing.invalid };
}
