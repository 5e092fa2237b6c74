import { executionConsoleUrl, executionStatus, isFinal, skippedStatus, statusDescription, type ExecutionStatus } from './commit-status';
import { outcome } from './fixtures';

describe('executionStatus', () => {
  // The mapping the docs promise (docs/github-feedback.md), written out by hand.
  it.each<[ExecutionStatus, string, string, boolean]>([
    ['InProgress', 'pending', 'started execution e-1', false],
    ['Stopping', 'pending', 'execution e-1 stopping', false],
    ['Succeeded', 'success', 'execution e-1 succeeded', true],
    ['Failed', 'failure', 'execution e-1 failed', true],
    ['Stopped', 'error', 'execution e-1 was stopped', true],
    ['Superseded', 'error', 'execution e-1 was superseded by a newer execution', true],
    ['Cancelled', 'error', 'execution e-1 was cancelled', true],
  ])('%s → %s', (status, state, description, final) => {
    expect(executionStatus('pipeline/orders', status, { id: 'e-1', pipeline: 'orders', region: 'eu-west-1' })).toEqual({
      state,
      context: 'pipeline/orders',
      description,
      target_url:
        'https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/orders/executions/e-1/timeline?region=eu-west-1',
    });
    expect(isFinal(status)).toBe(final);
  });

  it('says when a running execution was resumed after it had ended', () => {
    expect(
      executionStatus('pipeline/orders', 'InProgress', { id: 'e-1', pipeline: 'orders', region: 'eu-west-1', resumed: true }),
    ).toMatchObject({
      state: 'pending',
      description: 'execution e-1 resumed',
    });
  });

  it('links to the execution in its own region, names escaped', () => {
    expect(executionConsoleUrl('ap-southeast-2', 'a b', 'x/y')).toBe(
      'https://ap-southeast-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/a%20b/executions/x%2Fy/timeline?region=ap-southeast-2',
    );
  });
});

describe('skippedStatus', () => {
  it('passes the required check with the reason', () => {
    expect(skippedStatus(outcome({ statusContext: 'pipeline/orders/required' }))).toEqual({
      state: 'success',
      context: 'pipeline/orders/required',
      description: 'skipped: no changed path matched includePaths',
    });
  });
});

describe('statusDescription', () => {
  it("keeps within GitHub's 140 characters, cutting between characters, not inside one", () => {
    expect(statusDescription('x'.repeat(140))).toBe('x'.repeat(140));
    const cut = statusDescription('😀'.repeat(200));
    expect([...cut]).toHaveLength(140);
    expect(cut.endsWith('😀…')).toBe(true);
  });
});
