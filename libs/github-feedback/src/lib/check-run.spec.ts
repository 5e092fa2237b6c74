import { checkRunFor } from './check-run';
import { outcome, pushRecord } from './fixtures';

describe('checkRunFor', () => {
  const record = pushRecord({
    configs: [
      outcome({
        pipeline: 'orders',
        action: 'started',
        reason: 'path-matched',
        detail: 'a changed path matched',
        match: { path: 'services/orders/a|b.ts', pattern: '^services/orders/', field: 'includePaths' },
        executionId: 'e1234567-89ab',
      }),
      outcome({ pipeline: 'docs', excluded: { path: 'docs/x.md', excludedBy: '\\.md$' } }),
      outcome({
        pipeline: 'billing',
        action: 'failed',
        reason: 'path-matched',
        detail: 'a changed path matched',
        error: 'PipelineNotFoundException: no pipeline named a|b\nnext line',
      }),
    ],
    invalidConfigs: [{ key: 'mono-repo/config/acme/platform/broken.json', error: '(root): is not JSON' }],
  });

  it('names every config with its decision, why, and a link to the execution it started', () => {
    const run = checkRunFor(record, 'eu-west-1');
    expect(run).toMatchObject({ name: 'monorepo-triggers', head_sha: 'b'.repeat(40), status: 'completed', conclusion: 'failure' });
    expect(run.output.title).toBe('1 of 3 pipelines started, 1 failed to start');
    const lines = run.output.summary.split('\n');
    expect(lines).toContain(
      '| `orders` | ▶️ started | a changed path matched | [e1234567](https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/orders/executions/e1234567-89ab/timeline?region=eu-west-1) |',
    );
    expect(lines).toContain('| `docs` | ⏭️ skipped | no changed path matched includePaths<br>`docs/x.md` excluded by `\\.md$` |  |');
    expect(lines).toContain(
      '| `billing` | ❌ start failed | a changed path matched<br>PipelineNotFoundException: no pipeline named a\\|b next line |  |',
    );
    expect(lines).toContain('- `mono-repo/config/acme/platform/broken.json`: (root): is not JSON');
    expect(run.output.summary).toContain('`triggers why bbbbbbbbbbbb --repo acme/platform`');
  });

  it('is neutral when nothing failed: it informs, each pipeline status gates', () => {
    expect(checkRunFor(pushRecord({ configs: [outcome()] }), 'us-east-1')).toMatchObject({
      conclusion: 'neutral',
      output: { title: '0 of 1 pipeline started' },
    });
  });

  it("keeps the summary within GitHub's 65,535 bytes, as many rows as fit, and says how many it left out", () => {
    // Started rows carry a console link and emoji (multi-byte): about 300 bytes each; 400 invalid configs too.
    const many = pushRecord({
      configs: Array.from({ length: 3000 }, (_, i) =>
        outcome({
          pipeline: `pipeline-${i}`,
          action: 'started',
          reason: 'path-matched',
          detail: `services/p${i}/ü.ts matches ^services/p${i}/`,
          executionId: `e${i}`.padEnd(36, '0'),
        }),
      ),
      invalidConfigs: Array.from({ length: 400 }, (_, i) => ({
        key: `mono-repo/config/acme/platform/bad-${i}.json`,
        error: 'x'.repeat(500),
      })),
    });
    const summary = checkRunFor(many, 'us-east-1').output.summary;
    const GITHUB_LIMIT_BYTES = 65_535;
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(GITHUB_LIMIT_BYTES);
    const lines = summary.split('\n');
    const shown = lines.filter((l) => l.startsWith('| `pipeline-')).length;
    const left = Number(/\| … (\d+) more \| \| see the decision record \| \|/.exec(summary)?.[1]);
    expect(shown + left).toBe(3000);
    // As many as fit: one more row (about 300 bytes) would not.
    expect(Buffer.byteLength(summary) + 300).toBeGreaterThan(GITHUB_LIMIT_BYTES - 300);
    expect(lines).toContain('- … and 350 more');
    expect(lines).toContain('400 invalid config(s), skipped:');
  });

  it('sums up a merge group under its own name, so the push of the same commit once it merges never overwrites it', () => {
    const head = 'c'.repeat(40);
    const run = checkRunFor(
      pushRecord({
        ref: 'refs/heads/gh-readonly-queue/main/pr-7-' + 'a'.repeat(40),
        commit: head,
        after: head,
        mergeGroup: {
          action: 'checks_requested',
          baseRef: 'refs/heads/main',
          baseSha: 'a'.repeat(40),
          headRef: 'refs/heads/gh-readonly-queue/main/pr-7-' + 'a'.repeat(40),
          headSha: head,
        },
        configs: [outcome({ pipeline: 'orders', action: 'started', reason: 'path-matched', detail: 'matched', executionId: 'e1' })],
      }),
      'eu-west-1',
    );
    expect(run.name).toBe('monorepo-triggers (merge queue)');
    expect(run.head_sha).toBe(head);
    expect(run.output.summary.split('\n')[0]).toBe(
      `Merge group \`gh-readonly-queue/main/pr-7-${'a'.repeat(40)}\` into \`main\` at \`ccccccc\`, delivery \`delivery-1\`.`,
    );
  });
});
