import { compileTrigger, createChangeSet, decide, validateTriggerConfig, type TriggerConfig } from '@monorepo-triggers/config-schema';
import picomatch from 'picomatch';
import { compare, type Timing } from './stats';

export interface EvalResult {
  configs: number;
  files: number;
  started: number;
  ours: Timing;
  naive: Timing;
  speedup: number;
}

/** N configs of a monorepo: one service each plus one of 50 shared libs; Markdown excluded. */
export function monorepoConfigs(n: number): TriggerConfig[] {
  return Array.from({ length: n }, (_, i) => {
    const result = validateTriggerConfig(
      { version: 1, repository: 'acme/platform', pipelineName: `svc-${i}`, branches: ['main', 'release/**'], includePaths: [`^services/svc-${i}/`, `^libs/lib-${i % 50}/`], excludePaths: ['\\.md$', '^services/[^/]+/docs/'] },
      { checkBacktracking: false },
    );
    if (!result.ok) throw new Error('bench config invalid');
    return result.value;
  });
}

/** Changed paths spread over twice as many services as there are configs, a few libs and docs. */
export function changedFiles(n: number, configs: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    if (i % 97 === 0) return `libs/lib-${i % 60}/src/file-${i}.ts`;
    if (i % 5 === 0) return `services/svc-${(i * 7919) % (configs * 2)}/docs/page-${i}.md`;
    return `services/svc-${(i * 7919) % (configs * 2)}/src/module-${i % 17}/file-${i}.ts`;
  });
}

/**
 * The obvious implementation, as a baseline: for every config, compile every pattern, then test
 * every file against every include and exclude pattern until one counts.
 */
export function naiveDecideAll(configs: TriggerConfig[], ref: string, files: string[]): number {
  const branch = ref.replace(/^refs\/heads\//, '');
  let started = 0;
  for (const config of configs) {
    if (!config.branches.some((glob) => picomatch(glob)(branch))) continue;
    const includes = config.includePaths.map((p) => new RegExp(p));
    const excludes = config.excludePaths.map((p) => new RegExp(p));
    if (files.some((f) => includes.some((r) => r.test(f)) && !excludes.some((r) => r.test(f)))) started++;
  }
  return started;
}

export async function benchEval(grid: { configs: number; files: number; runs: number }[]): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };
  for (const { configs: n, files: f, runs } of grid) {
    const configs = monorepoConfigs(n);
    const compiled = configs.map(compileTrigger); // warm: compiled once per config version, as eval caches them
    const files = changedFiles(f, n);
    let ours = 0;
    let naive = 0;
    const measured = await compare(
      () => {
        const changes = createChangeSet(files, true);
        ours = compiled.reduce((count, trigger) => count + (decide(trigger, push, changes).start ? 1 : 0), 0);
      },
      () => {
        naive = naiveDecideAll(configs, push.ref, files);
      },
      runs,
    );
    if (ours !== naive) throw new Error(`decisions differ at ${n} x ${f}: ours ${ours}, naive ${naive}`);
    results.push({ configs: n, files: f, started: ours, ours: measured.subject, naive: measured.baseline, speedup: Math.round((measured.baseline.medianMs / measured.subject.medianMs) * 10) / 10 });
  }
  return results;
}
