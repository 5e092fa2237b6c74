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

const GUARANTEES = `## What is guaranteed

- **No unsigned request gets through.** A delivery reaches eval only with a valid
  \`X-Hub-Signature-256\` over its exact bytes, with the current or the previous secret (checked on
  thousands of random requests, both API Gateway event shapes, base64 and plain bodies).
- **Bad input is answered, not crashed on.** The webhook answers 4xx to every malformed request it
  was given (never 5xx); the config parser returns field-level issues for any JSON, never an exception.
- **The matcher decides like the obvious implementation**, only faster: random configs (regex and
  glob, branches and tags) and paths give the same decision as compiling and testing everything.
- **No pattern can make matching slow.** Patterns run on an RE2 engine (re2js), in time linear in the
  length of the path; patterns that take a backtracking engine forever (\`^(a+)+$\`, alternation
  chains, \`(.*a){12}$\`, 22 brace pairs in a glob) are decided in one pass, and the verdict on a
  config never depends on time, so it is the same on any machine under any load.
- **A bad config never blocks the others**, at write time (rejected with field and reason) or at run
  time (an object written straight to S3, with a pattern RE2 syntax refuses or one built to be slow,
  is logged and skipped or decided like any other, and the other pipelines start).
- **No push is lost silently.** When eval cannot be invoked the webhook answers 502, so GitHub records a
  failed delivery that can be redelivered; when S3 or CodePipeline fails, eval fails the invocation
  after starting what it could, so Lambda retries it, and its dead-letter queue keeps what still fails.
- **No pipeline starts twice for one push.** Every start carries an idempotency token derived from
  repository, ref, the commits before and after the push, and pipeline: retries and redeliveries (all
  200 of them, above) start nothing new.
- **CloudFormation always gets an answer**, retried through 5xx; the pre-signed URL is never logged.

## Defects this suite found, fixed in the code

- The catastrophic-backtracking check ran with a 2-second wall-clock budget: at a 512 MB Lambda's
  0.29 vCPU it ran out of time on ordinary patterns (\`^services/[^/]+/docs/\`), so eval skipped valid
  configs, while patterns without quantifiers that still backtrack (\`(.|.)\` ×32) passed it. The
  checker is gone: patterns are RE2 syntax, matched in linear time, and validated without a clock.

- eval skipped the catastrophic-backtracking check when reading configs (it trusted the writers), so a
  config written straight to S3 with \`^(a+)+$\` would have hung every evaluation of its repository.
  Readers now run the full check, cached by object version, and skip only patterns without
  quantifiers (which cannot backtrack); the fault case above proves the others still start.

## What is not guaranteed

- A delivery over ~6 MB cannot reach a Lambda behind a Function URL or API Gateway; GitHub records it
  as failed and nothing here can accept it.
- Deduplication relies on CodePipeline honouring \`clientRequestToken\`; the local CodePipeline
  emulates that behaviour, the real service's idempotency window is not tested here.
- Throttling that outlasts the SDK's adaptive retries (6 attempts) fails the invocation; Lambda's two
  asynchronous retries and the dead-letter queue are then the safety net.
- Timing figures live in bench/RESULTS.md; this suite checks behaviour, not speed.
`;

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
