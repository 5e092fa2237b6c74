import type { ConfigOutcome, DecisionRecord } from '@monorepo-triggers/decision-record';
import { checkRunNameOf } from '@monorepo-triggers/github-feedback';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalStackInfo } from './local-state';
import { out, paint, visible } from './output';
import { openExecutions } from './execution-source';
import { executionNow, isDestroyedGroup, outcomeLine, pushLine, stopLine } from './record-lines';
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

export interface ShowOptions {
  /**
   * Pipelines whose execution for this event the local CodePipeline holds in progress (`send --hold`):
   * their statuses are shown once pending, and never waited on to end.
   */
  held?: readonly string[];
}

/**
 * Waits for eval's record of this delivery (a new one: a delivery id sent again rewrites its record),
 * then prints each pipeline's decision and what GitHub shows. A start that got the execution of an
 * earlier record back (`before`) is said to be one: nothing new ran, so no status moved for it. A
 * destroyed merge group's record decides nothing: each execution started for the group is printed
 * stopped or kept, once the stopped ones ended.
 */
export async function showOutcome(
  event: SentEvent,
  delivery: string,
  local: LocalStackInfo,
  before: readonly DecisionRecord[],
  options: ShowOptions = {},
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
  if (isDestroyedGroup(record)) {
    await showStops(event, record, local, before);
    return { record, earlier: new Map() };
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
  if (local.githubUrl) {
    const started = record.configs.filter((c) => c.action === 'started' && c.executionId);
    const contexts = (list: ConfigOutcome[]) => new Map(list.map((c) => [c.statusContext, c.executionId as string]));
    const held = started.filter((c) => !earlier.has(c) && options.held?.includes(c.pipeline));
    await showStatuses(event, local.githubUrl, {
      // The executions this event started, whose statuses follow them: waited on until each has ended.
      ending: contexts(started.filter((c) => !earlier.has(c) && !held.includes(c))),
      // The executions it got back from an earlier delivery: their statuses were posted then.
      repeated: contexts(started.filter((c) => earlier.has(c))),
      held: contexts(held),
      checkRun: checkRunNameOf(record),
    });
    for (const c of held)
      out(
        paint(
          'yellow',
          `held: ${visible(c.pipeline)} (execution ${visible(c.executionId)}) stays in progress (--hold)${
            event.mergeGroup
              ? `: destroying the group stops it (triggers send --merge-group … --action destroyed --reason dequeued)`
              : ' until something stops it (the local stack forgets it when it stops)'
          }`,
        ),
      );
  }
  return { record, earlier };
}

/**
 * A destroyed merge group's stops: once each stopped execution ended (its status moved past pending),
 * every stop with how its execution stands now, and the statuses they left on the group's head.
 */
async function showStops(event: SentEvent, record: DecisionRecord, local: LocalStackInfo, before: readonly DecisionRecord[]) {
  const stops = record.stops ?? [];
  // Each execution's context, from the records of the group's checks (a stop names only the pipeline).
  const contextOf = new Map<string, string>();
  for (const r of before) for (const c of r.configs) if (c.executionId) contextOf.set(c.executionId, c.statusContext);
  const stopped = stops.filter((s) => s.outcome === 'stopped' && contextOf.has(s.executionId));
  const shown: ShownExecutions = {
    ending: new Map(stopped.map((s) => [contextOf.get(s.executionId) as string, s.executionId])),
    repeated: new Map(),
    held: new Map(),
  };
  out(pushLine(record));
  // A stopped execution says so once CodePipeline stopped it: its status moves from pending.
  const history = local.githubUrl ? await statusesOnceEnded(event, local.githubUrl, shown) : undefined;
  const executions = openExecutions({});
  try {
    for (const s of stops) {
      const now = executions ? await executionNow(executions, s) : undefined;
      out(stopLine(s, now ? { now } : {}));
    }
  } finally {
    executions?.close();
  }
  if (history && stopped.length > 0) printStatuses(event, history, shown);
}

/** The executions whose statuses `send` shows, by status context. */
interface ShownExecutions {
  /** Waited on until each has ended: the statuses of each are shown as transitions. */
  ending: Map<string, string>;
  /** Got back from an earlier delivery: where each stands, posted then. */
  repeated: Map<string, string>;
  /** Held in progress (`--hold`): waited on until pending, never until they end. */
  held: Map<string, string>;
}

const ofExecution = (statuses: ListedStatus[], id: string) => statuses.filter((s) => (s.target_url ?? '').includes(`/executions/${id}/`));

/** The contexts whose executions are still running (or, held, have not said pending yet). */
function waitingOn(history: Map<string, ListedStatus[]>, shown: ShownExecutions): string[] {
  const running = [...shown.ending]
    .filter(([context, id]) => (ofExecution(history.get(context) ?? [], id).at(-1)?.state ?? 'pending') === 'pending')
    .map(([context]) => context);
  const unheard = [...shown.held].filter(([context, id]) => ofExecution(history.get(context) ?? [], id).length === 0).map(([c]) => c);
  return [...running, ...unheard];
}

/** The statuses on the event's commit, once every execution waited on ended (or the wait gave up). */
async function statusesOnceEnded(event: SentEvent, githubUrl: string, shown: ShownExecutions): Promise<Map<string, ListedStatus[]>> {
  const repo = `/repos/${event.repository.split('/').map(encodeURIComponent).join('/')}`;
  let history = new Map<string, ListedStatus[]>();
  for (let poll = 0; poll < STATUS_POLLS; poll++) {
    history = await statusHistory(`${githubUrl}${repo}/commits/${event.commit}/statuses`);
    if (waitingOn(history, shown).length === 0) break;
    await sleep(RECORD_POLL_MS);
  }
  return history;
}

/**
 * How long `send` waits for eval's check run once the executions ended: eval posts the skipped
 * statuses, then the check run, while (not after) it writes the record `send` found.
 */
const CHECK_RUN_POLLS = 25;

/** The check run the stand-in GitHub holds for the commit under `name`, if any. */
async function checkRunOn(event: SentEvent, githubUrl: string, name: string) {
  const repo = `/repos/${event.repository.split('/').map(encodeURIComponent).join('/')}`;
  const runs = (await (
    await fetch(`${githubUrl}${repo}/commits/${event.commit}/check-runs?check_name=${encodeURIComponent(name)}`)
  ).json()) as {
    check_runs: { conclusion: string | null; output: { title?: string } }[];
  };
  return runs.check_runs[0];
}

/**
 * The statuses and the check run the stand-in GitHub holds for the commit, once this event's
 * executions ended and eval's check run (posted after its skipped statuses) is there.
 */
async function showStatuses(event: SentEvent, githubUrl: string, shown: ShownExecutions & { checkRun: string }): Promise<void> {
  const name = shown.checkRun;
  let history = await statusesOnceEnded(event, githubUrl, shown);
  let run = await checkRunOn(event, githubUrl, name);
  for (let poll = 0; !run && poll < CHECK_RUN_POLLS; poll++) {
    await sleep(RECORD_POLL_MS);
    run = await checkRunOn(event, githubUrl, name);
    if (run) history = await statusesOnceEnded(event, githubUrl, shown);
  }
  printStatuses(event, history, shown);
  if (run)
    out(`${paint('bold', `check run ${visible(name)}:`)} ${visible(run.output.title ?? '')} (${visible(run.conclusion ?? 'pending')})`);
}

/** Each context's statuses on the commit: transitions of the executions shown, where the others stand. */
function printStatuses(event: SentEvent, history: Map<string, ListedStatus[]>, shown: ShownExecutions): void {
  out(paint('bold', `GitHub statuses on ${visible(event.commit.slice(0, 7))}`) + paint('dim', ' (local stand-in)'));
  if (history.size === 0) out(paint('dim', '  none'));
  const state = (s: ListedStatus) => paint(STATE_COLOUR[s.state] ?? 'dim', visible(s.state));
  const transitions = (statuses: ListedStatus[]) => statuses.map(state).join(' → ');
  for (const [context, statuses] of history) {
    const repeated = shown.repeated.get(context);
    if (repeated !== undefined) {
      // Nothing new ran: where its execution's status stands, not a transition that happened before.
      const last = ofExecution(statuses, repeated).at(-1) ?? statuses.at(-1);
      if (last)
        out(
          `  ${visible(context)}: ${state(last)}  ${paint('dim', `${visible(last.description ?? '')} (unchanged: posted for the earlier delivery; nothing new ran)`)}`,
        );
      continue;
    }
    // A started pipeline: the transitions of this event's execution. Another context: where it stands.
    const id = shown.ending.get(context) ?? shown.held.get(context);
    const shownStatuses = id ? ofExecution(statuses, id) : statuses.slice(-1);
    const last = shownStatuses.at(-1);
    if (!last) continue;
    const held = shown.held.has(context) ? ' (held in progress: --hold)' : '';
    out(`  ${visible(context)}: ${transitions(shownStatuses)}  ${paint('dim', `${visible(last.description ?? '')}${held}`)}`);
    if (id && statuses.at(-1) !== last)
      out(paint('dim', `    the commit now shows: ${visible(statuses.at(-1)?.description ?? '')} (another push of the same commit)`));
  }
  const waiting = waitingOn(history, shown).map(visible);
  if (waiting.length > 0) out(paint('yellow', `  still running: ${waiting.join(', ')} (see the stack's console)`));
}
