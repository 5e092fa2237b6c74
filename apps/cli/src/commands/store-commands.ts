import { formatIssues, ConfigValidationError } from '@monorepo-triggers/config-schema';
import { readFileSync } from 'node:fs';
import { openStore, type SourceOptions } from '../lib/config-source';
import { err, out, paint, progress, UserError } from '../lib/output';

export const STORE_HELP = `Usage:
  triggers list [--repo OWNER/NAME] [source] [--json]
  triggers get OWNER/NAME PIPELINE [source]
  triggers put FILE... [source]
  triggers delete OWNER/NAME PIPELINE [source]

Manages trigger configs in the store: the running local stack by default, or a bucket in AWS with
--bucket BUCKET [--prefix PREFIX] (default credentials). Configs created by CloudFormation carry an
owner: change those through their stack, or the next stack update will put them back.

Examples:
  triggers list --repo acme/platform
  triggers put examples/configs/orders.json
  triggers delete acme/platform orders`;

const OWNED_WARNING = (stack: string) =>
  `warning: this config is owned by a CloudFormation stack (${stack}); change it through that stack, or its next update will undo this`;

export async function runList(options: SourceOptions & { repo?: string; json?: boolean }): Promise<number> {
  const { store, description } = openStore(options);
  const bar = progress('listing configs');
  const listing = await store.list(options.repo, {
    onProgress: ({ listed, read }) => (read === 0 ? bar.update(listed) : bar.update(read, listed)),
  });
  bar.done();
  if (options.json) {
    out(JSON.stringify({ source: description, configs: listing.configs, invalid: listing.invalid }, null, 2));
    return 0;
  }
  out(paint('dim', `${listing.configs.length} config(s) in ${description}`));
  for (const { config } of listing.configs) {
    const owner = config.owner
      ? paint('dim', ` (stack ${config.owner.stackId.split('/')[1] ?? config.owner.stackId} / ${config.owner.logicalResourceId})`)
      : '';
    out(
      `${config.repository} ${config.pipelineName}: ${config.branches.join(', ')}${config.tags.length ? ` + tags ${config.tags.join(', ')}` : ''} · ${config.includePaths.length} include, ${config.excludePaths.length} exclude${owner}`,
    );
  }
  for (const bad of listing.invalid) out(`${paint('red', 'INVALID')} ${bad.key}: ${bad.error}`);
  return 0;
}

export async function runGet(repository: string, pipeline: string, options: SourceOptions): Promise<number> {
  const { store } = openStore(options);
  const found = await store.get(repository, pipeline);
  if (!found) throw new UserError(`no config for ${repository} / ${pipeline}`);
  if ('issues' in found) {
    out(`${paint('red', 'INVALID')} ${found.key}: ${found.error}`);
    return 1;
  }
  out(JSON.stringify(found.config, null, 2));
  return 0;
}

export async function runPut(files: string[], options: SourceOptions): Promise<number> {
  if (files.length === 0) throw new UserError('put needs at least one config file', 2);
  const { store, description } = openStore(options);
  let failed = 0;
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      out(`${paint('red', '✗')} ${file}: ${(error as Error).message}`);
      failed++;
      continue;
    }
    try {
      const repository = (json as { repository?: string }).repository;
      const pipeline = (json as { pipelineName?: string }).pipelineName;
      const existing = repository && pipeline ? await store.get(repository, pipeline).catch(() => undefined) : undefined;
      if (existing && 'config' in existing && existing.config.owner)
        err(paint('yellow', OWNED_WARNING(existing.config.owner.stackId), process.stderr));
      const stored = await store.put(json);
      out(`${paint('green', '✓')} ${file} → ${store.uriFor(stored.key)}`);
    } catch (error) {
      failed++;
      out(
        `${paint('red', '✗')} ${file}: ${error instanceof ConfigValidationError ? formatIssues(error.issues) : (error as Error).message}`,
      );
    }
  }
  if (failed === 0) out(paint('dim', `wrote ${files.length} config(s) to ${description}`));
  return failed === 0 ? 0 : 1;
}

export async function runDelete(repository: string, pipeline: string, options: SourceOptions): Promise<number> {
  const { store } = openStore(options);
  const existing = await store.get(repository, pipeline);
  if (existing && 'config' in existing && existing.config.owner)
    err(paint('yellow', OWNED_WARNING(existing.config.owner.stackId), process.stderr));
  const { key, existed } = await store.delete(repository, pipeline);
  out(existed ? `deleted ${store.uriFor(key)}` : `nothing to delete: ${store.uriFor(key)} does not exist`);
  return 0;
}
