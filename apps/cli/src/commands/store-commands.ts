import type { CommandHelp } from '../lib/command-help';
import { configWarnings, formatIssues, validateTriggerConfig, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { readFileSync } from 'node:fs';
import { openStore, type SourceOptions } from '../lib/config-source';
import { checkRepositories } from '../lib/github-repositories';
import { err, out, outJson, paint, progress, UserError, visible } from '../lib/output';

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
  description: `Validates every file first and writes them only if all are valid (nothing is written otherwise).
It prints the warnings validate gives about configs that are valid but can never start their
pipeline (a branch written refs/heads/main, a glob under regex syntax, a repository GitHub does not
know when GITHUB_TOKEN is set), and writes them anyway; with --strict it writes nothing then.
${STORE_NOTE}`,
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
    outJson({ source: description, configs: listing.configs, invalid: listing.invalid });
    return 0;
  }
  out(paint('dim', `${listing.configs.length} config(s) in ${visible(description)}`));
  for (const { config } of listing.configs) {
    const owner = config.owner
      ? paint(
          'dim',
          ` (stack ${visible(config.owner.stackId.split('/')[1] ?? config.owner.stackId)} / ${visible(config.owner.logicalResourceId)})`,
        )
      : '';
    out(
      `${visible(config.repository)} ${visible(config.pipelineName)}: ${config.branches.map(visible).join(', ')}${config.tags.length ? ` + tags ${config.tags.map(visible).join(', ')}` : ''} · ${config.includePaths.length} include, ${config.excludePaths.length} exclude${owner}`,
    );
  }
  for (const bad of listing.invalid) out(`${paint('red', 'INVALID')} ${visible(bad.key)}: ${visible(bad.error)}`);
  return 0;
}

export async function runGet(repository: string, pipeline: string, options: SourceOptions): Promise<number> {
  const { store } = openStore(options);
  const found = await store.get(repository, pipeline);
  if (!found) throw new UserError(`no config for ${repository} / ${pipeline}`);
  if ('issues' in found) {
    out(`${paint('red', 'INVALID')} ${visible(found.key)}: ${visible(found.error)}`);
    return 1;
  }
  outJson(found.config);
  return 0;
}

export async function runPut(files: string[], options: SourceOptions, strict = false): Promise<number> {
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
    for (const c of bad) out(`${paint('red', '✗')} ${visible(c.file)}: ${visible(c.error)}`);
    out(paint('dim', `nothing written: ${bad.length} of ${files.length} file(s) are not valid configs`));
    return 1;
  }
  const good = checked as { file: string; config: TriggerConfig }[];
  // Valid, but unable ever to start: said before writing, as validate says it.
  const github = await checkRepositories(good.map(({ config }) => config.repository));
  let warned = 0;
  for (const { file, config } of good) {
    const fromGithub = github.warnings.get(config.repository);
    const warnings = [...configWarnings(config), ...(fromGithub ? [{ path: 'repository', message: fromGithub }] : [])];
    for (const w of warnings) out(`${paint('yellow', '!')} ${visible(file)}: ${visible(w.path)}: ${visible(w.message)}`);
    if (warnings.length > 0) warned++;
  }
  if (strict && warned > 0) {
    out(paint('dim', `nothing written: ${warned} of ${files.length} file(s) have warnings (--strict)`));
    return 1;
  }
  const { store, description } = openStore(options);
  let failed = 0;
  for (const { file, config } of good) {
    try {
      const existing = await store.get(config.repository, config.pipelineName).catch(() => undefined);
      if (existing && 'config' in existing && existing.config.owner)
        err(paint('yellow', OWNED_WARNING(visible(existing.config.owner.stackId)), process.stderr));
      const stored = await store.put(config);
      out(`${paint('green', '✓')} ${visible(file)} → ${visible(store.uriFor(stored.key))}`);
    } catch (error) {
      // Valid, but the store refused it (unreachable, no permission): the others are still tried.
      failed++;
      out(`${paint('red', '✗')} ${visible(file)}: ${visible((error as Error).message)}`);
    }
  }
  if (failed === 0) out(paint('dim', `wrote ${files.length} config(s) to ${visible(description)}`));
  return failed === 0 ? 0 : 1;
}

export async function runDelete(repository: string, pipeline: string, options: SourceOptions): Promise<number> {
  const { store } = openStore(options);
  const existing = await store.get(repository, pipeline);
  if (existing && 'config' in existing && existing.config.owner)
    err(paint('yellow', OWNED_WARNING(visible(existing.config.owner.stackId)), process.stderr));
  const { key, existed } = await store.delete(repository, pipeline);
  const uri = visible(store.uriFor(key));
  out(existed ? `deleted ${uri}` : `nothing to delete: ${uri} does not exist`);
  return 0;
}
