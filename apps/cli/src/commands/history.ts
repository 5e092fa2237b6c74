import { refName } from '@monorepo-triggers/config-schema';
import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { bucketOption, jsonOption, pipelineArgument, repoArgument } from '../lib/cli-options';
import { out, outJson, paint, UserError, visible } from '../lib/output';
import { baseWords, counted, isDestroyedGroup, STYLE, WORDS } from '../lib/record-lines';
import { checked, RECORDS_NOTE, warnUnreadable, type WhyOptions } from '../lib/record-options';
import { openRecords } from '../lib/record-source';

const HISTORY_HELP: CommandHelp = {
  summary: 'the most recent pushes, pull request and merge group events of a repository, and what started',
  description: `The most recent pushes, pull request events (#NUMBER) and merge group events (by their
gh-readonly-queue/… branch) of a repository (default 20), newest first, with what started, and for
a destroyed merge group, what was stopped.
${RECORDS_NOTE}`,
  examples: ['triggers history --repo acme/platform --limit 5', 'triggers history --repo acme/platform --pipeline orders-service'],
};

async function runHistory(options: WhyOptions): Promise<number> {
  const { repository, pipeline } = checked(options);
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UserError(`--limit must be a whole number from 1 to 1000, got ${visible(options.limit)}`, 2);
  const { records, description: where } = openRecords(options);
  const description = visible(where);
  const found = await records.history(repository, limit);
  warnUnreadable(found.unreadable);
  if (options.json) {
    outJson(found.records);
    return 0;
  }
  out(paint('dim', `${counted(found.records)}, most recent first, of ${repository} (${description})`));
  for (const r of found.records) {
    const ref = r.pullRequest ? `#${r.pullRequest.number}` : visible(refName(r.ref));
    const head = `${visible(r.time)}  ${visible(r.commit.slice(0, 7))}  ${ref}`;
    if (isDestroyedGroup(r)) {
      // Nothing decided: what became of the executions the group started.
      const stops = (r.stops ?? []).filter((s) => !pipeline || s.pipeline === pipeline);
      const word = (outcome: string) => stops.filter((s) => s.outcome === outcome).map((s) => visible(s.pipeline));
      const [stopped, kept, finished, failed] = [word('stopped'), word('kept'), word('finished'), word('failed')];
      const parts = [
        stopped.length ? `stopped: ${stopped.join(', ')}` : '',
        kept.length ? `kept: ${kept.join(', ')}` : '',
        finished.length ? `already finished: ${finished.join(', ')}` : '',
      ].filter(Boolean);
      out(
        `${head}  ${paint('dim', `destroyed (${visible(r.mergeGroup?.reason ?? 'no reason given')})`)}: ${parts.length ? parts.join('; ') : 'nothing to stop'}${failed.length ? paint('red', `; stop failed: ${failed.join(', ')}`) : ''}`,
      );
    } else if (pipeline) {
      const c = r.configs.find((o) => o.pipeline === pipeline);
      out(
        `${head}  ${c ? `${paint(STYLE[c.action], `${WORDS[c.action]}: ${visible(c.reason)}`)}${baseWords(c)}` : paint('dim', 'no config')}`,
      );
    } else {
      const started = r.configs.filter((c) => c.action === 'started').map((c) => visible(c.pipeline));
      const failed = r.configs.filter((c) => c.action === 'failed').map((c) => visible(c.pipeline));
      out(
        `${head}  ${started.length}/${r.configs.length} started${started.length ? `: ${started.join(', ')}` : ''}${failed.length ? paint('red', `; failed: ${failed.join(', ')}`) : ''}`,
      );
    }
  }
  return 0;
}

export function registerHistory(program: Command, done: (code: number) => void): void {
  command(program, 'history', HISTORY_HELP)
    .requiredOption('--repo <owner/name>', 'the repository', repoArgument)
    .option('--pipeline <name>', 'only this pipeline', pipelineArgument)
    .option('--limit <n>', 'how many pushes, newest first (1 to 1000)', '20')
    .addOption(bucketOption())
    .addOption(jsonOption())
    .action(async (options: { repo: string; pipeline?: string; limit: string; bucket?: string; json?: boolean }) => {
      done(await runHistory({ ...options, json: !!options.json }));
    });
}
