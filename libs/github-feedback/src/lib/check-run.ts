import type { ConfigOutcome, DecisionRecord } from '@monorepo-triggers/decision-record';
import { executionConsoleUrl } from './commit-status';

/** The check run that sums up one push (GitHub App only). */
export const CHECK_RUN_NAME = 'monorepo-triggers';
/** GitHub keeps at most 65,535 characters of a check run's summary. */
export const CHECK_SUMMARY_LENGTH = 65_535;

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
 * The check run for one push: every config of the repository with its decision, the reason and a
 * link to the execution it started. Conclusion `failure` when a start failed, else `neutral`: it
 * informs, it does not gate (each pipeline's own status does).
 */
export function checkRunFor(record: DecisionRecord, region: string): CheckRunOutput {
  const started = record.configs.filter((c) => c.action === 'started').length;
  const failed = record.configs.filter((c) => c.action === 'failed').length;
  const ref = record.ref.replace(/^refs\/(heads|tags)\//, '');
  const title = `${started} of ${record.configs.length} pipeline${record.configs.length === 1 ? '' : 's'} started${failed ? `, ${failed} failed to start` : ''}`;
  const head = [
    `Push to ${code(ref)} (${code(record.before.slice(0, 7))}…${code(record.after.slice(0, 7))}), delivery ${code(record.deliveryId)}.`,
    `Changed paths: ${record.changes.paths} (${record.changes.complete ? 'complete' : 'incomplete'}, from ${record.changes.source}).`,
    '',
    '| Pipeline | Decision | Why | Execution |',
    '| --- | --- | --- | --- |',
  ];
  const rows = record.configs.map(
    (c) =>
      `| ${code(c.pipeline)} | ${ACTION_WORDS[c.action]} | ${why(c)} | ${c.executionId ? `[${cell(c.executionId.slice(0, 8))}](${executionConsoleUrl(region, c.pipeline, c.executionId)})` : ''} |`,
  );
  const invalid = record.invalidConfigs.map((i) => `- ${code(i.key)}: ${cell(i.error)}`);
  const tail = [
    ...(invalid.length ? ['', `${invalid.length} invalid config(s), skipped:`, ...invalid] : []),
    '',
    `\`triggers why ${record.commit.slice(0, 12)} --repo ${record.repository}\` prints this from the decision record.`,
  ];
  // Rows are dropped from the end, with a note, until the summary fits GitHub's limit.
  let shown = rows.length;
  const render = () =>
    [
      ...head,
      ...rows.slice(0, shown),
      ...(shown < rows.length ? [`| … ${rows.length - shown} more | | see the decision record | |`] : []),
      ...tail,
    ].join('\n');
  let summary = render();
  while (summary.length > CHECK_SUMMARY_LENGTH && shown > 0) {
    shown = Math.max(0, shown - Math.max(1, Math.ceil((summary.length - CHECK_SUMMARY_LENGTH) / 200)));
    summary = render();
  }
  return {
    name: CHECK_RUN_NAME,
    head_sha: record.commit,
    status: 'completed',
    conclusion: failed ? 'failure' : 'neutral',
    output: { title, summary },
  };
}
