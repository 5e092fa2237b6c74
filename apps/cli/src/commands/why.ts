import type { CommandHelp } from '../lib/command-help';
import { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from '@monorepo-triggers/config-schema';
import type { DecisionRecord, DecisionRecordStore, UnreadableRecord } from '@monorepo-triggers/decision-record';
import { resolve } from 'node:path';
import { NEAREST_COMMITS, pushesContaining } from '../lib/containing-pushes';
import { openExecutions } from '../lib/execution-source';
import { gitRepository, isGitClone } from '../lib/git-changes';
import { err, out, outJson, paint, UserError, visible } from '../lib/output';
import { baseWords, counted, executionNow, isDestroyedGroup, outcomeLine, pushLine, stopLine, STYLE, WORDS } from '../lib/record-lines';
import { openRecords } from '../lib/record-source';
import { earlierStart, firstStarts } from '../lib/repeated-starts';

const RECORDS_NOTE = `Reads the decision records eval keeps for 90 days: the running local stack's, or a bucket in AWS
with --bucket BUCKET (default credentials; RECORDS_PREFIX, default mono-repo/records).`;

export const WHY_HELP: CommandHelp = {
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

export const HISTORY_HELP: CommandHelp = {
  summary: 'the most recent pushes, pull request and merge group events of a repository, and what started',
  description: `The most recent pushes, pull request events (#NUMBER) and merge group events (by their
gh-readonly-queue/… branch) of a repository (default 20), newest first, with what started, and for
a destroyed merge group, what was stopped.
${RECORDS_NOTE}`,
  examples: ['triggers history --repo acme/platform --limit 5', 'triggers history --repo acme/platform --pipeline orders-service'],
};

export interface WhyOptions {
  repo?: string;
  pipeline?: string;
  bucket?: string;
  limit?: string;
  /** The clone to find a commit inside a push with (default: the current directory, when it is a clone of --repo). */
  cwd?: string;
  json?: boolean;
}

function checked(options: WhyOptions): { repository: string; pipeline?: string } {
  if (!options.repo) throw new UserError('--repo OWNER/NAME is required (see triggers why --help)', 2);
  if (!isRepositoryName(options.repo))
    throw new UserError(`the repository ${REPOSITORY_RULE}, got ${visible(JSON.stringify(options.repo))}`, 2);
  if (options.pipeline !== undefined && !isPipelineName(options.pipeline))
    throw new UserError(`the pipeline name ${PIPELINE_NAME_RULE}, got ${visible(JSON.stringify(options.pipeline))}`, 2);
  return { repository: options.repo, ...(options.pipeline ? { pipeline: options.pipeline } : {}) };
}

function warnUnreadable(unreadable: UnreadableRecord[]): void {
  for (const u of unreadable) err(paint('yellow', `warning: ${visible(u.key)} cannot be read: ${visible(u.error)}`, process.stderr));
}

/** The clone to look a commit up in: --cwd, or the current directory when its origin is the repository. */
function cloneFor(repository: string, cwd: string | undefined): string | undefined {
  if (cwd !== undefined) {
    const dir = resolve(cwd);
    if (!isGitClone(dir)) throw new UserError(`--cwd ${visible(cwd)} is not a git clone`, 2);
    return dir;
  }
  return gitRepository(process.cwd())?.toLowerCase() === repository.toLowerCase() ? process.cwd() : undefined;
}

export async function runWhy(commit: string | undefined, options: WhyOptions): Promise<number> {
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
      `    ${visible(r.commit.slice(0, 7))}  ${r.pullRequest ? `#${r.pullRequest.number}` : visible(r.ref.replace(/^refs\/(heads|tags)\//, ''))}  ${visible(r.time)}`,
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

export async function runHistory(options: WhyOptions): Promise<number> {
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
    const ref = r.pullRequest ? `#${r.pullRequest.number}` : visible(r.ref.replace(/^refs\/(heads|tags)\//, ''));
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
