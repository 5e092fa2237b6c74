import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { bucketOption, pipelineArgument, prefixOption, repoArgument, sourceOptions } from '../lib/cli-options';
import { openStore, type SourceOptions } from '../lib/config-source';
import { out, outJson, paint, UserError, visible } from '../lib/output';
import { STORE_NOTE } from '../lib/store-notes';

const GET_HELP: CommandHelp = {
  summary: "print one pipeline's config",
  description: `Prints one pipeline's trigger config as JSON.\n${STORE_NOTE}`,
  examples: ['triggers get acme/platform orders-service'],
};

async function runGet(repository: string, pipeline: string, options: SourceOptions): Promise<number> {
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

export function registerGet(program: Command, done: (code: number) => void): void {
  command(program, 'get', GET_HELP)
    .argument('<repository>', 'OWNER/NAME', repoArgument)
    .argument('<pipeline>', 'the pipeline name', pipelineArgument)
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .action(async (repository: string, pipeline: string, options: { bucket?: string; prefix?: string }) => {
      done(await runGet(repository, pipeline, sourceOptions(options)));
    });
}
