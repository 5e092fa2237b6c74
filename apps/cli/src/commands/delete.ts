import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { bucketOption, pipelineArgument, prefixOption, repoArgument, sourceOptions } from '../lib/cli-options';
import { openStore, type SourceOptions } from '../lib/config-source';
import { err, out, paint, visible } from '../lib/output';
import { ownedWarning, STORE_NOTE } from '../lib/store-notes';

const DELETE_HELP: CommandHelp = {
  summary: "delete one pipeline's config",
  description: `Deletes one pipeline's trigger config; deleting one that does not exist says so and succeeds.\n${STORE_NOTE}`,
  examples: ['triggers delete acme/platform web-app'],
};

async function runDelete(repository: string, pipeline: string, options: SourceOptions): Promise<number> {
  const { store } = openStore(options);
  const existing = await store.get(repository, pipeline);
  if (existing && 'config' in existing && existing.config.owner)
    err(paint('yellow', ownedWarning(visible(existing.config.owner.stackId)), process.stderr));
  const { key, existed } = await store.delete(repository, pipeline);
  const uri = visible(store.uriFor(key));
  out(existed ? `deleted ${uri}` : `nothing to delete: ${uri} does not exist`);
  return 0;
}

export function registerDelete(program: Command, done: (code: number) => void): void {
  command(program, 'delete', DELETE_HELP)
    .argument('<repository>', 'OWNER/NAME', repoArgument)
    .argument('<pipeline>', 'the pipeline name', pipelineArgument)
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .action(async (repository: string, pipeline: string, options: { bucket?: string; prefix?: string }) => {
      done(await runDelete(repository, pipeline, sourceOptions(options)));
    });
}
