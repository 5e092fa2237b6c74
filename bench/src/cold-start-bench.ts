import { build, type BuildOptions } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeAt, type CpuShare } from './cpu-share';
import { round, summarise, type Timing } from './stats';

export interface ColdStartResult {
  app: string;
  /** The shipped bundle (dist/apps/<app>/main.js). */
  bytes: number;
  /** A bundle of only the AWS SDK clients the function uses, built the same way: the floor. */
  floorBytes: number;
  /** The shipped bundle built with `@aws-sdk/*` and `@smithy/*` left to the Lambda runtime. */
  sdkExternalBytes: number;
  /** Time to `require` each in a fresh Node process at the CPU share, minus an empty process's start. */
  require: Timing;
  floor: Timing;
  sdkExternal: Timing;
  /** require / floor, medians. */
  ratio: number;
  cpu: string;
}

/** The SDK clients each function constructs: what any function doing its job must load. */
const CLIENTS: Record<string, { module: string; client: string }[]> = {
  webhook: [
    { module: '@aws-sdk/client-lambda', client: 'LambdaClient' },
    { module: '@aws-sdk/client-s3', client: 'S3Client' },
    { module: '@aws-sdk/client-secrets-manager', client: 'SecretsManagerClient' },
  ],
  eval: [
    { module: '@aws-sdk/client-s3', client: 'S3Client' },
    { module: '@aws-sdk/client-codepipeline', client: 'CodePipelineClient' },
    { module: '@aws-sdk/client-secrets-manager', client: 'SecretsManagerClient' },
  ],
  cfresource: [
    { module: '@aws-sdk/client-s3', client: 'S3Client' },
    { module: '@aws-sdk/client-cloudformation', client: 'CloudFormationClient' },
    { module: '@aws-sdk/client-codepipeline', client: 'CodePipelineClient' },
  ],
};

/** What loading the regex engine costs, paid by the first pattern that is not plain text. */
export interface EngineLoadResult {
  bytes: number;
  /** `require` of re2js plus its first compile, minus an empty process's start. */
  require: Timing;
}

/** Wall time of `node -e script` at `share`, once. */
function nodeStartMs(root: string, share: CpuShare, script: string): number {
  const command = nodeAt(share, ['-e', script]);
  const start = process.hrtime.bigint();
  const result = spawnSync(command.file, command.args, {
    cwd: root,
    env: process.env,
  });
  if (result.status !== 0) throw new Error(`node -e failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The options the functions' own builds use (each app's project.json). */
const ESBUILD: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'error',
};

/**
 * Cold-start proxy for each Lambda bundle at a Lambda's CPU share: size and `require` time of the
 * shipped bundle, of the floor (only the SDK clients it uses), and of the shipped code with the SDK
 * left to the runtime. The three are required in turn, round after round, so drift hits them alike.
 */
export async function benchColdStart(
  root: string,
  apps: string[],
  runs: number,
  share: CpuShare,
): Promise<{ functions: ColdStartResult[]; engine: EngineLoadResult }> {
  const outdir = join(root, 'dist', 'bench', 'cold-start');
  mkdirSync(outdir, { recursive: true });
  const results: ColdStartResult[] = [];
  const engineEntry = join(outdir, 're2js-first-compile.ts');
  writeFileSync(
    engineEntry,
    "import { RE2JS } from 're2js';\nexport const compiled = RE2JS.compile('^services/[^/]+/docs/').test('services/a/docs/x');\n",
  );
  const engine = join(outdir, 're2js-first-compile.js');
  await build({ ...ESBUILD, entryPoints: [engineEntry], outfile: engine });
  const engineSamples = { empty: [] as number[], engine: [] as number[] };
  for (let i = 0; i < runs; i++) {
    engineSamples.empty.push(nodeStartMs(root, share, '0'));
    engineSamples.engine.push(nodeStartMs(root, share, `require(${JSON.stringify(engine)})`));
  }
  const engineEmpty = summarise(engineSamples.empty).medianMs;
  const engineResult: EngineLoadResult = {
    bytes: statSync(engine).size,
    require: summarise(engineSamples.engine.map((ms) => Math.max(0, ms - engineEmpty))),
  };
  for (const app of apps) {
    const shipped = join(root, 'dist', 'apps', app, 'main.js');
    const floorEntry = join(outdir, `${app}-floor.ts`);
    const clients = CLIENTS[app] ?? [];
    writeFileSync(
      floorEntry,
      `${clients.map((c) => `import { ${c.client} } from '${c.module}';`).join('\n')}\nexport const clients = [${clients.map((c) => `new ${c.client}({})`).join(', ')}];\nexport const handler = async () => clients.length;\n`,
    );
    const floor = join(outdir, `${app}-floor.js`);
    const external = join(outdir, `${app}-sdk-external.js`);
    await build({ ...ESBUILD, entryPoints: [floorEntry], outfile: floor, nodePaths: [join(root, 'node_modules')] });
    await build({
      ...ESBUILD,
      entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
      outfile: external,
      tsconfig: join(root, 'apps', app, 'tsconfig.app.json'),
      external: ['@aws-sdk/*', '@smithy/*'],
    });
    const samples = { empty: [] as number[], shipped: [] as number[], floor: [] as number[], external: [] as number[] };
    for (let i = 0; i < runs; i++) {
      samples.empty.push(nodeStartMs(root, share, '0'));
      samples.shipped.push(nodeStartMs(root, share, `require(${JSON.stringify(shipped)})`));
      samples.floor.push(nodeStartMs(root, share, `require(${JSON.stringify(floor)})`));
      samples.external.push(nodeStartMs(root, share, `require(${JSON.stringify(external)})`));
    }
    const empty = summarise(samples.empty).medianMs;
    const net = (list: number[]) => summarise(list.map((ms) => Math.max(0, ms - empty)));
    const require = net(samples.shipped);
    const floorT = net(samples.floor);
    results.push({
      app,
      bytes: statSync(shipped).size,
      floorBytes: statSync(floor).size,
      sdkExternalBytes: statSync(external).size,
      require,
      floor: floorT,
      sdkExternal: net(samples.external),
      ratio: round(require.medianMs / floorT.medianMs, 2),
      cpu: share.label,
    });
  }
  return { functions: results, engine: engineResult };
}
