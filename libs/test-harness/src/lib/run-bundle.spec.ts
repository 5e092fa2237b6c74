import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundle } from './run-bundle';

describe('runBundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-bundle-'));
  const bundle = join(dir, 'main.js');
  writeFileSync(
    bundle,
    `exports.handler = async (event, context) => {
       console.log(JSON.stringify({ msg: 'called', event, env: process.env.FAKE_SETTING }));
       if (event.fail) throw new Error('asked to fail');
       return { echo: event, remaining: typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : null };
     };`,
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('calls the handler in a fresh process, in order, with the environment and a Lambda-like context', async () => {
    const run = await runBundle(
      bundle,
      [{ event: { n: 1 }, context: { remainingTimeMs: 5000 } }, { event: { fail: true } }, { event: { n: 3 } }],
      { FAKE_SETTING: 'on' },
    );
    expect(run.results[0]).toEqual({ ok: true, value: { echo: { n: 1 }, remaining: 5000 } });
    expect(run.results[1]).toEqual({ ok: false, error: expect.stringMatching(/asked to fail/) });
    expect(run.results[2]).toEqual({ ok: true, value: { echo: { n: 3 }, remaining: null } });
    expect(run.logLines.map((l) => JSON.parse(l))).toEqual([
      { msg: 'called', event: { n: 1 }, env: 'on' },
      { msg: 'called', event: { fail: true }, env: 'on' },
      { msg: 'called', event: { n: 3 }, env: 'on' },
    ]);
  });
});
