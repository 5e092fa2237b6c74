// Jest reporter for the reliability suite: writes docs/reliability.md from this run's results, so
// the document states exactly which cases were tried and passed. Deterministic when all pass.
// It writes only when asked (`npm run docs`, which sets RELIABILITY_REPORT): a test run never
// changes a tracked file; it says when the committed document no longer matches the suite.
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const CATEGORIES = [
  ['property', 'Property-based tests (fast-check, fixed seeds)'],
  ['hostile', 'Hostile inputs'],
  ['fault', 'Fault injection through the local endpoints'],
  ['load', 'Load and redelivery through the local stack'],
  ['determinism', "Determinism: the same verdicts at a Lambda's CPU share"],
];

// What the suite guarantees, with the test that proves each: written by hand in guarantees.md.
const GUARANTEES = readFileSync(join(__dirname, 'guarantees.md'), 'utf8');

class ReliabilityReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const cases = results.testResults.flatMap((file) =>
      file.testResults.map((t) => ({ title: [...t.ancestorTitles, t.title].join(' › '), status: t.status })),
    );
    const lines = ['# Reliability', '', 'Generated from the reliability suite\'s own results by `npm run docs` (the suite itself runs in `npm test`); do not edit by hand.', ''];
    const total = cases.length;
    const passed = cases.filter((c) => c.status === 'passed').length;
    lines.push(`**${passed} of ${total} cases passed.**`, '');
    for (const [tag, heading] of CATEGORIES) {
      const mine = cases.filter((c) => c.title.startsWith(`[${tag}]`));
      lines.push(`## ${heading}`, '', `${mine.filter((c) => c.status === 'passed').length} of ${mine.length} passed.`, '');
      for (const c of mine) lines.push(`- ${c.status === 'passed' ? '✓' : '✗ **' + c.status + '**'} ${c.title.replace(`[${tag}] `, '')}`);
      lines.push('');
    }
    lines.push(GUARANTEES);
    // Only a complete run describes the suite: a run filtered to a few tests must not overwrite it.
    if (results.numTotalTests > 0 && !results.testResults.some((f) => f.skipped) && results.numPendingTests === 0 && total >= 30) {
      const document = join(this.rootDir, '..', 'docs', 'reliability.md');
      if (process.env['RELIABILITY_REPORT'] === 'write') writeFileSync(document, lines.join('\n'));
      else if (!existsSync(document) || readFileSync(document, 'utf8') !== lines.join('\n')) {
        process.stdout.write('\ndocs/reliability.md does not describe this run: regenerate it with `npm run docs`.\n');
      }
    }
  }
}

module.exports = ReliabilityReporter;
