import type { ConfigOutcome, DecisionRecord } from '@monorepo-triggers/decision-record';
import { checkRunNameOf } from '@monorepo-triggers/github-feedback';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalStackInfo } from './local-state';
import { out, paint, visible } from './output';
import { outcomeLine, pushLine } from './record-lines';
import { openRecords } from './record-source';
import { earlierStart, firstStarts, type EarlierStart } from './repeated-starts';
import type { SentEvent } from './sent-event';

/** How long `send` waits for eval's decision record: eval runs right after the webhook answers. */
const RECORD_POLLS = 50;
export const RECORD_POLL_MS = 200;
/** How long it waits for the executions to end (local ones end as soon as statuses reported their start). */
export const STATUS_POLLS = 150;
const STATE_COLOUR: Record<string, 'green' | 'red' | 'yellow'> = { success: 'green', failure: 'red', error: 'red', pending: 'yellow' };

/** A commit status as GitHub lists it. */
interface ListedStatus {
  context: string;
  state: string;
  description: string | null;
  target_url: string | null;
}

/** Each context's statuses on a commit, oldest first (GitHub lists them newest first). */
async function statusHistory(url: string): Promise<Map<string, ListedStatus[]>> {
  const listed = (await (await fetch(`${url}?per_page=100`)).json()) as ListedStatus[];
  const history = new Map<string, ListedStatus[]>();
  for (const s of [...listed].reverse()) history.set(s.context, [...(history.get(s.context) ?? []), s]);
  return history;
}

/** The records of the sent event's commit before it was sent: what tells a new start from one CodePipeline gave back. */
export async function recordsBefore(event: SentEvent): Promise<DecisionRecord[]> {
  const { records } = openRecords({});
  // Unreadable now means no outcome to show later either (send says so then): nothing to compare with.
  return (await records.forCommit(event.repository, event.commit).catch(() => ({ records: [] }))).records;
}

/** What a sent event did: eval's record of it, and which of its starts only got an earlier execution back. */
export interface SentOutcome {
  record: DecisionRecord;
  earlier: Map<ConfigOutcome, EarlierStart>;
}

/**
 * Waits for eval's record of this delivery (a new one: a delivery id sent again rewrites its record),
 * then prints each pipeline's decision and what GitHub shows. A start that got the execution of an
 * earlier record back (`before`) is said to be one: nothing new ran, so no status moved for it.
 */
export async function showOutcome(
  event: SentEvent,
  delivery: string,
  local: LocalStackInfo,
  before: readonly DecisionRecord[],
): Promise<SentOutcome | undefined> {
  const { commit } = event;
  if (/^0+$/.test(commit)) return undefined;
  const { records } = openRecords({});
  const seen = new Set(before.map((r) => `${r.deliveryId} ${r.time}`));
  let record: DecisionRecord | undefined;
  for (let poll = 0; poll < RECORD_POLLS && !record; poll++) {
    record = (await records.forCommit(event.repository, commit)).records.find(
      (r) => r.deliveryId === delivery && !seen.has(`${r.deliveryId} ${r.time}`),
    );
    if (!record) await sleep(RECORD_POLL_MS);
  }
  if (!record) {
    out(
      paint(
        'yellow',
        `eval has not recorded its decisions yet: see the stack's console, or run triggers why ${visible(commit.slice(0, 12))} --repo ${event.repository}`,
      ),
    );
    return undefined;
  }
  const first = firstStarts(before);
  const earlier = new Map<ConfigOutcome, EarlierStart>();
  for (const c of record.configs) {
    const by = earlierStart(first, record, c.executionId);
    if (by) earlier.set(c, by);
  }
  out(pushLine(record));
  for (const c of record.configs) {
    const by = earlier.get(c);
    out(outcomeLine(c, { ...(by ? { earlier: by } : {}), deliveryId: record.deliveryId }));
  }
  if (local.githubUrl) await showStatuses(event, record, earlier, local.githubUrl);
  return { record, earlier };
}

/** The statuses and the check run the stand-in GitHub holds for the commit, once this push's executions ended. */
async function showStatuses(
  event: SentEvent,
  record: DecisionRecord,
  earlier: Map<ConfigOutcome, EarlierStart>,
  githubUrl: string,
): Promise<void> {
  const { commit } = event;
  const repo = `/repos/${event.repository.split('/').map(encodeURIComponent).join('/')}`;
  const started = record.configs.filter((c) => c.action === 'started' && c.executionId);
  // The executions this push started, whose statuses follow them: wait until each has ended.
  const executionOf = new Map(started.filter((c) => !earlier.has(c)).map((c) => [c.statusContext, c.executionId as string]));
  // The executions it got back from an earlier delivery: their statuses were posted then.
  const repeatedOf = new Map(started.filter((c) => earlier.has(c)).map((c) => [c.statusContext, c.executionId as string]));
  const ofExecution = (statuses: ListedStatus[], id: string) => statuses.filter((s) => (s.target_url ?? '').includes(`/executions/${id}/`));
  const running = (history: Map<string, ListedStatus[]>) =>
    [...executionOf].filter(([context, id]) => (ofExecution(history.get(context) ?? [], id).at(-1)?.state ?? 'pending') === 'pending');
  let history = new Map<string, ListedStatus[]>();
  for (let poll = 0; poll < STATUS_POLLS; poll++) {
    history = await statusHistory(`${githubUrl}${repo}/commits/${commit}/statuses`);
    if (running(history).length === 0) break;
    await sleep(RECORD_POLL_MS);
  }
  out(paint('bold', `GitHub statuses on ${visible(commit.slice(0, 7))}`) + paint('dim', ' (local stand-in)'));
  if (history.size === 0) out(paint('dim', '  none'));
  const state = (s: ListedStatus) => paint(STATE_COLOUR[s.state] ?? 'dim', visible(s.state));
  const transitions = (statuses: ListedStatus[]) => statuses.map(state).join(' → ');
  for (const [context, statuses] of history) {
    const id = executionOf.get(context);
    const repeated = repeatedOf.get(context);
    if (repeated !== undefined) {
      // Nothing new ran: where its execution's status stands, not a transition that happened before.
      const last = ofExecution(statuses, repeated).at(-1) ?? statuses.at(-1);
      if (last)
        out(
          `  ${visible(context)}: ${state(last)}  ${paint('dim', `${visible(last.description ?? '')} (unchanged: posted for the earlier delivery; nothing new ran)`)}`,
        );
      continue;
    }
    // A started pipeline: the transitions of this push's execution. Another context: where it stands.
    const shown = id ? ofExecution(statuses, id) : statuses.slice(-1);
    const last = shown.at(-1);
    if (!last) continue;
    out(`  ${visible(context)}: ${transitions(shown)}  ${paint('dim', visible(last.description ?? ''))}`);
    if (id && statuses.at(-1) !== last)
      out(paint('dim', `    the commit now shows: ${visible(statuses.at(-1)?.description ?? '')} (another push of the same commit)`));
  }
  const waiting = running(history).map(([context]) => visible(context));
  if (waiting.length > 0) out(paint('yellow', `  still running: ${waiting.join(', ')} (see the stack's console)`));
  const name = checkRunNameOf(record);
  const runs = (await (await fetch(`${githubUrl}${repo}/commits/${commit}/check-runs?check_name=${encodeURIComponent(name)}`)).json()) as {
    check_runs: { conclusion: string | null; output: { title?: string } }[];
  };
  const run = runs.check_runs[0];
  if (run)
    out(`${paint('bold', `check run ${visible(name)}:`)} ${visible(run.output.title ?? '')} (${visible(run.conclusion ?? 'pending')})`);
}
