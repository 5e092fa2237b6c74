import { outcomeLine } from './record-lines';

describe('outcomeLine', () => {
  const outcome = {
    pipeline: 'orders',
    key: 'mono-repo/config/acme/platform/orders.json',
    action: 'skipped' as const,
    reason: 'no-path-matched',
    detail: 'no changed path matched includePaths',
    statusContext: 'pipeline/orders',
    reportSkipped: false,
  };

  it('names the Nx task a config’s paths are the inputs of, so a skip can be traced to the graph', () => {
    const line = outcomeLine({ ...outcome, nx: { project: 'orders', target: 'build' } });
    expect(line).toMatch(/no-path-matched: no changed path matched includePaths; paths: the inputs of Nx orders:build$/);
  });

  it('says nothing of Nx for paths written by hand', () => {
    expect(outcomeLine(outcome)).not.toContain('Nx');
  });
});
