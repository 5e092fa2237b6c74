import type { CommandHelp } from '../lib/command-help';
import { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from '@monorepo-triggers/config-schema';
import type { ConfigOutcome, DecisionRecord, UnreadableRecord } from '@monorepo-triggers/decision-record';
import { openExecutions, type ExecutionLookup } from '../lib/execution-source';
import { openRecords } from '../lib/record-source';
import { err, out, paint, UserError } from '../lib/output';

const RECORDS_NOTE = `Reads the decision records eval keeps for 90 days: the running local stack's, or a bucket in AWS
with --bucket BUCKET (default credentials; RECORDS_PREFIX, default mono-repo/records).`;

export const WHY_HELP: CommandHelp = {
  summary: 'why each pipeline did or did not start for a commit',
  description: `What eval decided for each push or pull request event of COMMIT (a full or abbreviated SHA) and why: each pipeline
started, skipped, refused or failed to start, with the path and pattern that decided, and for each
execution started, how it stands now (CodePipeline's GetPipelineExecution).
${RECORDS_NOTE}`,
  examples: ['triggers why b2b2b2b --repo acme/platform', 'triggers why b2b2b2b --repo acme/platform --pipeline orders-service'],
  footer: 'Exit status: 0 when a record was found, 1 when none was.',
};

export const HISTORY_HELP: CommandHelp = {
  summary: 'the most recent pushes and pull request events of a repository, and what started',
  description: `The most recent pushes and pull request events (#NUMBER) of a repository (default 20), newest
first, with what started.
${RECORDS_NOTE}`,
  examples: ['triggers history --repo acme/platform --limit 5', 'triggers history --repo acme/platform --pipeline orders-service'],
};

export interface WhyOptions {
  repo?: string;
  pipeline?: string;
  bucket?: string;
  limit?: string;
  json?: boolean;
}

const MARK: Record<ConfigOutcome['action'], string> = { started: '▶', skipped: '·', failed: '✗', 'not-entitled': '⛔' };
const WORDS: Record<ConfigOutcome['action'], string> = {
  started: 'started',
  skipped: 'skipped',
  failed: 'start failed',
  'not-entitled': 'not entitled',
};
const STYLE = { started: 'green', skipped: 'dim', failed: 'red', 'not-entitled': 'yellow' } as const;

function checked(options: WhyOptions): { repository: string; pipeline?: string } {
  if (!options.repo) throw new UserError('--repo OWNER/NAME is required (see triggers why --help)', 2);
  if (!isRepositoryName(options.repo)) throw new UserError(`the repository ${REPOSITORY_RULE}, got ${JSON.stringify(options.repo)}`, 2);
  if (options.pipeline !== undefined && !isPipelineName(options.pipeline))
    throw new UserError(`the pipeline name ${PIPELINE_NAME_RULE}, got ${JSON.stringify(options.pipeline)}`, 2);
  return { repository: options.repo, ...(options.pipeline ? { pipeline: options.pipeline } : {}) };
}

const EXECUTION_STYLE: Record<string, 'green' | 'red' | 'yellow'> = {
  Succeeded: 'green',
  Failed: 'red',
  Stopped: 'red',
  Superseded: 'yellow',
  Cancelled: 'yellow',
  InProgress: 'yellow',
  Stopping: 'yellow',
};

/** How a started execution stands now, for its config's line. */
export async function executionNow(lookup: ExecutionLookup, c: ConfigOutcome): Promise<string | undefined> {
  if (!c.executionId) return undefined;
  const now = await lookup(c.pipeline, c.executionId);
  return 'status' in now
    ? paint(EXECUTION_STYLE[now.status] ?? 'dim', `execution ${now.status}`)
    : paint('dim', `execution status unknown (${now.unknown})`);
}

/** One config's line: what became of it, and why (and, when known, how its execution stands). */
export function outcomeLine(c: ConfigOutcome, now?: string): string {
  // The detail already names the path and pattern that matched.
  const why = [`${c.reason}: ${c.detail}`];
  if (c.excluded) why.push(`${c.excluded.path} excluded by ${c.excluded.excludedBy}`);
  if (c.refused) why.push(c.refused);
  if (c.error) why.push(c.error);
  const execution = c.executionId ? paint('dim', ` (execution ${c.executionId})`) : '';
  const state = now ? ` → ${now}` : '';
  return `  ${paint(STYLE[c.action], `${MARK[c.action]} ${c.pipeline.padEnd(24)} ${WORDS[c.action].padEnd(13)}`)} ${why.join('; ')}${execution}${state}`;
}

/** What a record is about, in a few words: `push to main`, `pull request #7 (opened) feature → main`. */
function eventWords(r: DecisionRecord): string {
  const pull = r.pullRequest;
  if (!pull) return `push to ${r.ref.replace(/^refs\/(heads|tags)\//, '')}`;
  const branch = (ref: string) => ref.replace(/^refs\/heads\//, '');
  return `pull request #${pull.number} (${pull.event.replace(/_/g, ' ')}) ${branch(pull.headRef)} → ${branch(pull.baseRef)}${pull.draft ? ', draft' : ''}${pull.fromFork ? ', from a fork' : ''}`;
}

/** How many records, of what: `2 push(es)`, or `3 event(s)` once pull requests are among them. */
const counted = (records: readonly DecisionRecord[]) => `${records.length} ${records.some((r) => r.pullRequest) ? 'event(s)' : 'push(es)'}`;

export function pushLine(r: DecisionRecord): string {
  return `${paint('bold', eventWords(r))} ${r.before.slice(0, 7)}…${r.after.slice(0, 7)}, delivery ${r.deliveryId}, ${r.time}\n  changed paths: ${r.changes.paths} (${r.changes.complete ? 'complete' : 'incomplete'}, from ${r.changes.source})`;
}

function warnUnreadable(unreadable: UnreadableRecord[]): void {
  for (const u of unreadable) err(paint('yellow', `warning: ${u.key} cannot be read: ${u.error}`, process.stderr));
}

export async function runWhy(commit: string | undefined, options: WhyOptions): Promise<number> {
  if (!commit) throw new UserError('why needs a COMMIT (see triggers why --help)', 2);
  const { repository, pipeline } = checked(options);
  const { records, description } = openRecords(options);
  let found;
  try {
    found = await records.forCommit(repository, commit);
  } catch (error) {
    if ((error as Error).message.includes('is not a commit SHA')) throw new UserError((error as Error).message, 2);
    throw error;
  }
  warnUnreadable(found.unreadable);
  if (options.json) {
    out(JSON.stringify(found.records, null, 2));
    return found.records.length > 0 ? 0 : 1;
  }
  if (found.records.length === 0) {
    out(
      `no decision record for ${repository} @ ${commit} in ${description}: eval saw no push of that commit (in the last 90 days), or the push deleted its ref`,
    );
    return 1;
  }
  out(paint('dim', `${counted(found.records)} of ${repository} @ ${found.records[0]?.commit} (${description})`));
  let shown = 0;
  const executions = openExecutions(options);
  for (const record of found.records) {
    out(pushLine(record));
    const configs = pipeline ? record.configs.filter((c) => c.pipeline === pipeline) : record.configs;
    for (const c of configs) out(outcomeLine(c, executions ? await executionNow(executions.lookup, c) : undefined));
    shown += configs.length;
    // A config eval could not decide with explains a missing build: shown, with or without --pipeline.
    const ofPipeline = <T extends { key: string }>(list: readonly T[]) =>
      pipeline ? list.filter((c) => c.key.toLowerCase().endsWith(`/${pipeline.toLowerCase()}.json`)) : list;
    const invalid = ofPipeline(record.invalidConfigs);
    for (const bad of invalid)
      out(
        paint(
          'yellow',
          bad.needsFormat !== undefined
            ? `  ! config ${bad.key} needs an eval that reads format ${bad.needsFormat}: not decided (docs/upgrading.md)`
            : `  ! invalid config ${bad.key}: ${bad.error}`,
        ),
      );
    for (const newer of ofPipeline(record.newerConfigs ?? []))
      out(paint('yellow', `  ~ config ${newer.key} is format ${newer.format}: decided without ${newer.ignored.join(', ')}`));
    shown += invalid.length;
    if (pipeline && configs.length === 0 && invalid.length === 0)
      out(paint('yellow', `  no config for pipeline ${pipeline} in ${repository} at that push`));
  }
  executions?.close();
  return pipeline && shown === 0 ? 1 : 0;
}

export async function runHistory(options: WhyOptions): Promise<number> {
  const { repository, pipeline } = checked(options);
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UserError(`--limit must be a whole number from 1 to 1000, got ${options.limit}`, 2);
  const { records, description } = openRecords(options);
  const found = await records.history(repository, limit);
  warnUnreadable(found.unreadable);
  if (options.json) {
    out(JSON.stringify(found.records, null, 2));
    return 0;
  }
  out(paint('dim', `${counted(found.records)}, most recent first, of ${repository} (${description})`));
  for (const r of found.records) {
    const ref = r.pullRequest ? `#${r.pullRequest.number}` : r.ref.replace(/^refs\/(heads|tags)\//, '');
    const head = `${r.time}  ${r.commit.slice(0, 7)}  ${ref}`;
    if (pipeline) {
      const c = r.configs.find((o) => o.pipeline === pipeline);
      out(`${head}  ${c ? paint(STYLE[c.action], `${WORDS[c.action]}: ${c.reason}`) : paint('dim', 'no config')}`);
    } else {
      const started = r.configs.filter((c) => c.action === 'started').map((c) => c.pipeline);
      const failed = r.configs.filter((c) => c.action === 'failed').map((c) => c.pipeline);
      out(
        `${head}  ${started.length}/${r.configs.length} started${started.length ? `: ${started.join(', ')}` : ''}${failed.length ? paint('red', `; failed: ${failed.join(', ')}`) : ''}`,
      );
    }
  }
  return 0;
}
