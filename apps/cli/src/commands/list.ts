import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { bucketOption, jsonOption, prefixOption, repoArgument, sourceOptions } from '../lib/cli-options';
import { openStore, type SourceOptions } from '../lib/config-source';
import { out, outJson, paint, progress, visible } from '../lib/output';
import { STORE_NOTE } from '../lib/store-notes';

const LIST_HELP: CommandHelp = {
  summary: 'list the configs in the store',
  description: `Lists the trigger configs in the store, with their branches and path counts, and every invalid object.\n${STORE_NOTE}`,
  examples: ['triggers list --repo acme/platform', 'triggers list --json'],
};

async function runList(options: SourceOptions & { repo?: string; json?: boolean }): Promise<number> {
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

export function registerList(program: Command, done: (code: number) => void): void {
  command(program, 'list', LIST_HELP)
    .option('--repo <owner/name>', 'only the configs of this repository', repoArgument)
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .addOption(jsonOption())
    .action(async (options: { repo?: string; bucket?: string; prefix?: string; json?: boolean }) => {
      done(await runList({ ...sourceOptions(options), ...(options.repo ? { repo: options.repo } : {}), json: !!options.json }));
    });
}
