import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { bucketOption, prefixOption, sourceOptions } from '../lib/cli-options';
import { openStore, type SourceOptions } from '../lib/config-source';
import { err, out, paint, UserError, visible } from '../lib/output';
import { ownedWarning, STORE_NOTE } from '../lib/store-notes';
import { configWarnings, formatIssues, validateTriggerConfig, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { readFileSync } from 'node:fs';
import { checkRepositories } from '../lib/github-repositories';

const PUT_HELP: CommandHelp = {
  summary: 'write configs to the store',
  description: `Validates every file first and writes them only if all are valid (nothing is written otherwise).
It prints the warnings validate gives about configs that are valid but can never start their
pipeline (a branch written refs/heads/main, a glob under regex syntax, a repository GitHub does not
know when GITHUB_TOKEN is set), and writes them anyway; with --strict it writes nothing then.
${STORE_NOTE}`,
  examples: ['triggers put examples/configs/acme-platform-web.json'],
};

async function runPut(files: string[], options: SourceOptions, strict = false): Promise<number> {
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
        err(paint('yellow', ownedWarning(visible(existing.config.owner.stackId)), process.stderr));
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

export function registerPut(program: Command, done: (code: number) => void): void {
  command(program, 'put', PUT_HELP)
    .argument('<files...>', 'config JSON files')
    .option('--strict', "write nothing when a config has warnings (valid, but it can never start its pipeline: see validate's)")
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .action(async (files: string[], options: { strict?: boolean; bucket?: string; prefix?: string }) => {
      done(await runPut(files, sourceOptions(options), !!options.strict));
    });
}
