import { refName } from '@monorepo-triggers/config-schema';
import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { bucketOption, jsonOption, pipelineArgument, repoArgument } from '../lib/cli-options';
import type { DecisionRecord, DecisionRecordStore } from '@monorepo-triggers/decision-record';
import { resolve } from 'node:path';
import { NEAREST_COMMITS, pushesContaining } from '../lib/containing-pushes';
import { openExecutions } from '../lib/execution-source';
import { gitRepository, isGitClone } from '../lib/git-changes';
import { out, outJson, paint, UserError, visible } from '../lib/output';
import { counted, executionNow, isDestroyedGroup, outcomeLine, pushLine, stopLine } from '../lib/record-lines';
import { checked, RECORDS_NOTE, warnUnreadable, type WhyOptions } from '../lib/record-options';
import { openRecords } from '../lib/record-source';
import { earlierStart, firstStarts } from '../lib/repeated-starts';

const WHY_HELP: CommandHelp = {
  summary: 'why each pipeline did or did not start for a commit',
  description: `What eval decided for each push, pull request or merge group event of COMMIT (a full or abbreviated SHA) and why: each pipeline
started, skipped, refused or failed to start, with the path and pattern that decided, and for each
execution started, how it stands now (CodePipeline's GetPipelineExecution). A start that got back
the execution of an earlier delivery of the same commit (starts are idempotent) is shown as already
started: nothing new ran. A merge group is recorded by its head commit; once GitHub destroyed it,
each execution started for it is shown stopped (dequeued, invalidated) or kept (merged), and how it
stands now.
Records are kept by each push's head commit. For a commit that was inside a push but not its head,
why finds the push that carried it through a clone of the repository: --cwd CLONE, or the current
directory when its origin is the repository. It looks at the ${NEAREST_COMMITS} commits nearest after it (the
push's head is one of them), and prints the decisions of each push that carried it: those pushes
built their head commit, not this one. Without a clone it says that the commit was no push's head
and lists the latest pushes' heads.
${RECORDS_NOTE}`,
  examples: ['triggers why b2b2b2b --repo acme/platform', 'triggers why b2b2b2b --repo acme/platform --pipeline orders-service'],
  footer: `Exit status: 0 when a record was found (of the commit, or of a push that carried it), 1 when none was.
--json prints the records found (a push that carried the commit has another commit as its "commit").`,
};

/** The clone to look a commit up in: --cwd, or the current directory when its origin is the repository. */
function cloneFor(repository: string, cwd: string | undefined): string | undefined {
  if (cwd !== undefined) {
    const dir = resolve(cwd);
    if (!isGitClone(dir)) throw new UserError(`--cwd ${visible(cwd)} is not a git clone`, 2);
    return dir;
  }
  return gitRepository(process.cwd())?.toLowerCase() === repository.toLowerCase() ? process.cwd() : undefined;
}

async function runWhy(commit: string | undefined, options: WhyOptions): Promise<number> {
  if (!commit) throw new UserError('why needs a COMMIT (see triggers why --help)', 2);
  const { repository, pipeline } = checked(options);
  const { records, description: where } = openRecords(options);
  const description = visible(where);
  let found;
  try {
    found = await records.forCommit(repository, commit);
  } catch (error) {
    if ((error as Error).message.includes('is not a commit SHA')) throw new UserError(visible((error as Error).message), 2);
    throw error;
  }
  warnUnreadable(found.unreadable);
  if (found.records.length > 0) {
    if (options.json) {
      outJson(found.records);
      return 0;
    }
    out(paint('dim', `${counted(found.records)} of ${repository} @ ${visible(found.records[0]?.commit)} (${description})`));
    return printRecords(found.records, repository, pipeline, options);
  }
  // No push had it as its head: one may have carried it.
  const clone = cloneFor(repository, options.cwd);
  const carried = clone ? await pushesContaining(records, repository, commit, clone) : undefined;
  if (carried && carried.found !== 'not-in-clone') warnUnreadable(carried.unreadable);
  if (carried?.found === 'pushes') {
    if (options.json) {
      outJson(carried.records);
      return 0;
    }
    out(
      paint(
        'dim',
        `${commit} (${carried.commit}) was no push's head: it came in ${counted(carried.records)} of ${repository} (the clone in ${visible(clone)} says which; ${description}). Each built its head commit:`,
      ),
    );
    return printRecords(carried.records, repository, pipeline, options);
  }
  if (options.json) {
    outJson([]);
    return 1;
  }
  out(
    `no decision record for ${repository} @ ${visible(commit)} in ${description}: no push in the last 90 days had it as its head commit (records are kept by head commit), or the push deleted its ref`,
  );
  if (!clone) {
    out(`  to find a push that carried it inside, run this in a clone of ${repository} or pass --cwd CLONE`);
  } else if (carried?.found === 'not-in-clone') {
    out(`  the clone in ${visible(clone)} has no commit ${visible(commit)}: fetch it (git fetch origin) and ask again`);
  } else if (carried) {
    const looked =
      carried.examined < carried.descendants
        ? `the ${carried.examined} nearest of the ${carried.descendants} commits after it`
        : `the ${carried.examined} commit(s) after it`;
    out(`  in the clone in ${visible(clone)}, none of ${looked} was the head of a recorded push that carried it`);
  }
  await printLatestHeads(records, repository);
  return 1;
}

/** The latest pushes' heads, for a commit no record names: the nearest a reader without a clone can get. */
async function printLatestHeads(records: DecisionRecordStore, repository: string): Promise<void> {
  const latest = await records.history(repository, 5);
  if (latest.records.length === 0) return;
  out('  the latest pushes of the repository, by head commit:');
  for (const r of latest.records)
    out(
      `    ${visible(r.commit.slice(0, 7))}  ${r.pullRequest ? `#${r.pullRequest.number}` : visible(refName(r.ref))}  ${visible(r.time)}`,
    );
}

/** Each record's decisions (of one pipeline with --pipeline), with how each execution stands now. */
async function printRecords(
  list: DecisionRecord[],
  repository: string,
  pipeline: string | undefined,
  options: WhyOptions,
): Promise<number> {
  let shown = 0;
  const executions = openExecutions(options);
  const first = firstStarts(list);
  try {
    for (const record of list) {
      out(pushLine(record));
      const configs = pipeline ? record.configs.filter((c) => c.pipeline === pipeline) : record.configs;
      for (const c of configs) {
        const earlier = earlierStart(first, record, c.executionId);
        const now = executions ? await executionNow(executions, c) : undefined;
        out(outcomeLine(c, { ...(now ? { now } : {}), ...(earlier ? { earlier } : {}), deliveryId: record.deliveryId }));
      }
      shown += configs.length;
      // A destroyed merge group decided nothing: what became of each execution started for it.
      const stops = pipeline ? (record.stops ?? []).filter((s) => s.pipeline === pipeline) : (record.stops ?? []);
      for (const s of stops) {
        const now = executions ? await executionNow(executions, s) : undefined;
        out(stopLine(s, now ? { now } : {}));
      }
      shown += stops.length;
      // A config eval could not decide with explains a missing build: shown, with or without --pipeline.
      const ofPipeline = <T extends { key: string }>(items: readonly T[]) =>
        pipeline ? items.filter((c) => c.key.toLowerCase().endsWith(`/${pipeline.toLowerCase()}.json`)) : items;
      const invalid = ofPipeline(record.invalidConfigs);
      for (const bad of invalid)
        out(
          paint(
            'yellow',
            bad.needsFormat !== undefined
              ? `  ! config ${visible(bad.key)} needs an eval that reads format ${bad.needsFormat}: not decided (docs/upgrading.md)`
              : `  ! invalid config ${visible(bad.key)}: ${visible(bad.error)}`,
          ),
        );
      for (const newer of ofPipeline(record.newerConfigs ?? []))
        out(
          paint(
            'yellow',
            `  ~ config ${visible(newer.key)} is format ${newer.format}: decided without ${newer.ignored.map(visible).join(', ')}`,
          ),
        );
      shown += invalid.length;
      if (pipeline && configs.length === 0 && invalid.length === 0 && stops.length === 0)
        out(
          paint(
            'yellow',
            isDestroyedGroup(record)
              ? `  no execution of ${pipeline} was started for that merge group`
              : `  no config for pipeline ${pipeline} in ${repository} at that push`,
          ),
        );
    }
  } finally {
    executions?.close();
  }
  return pipeline && shown === 0 ? 1 : 0;
}

export function registerWhy(program: Command, done: (code: number) => void): void {
  command(program, 'why', WHY_HELP)
    .argument('<commit>', 'a full or abbreviated commit SHA')
    .requiredOption('--repo <owner/name>', 'the repository', repoArgument)
    .option('--pipeline <name>', 'only this pipeline', pipelineArgument)
    .option(
      '--cwd <dir>',
      "a clone of the repository, to find the push that carried a commit that was no push's head (default: the current directory, when its origin is --repo)",
    )
    .addOption(bucketOption())
    .addOption(jsonOption())
    .action(async (commit: string, options: { repo: string; pipeline?: string; cwd?: string; bucket?: string; json?: boolean }) => {
      done(await runWhy(commit, { ...options, json: !!options.json }));
    });
}
