import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { compactPushEvent, localS3ClientConfig, pushAdding } from '@monorepo-triggers/test-harness';
import {
  atLambdaCpu,
  lambdaCpuQuotaAvailable,
  runBundle,
  startLocalCodePipeline,
  startS3Server,
  withCompetingLoad,
  type LocalCodePipeline,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist/apps/cli/main.js');
// Starved with a cgroup CPU quota (tools/at-lambda-cpu) where the machine allows it (root and a cgroup
// cpu controller), and with every core kept busy by other processes where it does not.
const STARVED = 'a CPU quota, or competing load where no quota can be set';

/** A small deterministic generator (mulberry32), so the corpus is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Ordinary patterns, the ones a 2-second budget refused at 0.29 vCPU, patterns that backtrack
// catastrophically on V8, and JavaScript-only constructs RE2 syntax refuses.
const REGEX_ATOMS = [
  '^services/',
  'orders/',
  '[^/]+/',
  'docs/',
  '(src|lib)/',
  '.+',
  '\\.(ts|json)$',
  '\\.md$',
  '(a+)+',
  '(.*a){12}',
  '(.|.)',
  '(a|a)?',
  '(?=x)',
  '(?<!y)',
  '\\1',
  '[a-z]{3}',
  '\\d+',
  '$',
];
const GLOB_ATOMS = ['services', '*', '**', '*.md', '?', '[ab]', '[!a]', '{a,b}', '{src,lib}', 'docs', '+(a|b)', '{1..3}', '!x', 'a{b'];

/** 1,000 generated configs plus the project's own examples: the corpus whose verdicts must not vary. */
function writeCorpus(dir: string): string[] {
  const next = random(20261125);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const pattern = (glob: boolean) =>
    Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(glob ? GLOB_ATOMS : REGEX_ATOMS)).join(glob ? '/' : '');
  for (let i = 0; i < 1000; i++) {
    const glob = next() < 0.4;
    const config = {
      version: 1,
      repository: 'acme/platform',
      pipelineName: `p${i}`,
      branches: [pick(['main', 'release/**', 'release/v*.*', '*a*a*a*a*x', '+(x)'])],
      pathSyntax: glob ? 'glob' : 'regex',
      includePaths: Array.from({ length: 1 + Math.floor(next() * 3) }, () => pattern(glob)),
      excludePaths: Array.from({ length: Math.floor(next() * 2) }, () => pattern(glob)),
    };
    writeFileSync(join(dir, `generated-${String(i).padStart(4, '0')}.json`), JSON.stringify(config));
  }
  cpSync(join(ROOT, 'examples/configs'), dir, { recursive: true });
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .sort();
}

/** Runs the built CLI, at a Lambda's CPU share when asked, and returns what it printed. */
function cli(args: string[], share?: { memoryMb: number }): Promise<string> {
  const command = atLambdaCpu(share, process.execPath, [CLI, ...args]);
  return new Promise((resolve, reject) => {
    execFile(
      command.file,
      command.args,
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // validate exits 1 when the corpus holds invalid configs, as it does on purpose.
        if (error && error.code !== 1) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

describe(`[determinism] verdicts do not depend on CPU speed or load (starved with ${STARVED})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'determinism-'));
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  const files = writeCorpus(corpus);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const starved = <T>(run: () => Promise<T>) => (lambdaCpuQuotaAvailable() ? run() : withCompetingLoad(run));

  it("validates the whole corpus (1,005 configs) with the same verdicts at full CPU and starved to a 128 MB Lambda's share", async () => {
    const full = JSON.parse(await cli(['validate', '--json', ...files]));
    const slow = JSON.parse(await starved(() => cli(['validate', '--json', ...files], { memoryMb: 128 })));
    const verdicts = (result: { files: { file: string; resources: { issues: unknown[] }[] }[] }) =>
      result.files.map((f) => [f.file, f.resources[0]?.issues]);
    expect(full.files).toHaveLength(files.length);
    expect(verdicts(slow)).toEqual(verdicts(full));
    // Both kinds are in the corpus, so both verdicts were compared.
    const valid = full.files.filter((f: { resources: { issues: unknown[] }[] }) => f.resources[0]?.issues.length === 0).length;
    expect(valid).toBeGreaterThan(100);
    expect(files.length - valid).toBeGreaterThan(100);
  });

  it('decides a push the same way for every valid config of the corpus at full CPU and starved', async () => {
    const valid = JSON.parse(await cli(['validate', '--json', ...files])).files.filter(
      (f: { resources: { issues: unknown[] }[] }) => f.resources[0]?.issues.length === 0,
    );
    const configs = join(dir, 'valid');
    mkdirSync(configs);
    for (const f of valid) cpSync(f.file, join(configs, f.file.split('/').pop()));
    const payload = join(dir, 'push.json');
    const paths = [
      'services/orders/src/a.ts',
      'services/x/docs/b.md',
      `services/${'a'.repeat(3000)}`,
      'a/b/src/c.json',
      'x'.repeat(4000),
      'docs/1/a.md',
    ];
    writeFileSync(payload, pushAdding('b'.repeat(40), paths));
    const decisions = (text: string) =>
      JSON.parse(text).decisions.map((d: { pipeline: string; decision: { start: boolean; reason: string } }) => [
        d.pipeline,
        d.decision.start,
        d.decision.reason,
      ]);
    const full = decisions(await cli(['explain', '--json', '--payload', payload, '--configs', configs]));
    const slow = decisions(await starved(() => cli(['explain', '--json', '--payload', payload, '--configs', configs], { memoryMb: 128 })));
    // explain takes the configs of the pushed repository (the examples include one of another).
    const ofRepository = valid.filter(
      (f: { file: string }) => JSON.parse(readFileSync(f.file, 'utf8')).repository.toLowerCase() === 'acme/platform',
    );
    expect(full.length).toBe(ofRepository.length);
    expect(slow).toEqual(full);
    expect(full.filter((d: unknown[]) => d[1]).length).toBeGreaterThan(10);
  });
});

describe(`[determinism] eval at a 512 MB Lambda's CPU share (0.29 vCPU; ${STARVED}) starts every ordinary config`, () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  beforeAll(async () => {
    [s3, codepipeline] = await Promise.all([startS3Server({ buckets: ['share'] }), startLocalCodePipeline()]);
    const client = createS3Client(localS3ClientConfig(s3.endpoint));
    const store = new S3ConfigStore({ client, bucket: 'share', prefix: 'mono-repo/config' });
    const base = { version: 1, repository: 'acme/platform', branches: ['main'] };
    // The configs that eval skipped at 0.29 vCPU when validation had a wall-clock budget.
    await store.put({ ...base, pipelineName: 'docs', includePaths: ['^services/[^/]+/docs/'] });
    await store.put({ ...base, pipelineName: 'orders', includePaths: ['^services/orders/(src|lib)/.+\\.(ts|json)$'] });
    await store.put({ ...base, pipelineName: 'no-tests', includePaths: ['^services/billing/'], excludePaths: ['^services/[^/]+/test/'] });
    await store.put({ ...base, pipelineName: 'web', includePaths: ['^apps/web/'] });
    await store.put({ ...base, pipelineName: 'markdown', pathSyntax: 'glob', includePaths: ['**/*.md'] });
    client.destroy();
  });
  afterAll(() => Promise.all([s3.stop(), codepipeline.stop()]));

  it('with a cold container, all 5 pipelines start', async () => {
    const event = compactPushEvent({
      deliveryId: 'share-1',
      changedPaths: [
        'services/x/docs/guide.md',
        'services/orders/src/app.ts',
        'services/billing/main.ts',
        'services/billing/test/a.ts',
        'apps/web/index.ts',
      ],
    });
    const env = { ...s3.env, CONFIG_BUCKET: 'share', AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint, GITHUB_TOKEN: '' };
    const run = await (lambdaCpuQuotaAvailable()
      ? runBundle(join(ROOT, 'dist/apps/eval/main.js'), [{ event }], env, { cpuShare: { memoryMb: 512 } })
      : withCompetingLoad(() => runBundle(join(ROOT, 'dist/apps/eval/main.js'), [{ event }], env)));
    expect(run.results[0]).toMatchObject({ ok: true });
    expect(run.logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'invalid-config')).toEqual([]);
    expect(codepipeline.starts.map((s) => s.pipelineName).sort()).toEqual(['docs', 'markdown', 'no-tests', 'orders', 'web']);
  });
});
