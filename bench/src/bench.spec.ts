import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedFiles, monorepoConfigs, naiveDecideAll } from './eval-bench';
import { compileTrigger, createChangeSet, decide } from '@monorepo-triggers/config-schema';

const ROOT = join(__dirname, '..', '..');

describe('npm run bench (smoke run with tiny sizes, so it cannot rot)', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every section and writes RESULTS.md, results.json and the chart', () => {
    execFileSync(process.execPath, [join(ROOT, 'dist/bench/main.js'), '--smoke', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 170_000,
    });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.smoke).toBe(true);
    expect(results.machine.node).toBe(process.version);
    expect(results.webhook.map((w: { label: string }) => w.label)).toEqual(['1 KB', '100 KB']);
    for (const w of results.webhook) expect(w.ratio).toBeGreaterThan(0);
    expect(results.eval).toHaveLength(4);
    expect(results.lambdaCpu).toMatch(/512 MB/);
    // A cold container reads every config once; the next one reads the snapshot the first wrote instead.
    expect(results.evalCold.filter((c: { later?: unknown }) => c.later).map((c: { configs: number }) => c.configs)).toEqual([10, 200]);
    for (const c of results.evalCold.filter((c: { later?: unknown }) => c.later)) {
      expect(c.first.cold.stats).toMatchObject({ gets: c.configs, snapshotGets: 1, snapshotHits: 0 });
      expect(c.first.snapshotWrite.bytes).toBeGreaterThan(0);
      expect(c.later.cold.stats).toMatchObject({ gets: 0, snapshotGets: 1, snapshotHits: c.configs });
      expect(c.later.cold.started).toBe(c.first.cold.started);
      expect(c.later.warm.stats).toMatchObject({ listPages: 1, gets: 0 });
    }
    expect(results.s3).toEqual([{ configs: 10, unchanged: { list: 1, get: 0 }, oneChanged: { list: 1, get: 1 } }]);
    expect(results.coldStart.map((c: { app: string }) => c.app)).toEqual(['webhook']);
    // Cold starts are net of an empty node's start: with 3 smoke runs on a busy machine either net
    // median can be 0, so a measured value is not asserted here (figures live in RESULTS.md).
    for (const c of results.coldStart) {
      expect(c.bytes).toBeGreaterThan(0);
      expect(c.require.medianMs).toBeGreaterThanOrEqual(0);
      expect(typeof c.ratio).toBe('number');
    }
    expect(results.engineLoad.bytes).toBeGreaterThan(0);
    // Behaviour, not time: every hostile config left the normal one to start, the back-reference was refused.
    expect(results.hostile.length).toBeGreaterThanOrEqual(8);
    for (const h of results.hostile) expect(h.normalStarted).toBe(true);
    expect(results.hostile.find((h: { name: string }) => h.name.startsWith('back-reference')).outcome).toMatch(
      /^refused: .*back-reference/,
    );
    expect(results.engines.map((e: { engine: string }) => e.engine)).toEqual(['re2js', 'v8-linear', 'v8-fallback', 'v8-backtracking']);
    const re2js = results.engines[0];
    for (const h of re2js.hostile) expect(typeof h.ms).toBe('number');
    expect(results.engines[3].hostile.filter((h: { ms: unknown }) => h.ms === 'not run')).toHaveLength(5);
    expect(results.endToEnd).toMatchObject({ deliveries: 5, concurrentSenders: 2 });
    expect(results.endToEnd.throughputPerSecond).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'RESULTS.md'), 'utf8')).toMatch(
      /## Targets[\s\S]*\| S3 requests, 10 configs, nothing changed \| 1 LIST, 0 GET \| 1 LIST, 0 GET \| yes \|/,
    );
    expect(readFileSync(join(out, 'RESULTS.md'), 'utf8')).toMatch(
      /\| eval cold require vs its SDK clients alone|\| webhook cold require vs its SDK clients alone/,
    );
    expect(readFileSync(join(out, 'eval-scaling.svg'), 'utf8')).toMatch(/^<svg [\s\S]*<polyline[\s\S]*stroke-dasharray/);
    expect(existsSync(join(ROOT, 'bench', 'RESULTS.md'))).toBe(true);
  });
});

describe('the naive baseline', () => {
  it('makes the same decisions as decide(), so the speed-up compares equal work', () => {
    const configs = monorepoConfigs(60);
    const files = changedFiles(300, 60);
    const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };
    const ours = configs.map(compileTrigger).filter((t) => decide(t, push, createChangeSet(files, true)).start).length;
    expect(ours).toBeGreaterThan(0);
    expect(naiveDecideAll(configs, push.ref, files)).toBe(ours);
  });
});
