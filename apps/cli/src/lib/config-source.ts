import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { formatIssues, parseCfnProperties, validateTriggerConfig, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { LastSuccessStore } from '@monorepo-triggers/decision-record';
import { DEFAULT_LAST_SUCCESS_PREFIX, deployedConfigReaders } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore, storeSettingsFromEnv, type InvalidConfig } from '@monorepo-triggers/s3-config-store';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findTriggerResources, parseTemplate } from './cfn-template';
import { bucketSource, describeSource } from './bucket-source';
import { UserError, visible } from './output';
import { awsS3Client } from './s3-clients';

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

/** Every config or template file (`*.json`, `*.yaml`, `*.yml`) under a directory, recursively, sorted. */
function configFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return configFiles(path);
      return /\.(json|ya?ml)$/.test(name) ? [path] : [];
    });
}

/**
 * Reads configs from files, validating each like the store does: config JSON files, and the
 * `Custom::PipelineTrigger` resources of CloudFormation templates (`file#LogicalId`), whose
 * `!Ref`/`!Sub` values are taken from the template's own parameter defaults and resource names.
 */
export function loadConfigDir(dir: string): LoadedConfigs {
  const result: LoadedConfigs = { source: dir, configs: [], invalid: [] };
  let files: string[];
  try {
    files = configFiles(dir);
  } catch (error) {
    throw new UserError(`cannot read the configs directory ${visible(dir)}: ${visible((error as Error).message)}`);
  }
  for (const file of files) {
    let document: Record<string, unknown>;
    try {
      document = parseTemplate(readFileSync(file, 'utf8'));
    } catch (error) {
      result.invalid.push({ key: file, error: `(root): is not JSON or YAML: ${(error as Error).message}` });
      continue;
    }
    if ('Resources' in document || 'AWSTemplateFormatVersion' in document) {
      for (const { logicalId, properties, unresolved } of findTriggerResources(document)) {
        const key = `${file}#${logicalId}`;
        if (unresolved.length > 0) {
          result.invalid.push({ key, error: `set only at deploy time (no default in the template): ${unresolved.join(', ')}` });
          continue;
        }
        const parsed = parseCfnProperties(properties);
        if (parsed.ok) result.configs.push({ key, config: parsed.value });
        else result.invalid.push({ key, error: formatIssues(parsed.issues) });
      }
      continue;
    }
    const parsed = validateTriggerConfig(document);
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
      client: awsS3Client(),
      bucket: settings.bucket,
      prefix: settings.prefix,
      // `put` asks the deployed eval and statuses which formats they read (their stacks' outputs)
      // before it writes a config in a format later than 1. The local stack runs this release's readers.
      deployedReaders: async () => {
        const cloudformation = new CloudFormationClient({});
        try {
          return await deployedConfigReaders(cloudformation);
        } finally {
          cloudformation.destroy();
        }
      },
    });
    return { store, description: `s3://${settings.bucket}/${settings.prefix}/` };
  }
  const source = bucketSource({});
  if (source?.kind !== 'local')
    throw new UserError('no local stack is running: start it with `npm start`, or pass --bucket BUCKET (or --configs DIR)');
  return {
    store: new S3ConfigStore({ client: source.client, bucket: source.bucket, prefix: source.local.prefix }),
    description: `local stack (s3://${source.bucket}/${source.local.prefix}/ on ${source.local.s3Endpoint})`,
  };
}

/** Configs for `explain`: from `--configs DIR`, `--bucket`, or the local stack. */
export async function loadConfigs(options: SourceOptions, repository?: string): Promise<LoadedConfigs> {
  if (options.configs) return loadConfigDir(options.configs);
  const { store, description } = openStore(options);
  const listing = await store.list(repository);
  return { source: description, configs: listing.configs.map(({ key, config }) => ({ key, config })), invalid: listing.invalid };
}

/**
 * Where each pipeline's last success per branch is kept (config compareWith: last-success), beside
 * the configs `explain` reads: `--bucket`'s (default credentials), else the running local stack's;
 * LAST_SUCCESS_PREFIX, default mono-repo/last-success, as eval and statuses use it. Configs from
 * `--configs DIR` without `--bucket` have no store beside them: why, in words, instead.
 */
export function openLastSuccess(options: SourceOptions): { store: LastSuccessStore; description: string } | { none: string } {
  const prefix = process.env['LAST_SUCCESS_PREFIX'] || DEFAULT_LAST_SUCCESS_PREFIX;
  if (options.configs && !options.bucket) return { none: 'no last-success records without a bucket (--configs)' };
  const source = bucketSource(options);
  if (!source) return { none: 'no local stack is running to read last-success records from' };
  return {
    store: new LastSuccessStore({ client: source.client, bucket: source.bucket, prefix }),
    description: describeSource(source, prefix),
  };
}
