import {
  compileGlob,
  compileTrigger,
  createChangeSet,
  decide,
  validateTriggerConfig,
  type TriggerConfig,
} from '@monorepo-triggers/config-schema';
import { RE2JS } from 're2js';
import { round, summarise, type Timing } from './stats';

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
    const result = validateTriggerConfig({
      version: 1,
      repository: 'acme/platform',
      pipelineName: `svc-${i}`,
      branches: ['main', 'release/**'],
      includePaths: [`^services/svc-${i}/`, `^libs/lib-${i % 50}/`],
      excludePaths: ['\\.md$', '^services/[^/]+/docs/'],
    });
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
 * The obvious implementation, as a baseline: for every config, compile every pattern with the same
 * linear-time engine (re2js), then test every file against every include and exclude pattern until
 * one counts.
 */
export function naiveDecideAll(configs: TriggerConfig[], ref: string, files: string[]): number {
  const branch = ref.replace(/^refs\/heads\//, '');
  let started = 0;
  for (const config of configs) {
    if (!config.branches.some((glob) => RE2JS.compile(compileGlob(glob).regexSource).test(branch))) continue;
    const includes = config.includePaths.map((p) => RE2JS.compile(p));
    const excludes = config.excludePaths.map((p) => RE2JS.compile(p));
    if (files.some((f) => includes.some((r) => r.test(f)) && !excludes.some((r) => r.test(f)))) started++;
  }
  return started;
}

/**
 * Decision time for every cell of the grid, warm (patterns compiled once per config version, as eval
 * caches them) against the naive baseline, alternating the two. The naive baseline compiles tens of
 * thousands of patterns per evaluation, so its runs are fewer where it takes seconds.
 */
export function benchEval(grid: { configs: number; files: number; runs: number; naiveRuns: number }[]): EvalResult[] {
  const results: EvalResult[] = [];
  const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };
  const timed = (fn: () => number): { ms: number; value: number } => {
    const start = process.hrtime.bigint();
    const value = fn();
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
  };
  for (const { configs: n, files: f, runs, naiveRuns } of grid) {
    const configs = monorepoConfigs(n);
    const compiled = configs.map(compileTrigger);
    const files = changedFiles(f, n);
    const oursOnce = () => {
      const changes = createChangeSet(files, true);
      return compiled.reduce((count, trigger) => count + (decide(trigger, push, changes).start ? 1 : 0), 0);
    };
    const naiveOnce = () => naiveDecideAll(configs, push.ref, files);
    oursOnce();
    const ours: number[] = [];
    const naive: number[] = [];
    let started = -1;
    for (let i = 0; i < runs; i++) {
      if (i < naiveRuns) {
        const run = timed(naiveOnce);
        naive.push(run.ms);
        if (started !== -1 && run.value !== started) throw new Error(`decisions differ at ${n} x ${f}`);
        started = run.value;
      }
      const run = timed(oursOnce);
      ours.push(run.ms);
      if (started !== -1 && run.value !== started) throw new Error(`decisions differ at ${n} x ${f}: ours ${run.value}, naive ${started}`);
      started = run.value;
    }
    const o = summarise(ours);
    const b = summarise(naive);
    results.push({ configs: n, files: f, started, ours: o, naive: b, speedup: round(b.medianMs / o.medianMs, 2) });
  }
  return results;
}
