import { createLogger } from './logger';

/** The lines a call writes to stdout, parsed. */
function linesOf(run: () => void): Record<string, unknown>[] {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0);
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger', () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  it('writes one JSON line per call in our shape: time, level, fn, msg, then the fields', () => {
    const log = createLogger('eval');
    const [line, ...rest] = linesOf(() => log({ msg: 'decision', pipeline: 'orders', paths: ['a', 'b'] }));
    expect(rest).toEqual([]);
    expect(Object.keys(line ?? {})).toEqual(['time', 'level', 'fn', 'msg', 'pipeline', 'paths']);
    expect(line).toMatchObject({ level: 'INFO', fn: 'eval', msg: 'decision', pipeline: 'orders', paths: ['a', 'b'] });
    expect(new Date(String(line?.['time'])).toISOString()).toBe(line?.['time']);
  });

  it('writes a warning or an error at its level, on the same stream', () => {
    const log = createLogger('eval');
    const lines = linesOf(() => {
      log({ msg: 'invalid-config', level: 'warn', key: 'k' });
      log({ msg: 'recovery-abandoned', level: 'error' });
    });
    expect(lines.map((l) => [l['level'], l['msg']])).toEqual([
      ['WARN', 'invalid-config'],
      ['ERROR', 'recovery-abandoned'],
    ]);
    expect(lines[0]).toHaveProperty('key', 'k');
  });

  it("adds the invocation's request id, and cold start only on the container's first invocation", () => {
    // What Lambda sets in an on-demand execution environment (provisioned ones are never cold).
    process.env['AWS_LAMBDA_INITIALIZATION_TYPE'] = 'on-demand';
    const log = createLogger('webhook');
    const lines = linesOf(() => {
      log.setInvocation({ awsRequestId: 'request-1' });
      log({ msg: 'delivery' });
      log.setInvocation({ awsRequestId: 'request-2' });
      log({ msg: 'delivery' });
    });
    expect(lines.map((l) => [l['requestId'], l['coldStart']])).toEqual([
      ['request-1', true],
      ['request-2', false],
    ]);
  });

  it('follows POWERTOOLS_LOG_LEVEL: at ERROR, informational lines are not written', () => {
    process.env['POWERTOOLS_LOG_LEVEL'] = 'ERROR';
    const log = createLogger('cfresource');
    expect(linesOf(() => log({ msg: 'responded' }))).toEqual([]);
  });
});
