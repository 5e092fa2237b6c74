import { refName } from '@monorepo-triggers/config-schema';
import type { ConfigOutcome, DecisionRecord } from '@monorepo-triggers/decision-record';
import { executionConsoleUrl } from './commit-status';

/** The check run that sums up one push (GitHub App only). */
export const CHECK_RUN_NAME = 'monorepo-triggers';
/**
 * The check run that sums up a pull request's events on its head commit: its own name, so a push of
 * the same commit to the branch (decided on other rules) and the pull request never overwrite each other.
 */
export const PULL_REQUEST_CHECK_RUN_NAME = 'monorepo-triggers (pull request)';

/**
 * The check run that sums up a merge group on its head commit: its own name, so the push of the same
 * commit to the base branch once the group merges never overwrites it.
 */
export const MERGE_GROUP_CHECK_RUN_NAME = 'monorepo-triggers (merge queue)';

/** The name of the check run a record is shown in. */
export const checkRunNameOf = (record: Pick<DecisionRecord, 'pullRequest' | 'mergeGroup'>) =>
  record.pullRequest ? PULL_REQUEST_CHECK_RUN_NAME : record.mergeGroup ? MERGE_GROUP_CHECK_RUN_NAME : CHECK_RUN_NAME;

/** The record's first line: what happened, in GitHub's words. */
function eventLine(record: DecisionRecord): string {
  const pull = record.pullRequest;
  const group = record.mergeGroup;
  if (group) {
    const branch = (ref: string) => code(refName(ref));
    return `Merge group ${branch(group.headRef)} into ${branch(group.baseRef)} at ${code(group.headSha.slice(0, 7))}, delivery ${code(record.deliveryId)}.`;
  }
  if (!pull) {
    const ref = refName(record.ref);
    return `Push to ${code(ref)} (${code(record.before.slice(0, 7))}…${code(record.after.slice(0, 7))}), delivery ${code(record.deliveryId)}.`;
  }
  const branch = (ref: string) => code(refName(ref));
  const what =
    pull.event === 'merged'
      ? `merged as ${code(record.commit.slice(0, 7))}`
      : `${pull.event.replace(/_/g, ' ')} at ${code(pull.headSha.slice(0, 7))}`;
  const flags = [pull.draft ? 'draft' : '', pull.fromFork ? 'from a fork' : ''].filter(Boolean);
  return `Pull request #${pull.number}, ${branch(pull.headRef)} into ${branch(pull.baseRef)}${flags.length ? ` (${flags.join(', ')})` : ''}: ${what}, delivery ${code(record.deliveryId)}.`;
}
/** GitHub refuses a check run whose summary is over 65,535 bytes. */
export const CHECK_SUMMARY_LENGTH = 65_535;
/** Invalid configs listed by name in the summary; the decision record has them all. */
const MAX_INVALID_LINES = 50;

export interface CheckRunOutput {
  name: string;
  head_sha: string;
  status: 'completed';
  conclusion: 'success' | 'failure' | 'neutral';
  output: { title: string; summary: string };
}

const ACTION_WORDS: Record<ConfigOutcome['action'], string> = {
  started: '▶️ started',
  skipped: '⏭️ skipped',
  failed: '❌ start failed',
  'not-entitled': '⛔ not entitled',
};

/** Text safe inside a Markdown table cell: no pipes or line breaks, code spans kept closed. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const code = (text: string) => `\`${cell(text).replace(/`/g, "'")}\``;

/** Why, in one cell: the decision's sentence (it names the path and pattern that matched), what excluded a path, what failed. */
function why(outcome: ConfigOutcome): string {
  const parts = [cell(outcome.detail)];
  if (outcome.excluded) parts.push(`${code(outcome.excluded.path)} excluded by ${code(outcome.excluded.excludedBy)}`);
  if (outcome.error) parts.push(cell(outcome.error));
  if (outcome.refused) parts.push(cell(outcome.refused));
  return parts.join('<br>');
}

/**
 * The check run for one push, pull request event or merge group: every config of the repository with its decision, the reason and a
 * link to the execution it started. Conclusion `failure` when a start failed, else `neutral`: it
 * informs, it does not gate (each pipeline's own status does).
 */
export function checkRunFor(record: DecisionRecord, region: string): CheckRunOutput {
  const started = record.configs.filter((c) => c.action === 'started').length;
  const failed = record.configs.filter((c) => c.action === 'failed').length;
  const title = `${started} of ${record.configs.length} pipeline${record.configs.length === 1 ? '' : 's'} started${failed ? `, ${failed} failed to start` : ''}`;
  const head = [
    eventLine(record),
    `Changed paths: ${record.changes.paths} (${record.changes.complete ? 'complete' : 'incomplete'}, from ${record.changes.source}).`,
    '',
    '| Pipeline | Decision | Why | Execution |',
    '| --- | --- | --- | --- |',
  ];
  const rows = record.configs.map(
    (c) =>
      `| ${code(c.pipeline)} | ${ACTION_WORDS[c.action]} | ${why(c)} | ${c.executionId ? `[${cell(c.executionId.slice(0, 8))}](${executionConsoleUrl(region, c.pipeline, c.executionId)})` : ''} |`,
  );
  const invalid = record.invalidConfigs.slice(0, MAX_INVALID_LINES).map((i) => `- ${code(i.key)}: ${cell(i.error).slice(0, 300)}`);
  const moreInvalid = record.invalidConfigs.length - invalid.length;
  const tail = [
    ...(invalid.length
      ? [
          '',
          `${record.invalidConfigs.length} invalid config(s), skipped:`,
          ...invalid,
          ...(moreInvalid > 0 ? [`- … and ${moreInvalid} more`] : []),
        ]
      : []),
    '',
    `\`triggers why ${record.commit.slice(0, 12)} --repo ${record.repository}\` prints this from the decision record.`,
  ];
  // GitHub counts the summary's limit in bytes: keep the longest run of rows that fits, then say how many were left out.
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  const note = (left: number) => `| … ${left} more | | see the decision record | |`;
  let budget = CHECK_SUMMARY_LENGTH - bytes([...head, ...tail].join('\n')) - bytes(note(rows.length)) - 2;
  let shown = 0;
  for (const row of rows) {
    if (bytes(row) + 1 > budget) break;
    budget -= bytes(row) + 1;
    shown++;
  }
  const summary = [...head, ...rows.slice(0, shown), ...(shown < rows.length ? [note(rows.length - shown)] : []), ...tail].join('\n');
  return {
    name: checkRunNameOf(record),
    head_sha: record.commit,
    status: 'completed',
    conclusion: failed ? 'failure' : 'neutral',
    output: { title, summary },
  };
}
