import { refName } from '@monorepo-triggers/config-schema';
import type { ConfigOutcome, DecisionRecord, RecordedStop } from '@monorepo-triggers/decision-record';
import type { ExecutionSource } from './execution-source';
import { paint, visible } from './output';
import type { EarlierStart } from './repeated-starts';

// How `why` and `send` print a decision record. Everything in a record came from outside (paths,
// patterns, branch names, error messages): each value is made visible where it is interpolated.

const MARK: Record<ConfigOutcome['action'], string> = { started: '▶', skipped: '·', failed: '✗', 'not-entitled': '⛔' };
export const WORDS: Record<ConfigOutcome['action'], string> = {
  started: 'started',
  skipped: 'skipped',
  failed: 'start failed',
  'not-entitled': 'not entitled',
};
export const STYLE = { started: 'green', skipped: 'dim', failed: 'red', 'not-entitled': 'yellow' } as const;

const EXECUTION_STYLE: Record<string, 'green' | 'red' | 'yellow'> = {
  Succeeded: 'green',
  Failed: 'red',
  Stopped: 'red',
  Superseded: 'yellow',
  Cancelled: 'yellow',
  InProgress: 'yellow',
  Stopping: 'yellow',
};

/** How a started execution stands now, for its config's line; in words when CodePipeline does not know it. */
export async function executionNow(
  executions: ExecutionSource,
  c: Pick<ConfigOutcome, 'pipeline' | 'executionId'>,
): Promise<string | undefined> {
  if (!c.executionId) return undefined;
  const now = await executions.lookup(c.pipeline, c.executionId);
  if ('status' in now) return paint(EXECUTION_STYLE[now.status] ?? 'dim', `execution ${visible(now.status)}`);
  if ('unknown' in now) return paint('dim', `execution status unknown (${visible(now.unknown)})`);
  const pipeline = visible(c.pipeline);
  if (executions.where === 'local')
    return paint(
      'dim',
      now.missing === 'pipeline'
        ? `the local stack has no pipeline ${pipeline} now (no config names it any more)`
        : 'execution not known to this local stack: an earlier run of it started the execution (its CodePipeline forgets executions when it stops)',
    );
  return paint(
    'dim',
    now.missing === 'pipeline'
      ? `CodePipeline has no pipeline ${pipeline} now (deleted or renamed since)`
      : `CodePipeline does not know this execution of ${pipeline} (past its execution history, or the pipeline was re-created)`,
  );
}

/** What became of one config, and why; a start that got an earlier delivery's execution back says that nothing new ran. */
export function outcomeLine(c: ConfigOutcome, options: { now?: string; earlier?: EarlierStart; deliveryId?: string } = {}): string {
  const why = [`${visible(c.reason)}: ${visible(c.detail)}`];
  // no-path-matched's detail already names the excluded path; an incomplete change list's does not.
  if (c.excluded && !c.detail.includes(`excluded by ${c.excluded.excludedBy}`))
    why.push(`${visible(c.excluded.path)} excluded by ${visible(c.excluded.excludedBy)}`);
  if (c.refused) why.push(visible(c.refused));
  if (c.error) why.push(visible(c.error));
  // Paths derived from an Nx workspace: which task's inputs they are (triggers nx --check keeps them current).
  if (c.nx) why.push(`paths: the inputs of Nx ${visible(c.nx.project)}:${visible(c.nx.target)}`);
  const id = c.executionId ? visible(c.executionId) : undefined;
  const earlier = c.action === 'started' ? options.earlier : undefined;
  let execution = id ? paint('dim', ` (execution ${id})`) : '';
  if (id && earlier) {
    const by =
      earlier.deliveryId === options.deliveryId
        ? `an earlier delivery of ${visible(earlier.deliveryId)}`
        : `delivery ${visible(earlier.deliveryId)}`;
    execution = paint('dim', ` (execution ${id}, started by ${by} at ${visible(earlier.time)}: CodePipeline returned it, nothing new ran)`);
  }
  const state = options.now ? ` → ${options.now}` : '';
  const head = earlier
    ? paint('dim', `▷ ${visible(c.pipeline).padEnd(24)} ${'already started'.padEnd(13)}`)
    : paint(STYLE[c.action], `${MARK[c.action]} ${visible(c.pipeline).padEnd(24)} ${WORDS[c.action].padEnd(13)}`);
  return `  ${head} ${why.join('; ')}${execution}${state}`;
}

/**
 * For `history --pipeline`, which shows no detail: what a decision's changes were counted from, when
 * its config compares with its last success (`why` shows the whole sentence, in the detail).
 */
export function baseWords(c: Pick<ConfigOutcome, 'base'>): string {
  const base = c.base;
  if (!base) return '';
  const what: Record<string, string> = {
    'last-success': 'its last success',
    baseline: 'the baseline before its first build',
    started: 'which its latest execution is building',
  };
  if (base.commit && what[base.kind]) return paint('dim', ` (changes since ${visible(base.commit.slice(0, 7))}, ${what[base.kind]})`);
  return paint('dim', ' (decided on the push alone: see triggers why)');
}

/** What a merge group record says GitHub did: `checks_requested`, `destroyed: dequeued`. */
const groupAction = (group: NonNullable<DecisionRecord['mergeGroup']>) =>
  group.action === 'destroyed' ? `destroyed: ${visible(group.reason ?? 'no reason given')}` : visible(group.action);

/**
 * What a record is about, in a few words: `push to main`, `pull request #7 (opened) feature → main`,
 * `merge group gh-readonly-queue/main/pr-7-… into main (checks_requested)`.
 */
export function eventWords(r: DecisionRecord): string {
  const group = r.mergeGroup;
  if (group) return `merge group ${visible(refName(group.headRef))} into ${visible(refName(group.baseRef))} (${groupAction(group)})`;
  const pull = r.pullRequest;
  if (!pull) return `push to ${visible(refName(r.ref))}`;
  return `pull request #${pull.number} (${visible(pull.event.replace(/_/g, ' '))}) ${visible(refName(pull.headRef))} → ${visible(refName(pull.baseRef))}${pull.draft ? ', draft' : ''}${pull.fromFork ? ', from a fork' : ''}`;
}

/** How many records, of what: `2 push(es)`, or `3 event(s)` once pull requests or merge groups are among them. */
export const counted = (records: readonly DecisionRecord[]) =>
  `${records.length} ${records.some((r) => r.pullRequest || r.mergeGroup) ? 'event(s)' : 'push(es)'}`;

/** Whether a record is of a merge group GitHub destroyed: no decision, what became of what the group started. */
export const isDestroyedGroup = (r: DecisionRecord) => r.mergeGroup?.action === 'destroyed';

/**
 * A record's first two lines: the event, its commits and delivery, and its changed paths (for a
 * destroyed merge group, which decides nothing: how many executions were started for it).
 */
export function pushLine(r: DecisionRecord): string {
  if (isDestroyedGroup(r)) {
    const stops = r.stops ?? [];
    return `${paint('bold', eventWords(r))} ${visible(r.before.slice(0, 7))}…${visible(r.after.slice(0, 7))}, delivery ${visible(r.deliveryId)}, ${visible(r.time)}\n  ${stops.length === 0 ? 'no execution was started for the group: nothing to stop' : `${stops.length} execution(s) started for the group:`}`;
  }
  return `${paint('bold', eventWords(r))} ${visible(r.before.slice(0, 7))}…${visible(r.after.slice(0, 7))}, delivery ${visible(r.deliveryId)}, ${visible(r.time)}\n  changed paths: ${r.changes.paths} (${r.changes.complete ? 'complete' : 'incomplete'}, from ${visible(r.changes.source)})`;
}

const STOP_MARK: Record<string, string> = { stopped: '■', finished: '✓', kept: '▷', failed: '✗' };
const STOP_STYLE: Record<string, 'red' | 'green' | 'dim' | 'yellow'> = { stopped: 'yellow', finished: 'dim', kept: 'dim', failed: 'red' };

/**
 * What became of one execution a destroyed merge group had started: `■ orders-service <id> stopped:
 * the group was dequeued`, with how it stands now when known.
 */
export function stopLine(s: RecordedStop, options: { now?: string } = {}): string {
  const head = paint(STOP_STYLE[s.outcome] ?? 'dim', `${STOP_MARK[s.outcome] ?? '?'} ${visible(s.pipeline).padEnd(24)}`);
  const outcome = s.detail.startsWith(s.outcome) ? visible(s.detail) : `${visible(s.outcome)}: ${visible(s.detail)}`;
  return `  ${head} ${visible(s.executionId)} ${outcome}${options.now ? ` → ${options.now}` : ''}`;
}
