import type { BundleResult, BundleRun } from './run-bundle';

/**
 * Calls a handler in this test process, in order, with stdout captured: the same result shape as
 * runBundle, so a test can run one scenario against the sources and against the built bundle.
 */
export async function runInProcess(handler: (event: unknown) => Promise<unknown>, events: unknown[]): Promise<BundleRun> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
  try {
    const results: BundleResult[] = [];
    for (const event of events) {
      try {
        results.push({ ok: true, value: await handler(event) });
      } catch (error) {
        results.push({ ok: false, error: String(error) });
      }
    }
    return {
      results,
      logLines: lines
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== ''),
      stderr: '',
    };
  } finally {
    spy.mockRestore();
  }
}
