import { compactPushEvent } from '@monorepo-triggers/test-harness';
import type { ListResult } from '@monorepo-triggers/s3-config-store';
import { CompiledTriggerCache } from './compiled-cache';
import { CONFIGS_MEASURED, evaluateEvent, type EvalDependencies } from './evaluate-event';

/** A repository with `count` config objects, all invalid (cheap to hold, and counted all the same). */
function listingOf(count: number): ListResult {
  const invalid = Array.from({ length: count }, (_, i) => ({
    key: `mono-repo/config/acme/platform/p${i}.json`,
    etag: `"${i}"`,
    issues: [{ path: '(root)', message: 'is not JSON' }],
    error: '(root): is not JSON',
  }));
  return { configs: [], invalid, stats: { listPages: Math.ceil(count / 1000), gets: 0, cacheHits: count } };
}

/** One branch of evaluateEvent: the log line for a repository with more configs than the benchmark measures. */
describe('evaluateEvent, beyond the configs per repository the benchmark measures', () => {
  const run = async (count: number) => {
    const lines: Record<string, unknown>[] = [];
    const log = Object.assign((fields: Record<string, unknown>) => void lines.push(fields), { setInvocation: () => undefined });
    const deps = {
      configs: { list: async () => listingOf(count) },
      triggers: new CompiledTriggerCache(),
      log,
      entitlements: { allows: async () => ({ allowed: true }) },
      pipelineArnPrefix: 'arn:aws:codepipeline:eu-west-1:123456789012:',
      starter: { start: async () => ({ executionId: 'x' }) },
      startConcurrency: 1,
    } as unknown as EvalDependencies;
    await evaluateEvent(compactPushEvent(), deps);
    return lines.filter((l) => l['msg'] === 'configs-beyond-measured');
  };

  it('says so once, with the count and where the limits are written, and still decides', async () => {
    expect(await run(CONFIGS_MEASURED + 1)).toEqual([
      expect.objectContaining({
        configs: CONFIGS_MEASURED + 1,
        measured: 50_000,
        see: 'docs/eval.md#reading-configs-and-its-limits',
      }),
    ]);
  });

  it('says nothing at the measured count', async () => {
    expect(await run(CONFIGS_MEASURED)).toEqual([]);
  });
});
