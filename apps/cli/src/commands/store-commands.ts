import type { CommandHelp } from '../lib/command-help';
import { formatIssues, validateTriggerConfig, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { readFileSync } from 'node:fs';
import { openStore, type SourceOptions } from '../lib/config-source';
import { err, out, paint, progress, UserError } from '../lib/output';

const STORE_NOTE = `Works on the running local stack's store by default, or a bucket in AWS with --bucket BUCKET
[--prefix PREFIX] (default credentials). Configs created by CloudFormation carry an owner: change
those through their stack, or the next stack update will put them back.`;

export const LIST_HELP: CommandHelp = {
  summary: 'list the configs in the store',
  description: `Lists the trigger configs in the store, with their branches and path counts, and every invalid object.\n${STORE_NOTE}`,
  examples: ['triggers list --repo acme/platform', 'triggers list --json'],
};

export const GET_HELP: CommandHelp = {
  summary: "print one pipeline's config",
  description: `Prints one pipeline's trigger config as JSON.\n${STORE_NOTE}`,
  examples: ['triggers get acme/platform orders-service'],
};

export const PUT_HELP: CommandHelp = {
  summary: 'write configs to the store',
  description: `Validates every file first and writes them only if all are valid (nothing is written otherwise).\n${STORE_NOTE}`,
  examples: ['triggers put examples/configs/acme-platform-web.json'],
};

export const DELETE_HELP: CommandHelp = {
  summary: "delete one pipeline's config",
  description: `Deletes one pipeline's trigger config; deleting one that does not exist says so and succeeds.\n${STORE_NOTE}`,
  examples: ['triggers delete acme/platform web-app'],
};

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
  // Every file is read and validated before anything is written: one bad file writes nothing.
  const checked = files.map((file) => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      return { file, error: (error as Error).message };
    }
    const result = validateTriggerConfig(json);
    return result.ok ? { file, config: result.value } : { file, error: formatIssues(result.issues) };
  });
  const bad = checked.filter((c) => 'error' in c);
  if (bad.length > 0) {
    for (const c of bad) out(`${paint('red', '✗')} ${c.file}: ${c.error}`);
    out(paint('dim', `nothing written: ${bad.length} of ${files.length} file(s) are not valid configs`));
    return 1;
  }
  const { store, description } = openStore(options);
  let failed = 0;
  for (const { file, config } of checked as { file: string; config: TriggerConfig }[]) {
    try {
      const existing = await store.get(config.repository, config.pipelineName).catch(() => undefined);
      if (existing && 'config' in existing && existing.config.owner)
        err(paint('yellow', OWNED_WARNING(existing.config.owner.stackId), process.stderr));
      const stored = await store.put(config);
      out(`${paint('green', '✓')} ${file} → ${store.uriFor(stored.key)}`);
    } catch (error) {
      // Valid, but the store refused it (unreachable, no permission): the others are still tried.
      failed++;
      out(`${paint('red', '✗')} ${file}: ${(error as Error).message}`);
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
