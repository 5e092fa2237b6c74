import type { ColdStartResult, EngineLoadResult } from './cold-start-bench';
import type { E2eResult } from './e2e-bench';
import type { EngineResult } from './engine-bench';
import type { EvalResult } from './eval-bench';
import type { ColdResult } from './eval-cold-bench';
import type { HostileResult } from './hostile-bench';
import type { S3CostResult } from './s3-cost-bench';
import type { WebhookResult } from './webhook-bench';

export interface BenchResults {
  generatedAt: string;
  smoke: boolean;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; node: string };
  /** The CPU the Lambda-share sections ran at. */
  lambdaCpu: string;
  webhook: WebhookResult[];
  eval: EvalResult[];
  /** Cold and warm eval with S3's latency modelled, at the Lambda share. */
  evalCold: ColdResult[];
  s3LatencyMs: number;
  hostile: HostileResult[];
  engines: EngineResult[];
  s3: S3CostResult[];
  coldStart: ColdStartResult[];
  engineLoad: EngineLoadResult;
  endToEnd: E2eResult;
  targets: { name: string; target: string; measured: string; met: boolean }[];
}

const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);
/** A ratio as people read it: 17×, 2.5×, 0.31× (never rounded to 0×). */
export const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio) : Number(ratio.toPrecision(2))}×`;
const ms = (value: number | string) => (typeof value === 'number' ? `${value} ms` : value);

/** The targets of the benchmark issues, judged from this run's numbers. */
export function judgeTargets(r: Omit<BenchResults, 'targets'>): BenchResults['targets'] {
  const targets: BenchResults['targets'] = [];
  for (const w of r.webhook.filter((w) => w.bytes >= 100 * 1024)) {
    targets.push({
      name: `webhook overhead at ${w.label}`,
      target: 'handler / (HMAC + JSON.parse) ≤ 1.3',
      measured: `${w.ratio}`,
      met: w.ratio <= 1.3,
    });
  }
  const big = r.eval.find((e) => e.configs === 10_000 && e.files === 1_000);
  if (big) {
    targets.push({
      name: 'eval 10,000 configs × 1,000 files vs naive (same engine), at the Lambda share',
      target: '≥ 10× faster',
      measured: times(big.speedup),
      met: big.speedup >= 10,
    });
    targets.push({
      name: 'eval 10,000 configs × 1,000 files, at the Lambda share',
      target: '< 100 ms',
      measured: `${big.ours.medianMs} ms`,
      met: big.ours.medianMs < 100,
    });
  }
  const listed = r.hostile.filter((h) => !h.name.startsWith('at the work limit'));
  const atLimit = r.hostile.find((h) => h.name.startsWith('at the work limit'));
  if (listed.length > 0) {
    const worst = Math.max(...listed.map((h) => h.coldMs));
    targets.push({
      name: "slowest of the issue's hostile configs written to S3, read + decided, at the Lambda share",
      target: '< 1,000 ms, normal config starts',
      measured: `${worst} ms`,
      met: worst < 1000 && listed.every((h) => h.normalStarted),
    });
  }
  if (atLimit) {
    targets.push({
      name: 'a config built to defeat the DFA, at the Lambda share',
      target: 'stops at its work limit, normal config starts',
      measured: `${atLimit.coldMs} ms, ${atLimit.outcome}`,
      met: atLimit.normalStarted && atLimit.decidedOnIncompleteChanges,
    });
  }
  for (const c of r.coldStart) {
    targets.push({
      name: `${c.app} cold require vs its SDK clients alone, at the Lambda share`,
      target: '≤ 1.2×',
      measured: `${c.ratio}×`,
      met: c.ratio <= 1.2,
    });
  }
  for (const s of r.s3) {
    const pages = Math.max(1, Math.ceil(s.configs / 1000));
    targets.push({
      name: `S3 requests, ${s.configs} configs, nothing changed`,
      target: `${pages} LIST, 0 GET`,
      measured: `${s.unchanged.list} LIST, ${s.unchanged.get} GET`,
      met: s.unchanged.list === pages && s.unchanged.get === 0,
    });
    targets.push({
      name: `S3 requests, ${s.configs} configs, one changed`,
      target: `${pages} LIST, 1 GET`,
      measured: `${s.oneChanged.list} LIST, ${s.oneChanged.get} GET`,
      met: s.oneChanged.list === pages && s.oneChanged.get === 1,
    });
  }
  for (const c of r.evalCold.filter((c) => c.later && c.configs >= 10_000)) {
    const later = c.later as NonNullable<ColdResult['later']>;
    const beyond = later.cold.stats.gets + (later.cold.stats.snapshotGets ?? 0);
    const allowed = c.configs / 1000;
    targets.push({
      name: `cold eval, ${c.configs.toLocaleString('en')} configs, nothing changed: GETs beyond the listing`,
      target: `≤ 1 per 1,000 configs (≤ ${allowed})`,
      measured: `${beyond} (before: ${c.first.cold.stats.gets + (c.first.cold.stats.snapshotGets ?? 0)})`,
      met: beyond <= allowed && later.cold.started === c.first.cold.started,
    });
  }
  return targets;
}

/** Requests of one phase as `L LIST + G GET`, the snapshot's GET counted with the others. */
const requestsOf = (stats: ColdResult['first']['cold']['stats']) =>
  `${stats.listPages} LIST + ${stats.gets + (stats.snapshotGets ?? 0)} GET`;

/** The cold/warm tables: what a new container and a warm one cost, before and after the snapshot. */
function coldSection(r: BenchResults): string {
  const rows = r.evalCold.filter((c) => c.later);
  const tuning = r.evalCold.filter((c) => !c.later);
  const tuneSize = tuning[0]?.configs ?? 0;
  return `## Eval cold and warm, with S3's latency modelled (Lambda share)

Every S3 request is held ${r.s3LatencyMs} ms by a proxy in front of the local S3 server (S3's typical
first-byte latency in a region), and each container is a fresh process at ${r.lambdaCpu}. A push
changes 10 files; the configs are the eval bench's. *First container*: nothing but the configs in the
bucket (as before snapshots, or the first container after a deploy); *next containers*: a container
started after one wrote the repository's snapshot (median of ${rows[0]?.later?.runs ?? 0}); *warm*: the
same container's next push, nothing changed. Wall time includes the local S3 server's own work, which
is slower than S3 (it lists 1,000 keys in about 150 ms), so eval's own CPU time is given beside it.

| configs | first container | wall | eval CPU | next containers | wall | eval CPU | snapshot | warm | wall | eval CPU | memory (max RSS / heap) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows
  .map((c) => {
    const later = c.later as NonNullable<ColdResult['later']>;
    return `| ${c.configs.toLocaleString('en')} | ${requestsOf(c.first.cold.stats)} | ${c.first.cold.ms} ms | ${c.first.cold.cpuMs} ms | ${requestsOf(later.cold.stats)} | ${later.cold.ms} ms | ${later.cold.cpuMs} ms | ${c.first.snapshotWrite ? `${kb(c.first.snapshotWrite.bytes)}, written in ${c.first.snapshotWrite.ms} ms` : 'none'} | ${requestsOf(later.warm.stats)} | ${later.warm.ms} ms | ${later.warm.cpuMs} ms | ${later.maxRssMb} MB / ${later.heapUsedMb} MB |`;
  })
  .join('\n')}

The request counts are the store's, checked against the S3 server's own count on every run.
${
  tuneSize > 0
    ? `
GET concurrency (how many configs a container reads at once when it must read them one by one), first
container at ${tuneSize.toLocaleString('en')} configs:

| GETs in flight | wall | eval CPU |
| --- | --- | --- |
${tuning
  .sort((a, b) => a.getConcurrency - b.getConcurrency)
  .map((c) => `| ${c.getConcurrency} | ${c.first.cold.ms} ms | ${c.first.cold.cpuMs} ms |`)
  .join('\n')}
`
    : ''
}`;
}

/**
 * Eval's median decision time against the number of configs, on logarithmic axes: one solid line per
 * number of changed files for eval, and a dashed line of the same colour for the naive baseline.
 */
export function evalChart(results: EvalResult[]): string {
  const width = 720;
  const height = 420;
  const pad = { left: 80, right: 230, top: 40, bottom: 60 };
  const configs = [...new Set(results.map((r) => r.configs))].sort((a, b) => a - b);
  const values = results.flatMap((r) => [r.ours.medianMs, r.naive.medianMs]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const cLo = Math.log10(configs[0] ?? 1);
  const cHi = Math.log10(configs[configs.length - 1] ?? 10);
  const x = (c: number) => pad.left + (cHi === cLo ? 0 : ((Math.log10(c) - cLo) / (cHi - cLo)) * (width - pad.left - pad.right));
  const y = (v: number) =>
    height - pad.bottom - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * (height - pad.top - pad.bottom);
  const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
  const fileCounts = [...new Set(results.map((r) => r.files))].sort((a, b) => a - b);
  const series = fileCounts.flatMap((files, i) => {
    const points = results.filter((r) => r.files === files).sort((a, b) => a.configs - b.configs);
    const colour = colours[i % colours.length] as string;
    return [
      {
        label: `eval, ${files.toLocaleString('en')} changed files`,
        colour,
        dash: '',
        points: points.map((p) => ({ c: p.configs, v: p.ours.medianMs })),
      },
      {
        label: `naive, ${files.toLocaleString('en')} changed files`,
        colour,
        dash: ' stroke-dasharray="6 4"',
        points: points.map((p) => ({ c: p.configs, v: p.naive.medianMs })),
      },
    ];
  });
  // The legend lists the lines top to bottom as they end on the right, so each label sits beside its line's order.
  const last = (s: (typeof series)[number]) => s.points[s.points.length - 1]?.v ?? 0;
  series.sort((a, b) => last(b) - last(a));
  const lines = series.map((s, i) =>
    [
      `<polyline fill="none" stroke="${s.colour}" stroke-width="2"${s.dash} points="${s.points.map((p) => `${x(p.c).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')}"/>`,
      ...s.points.map(
        (p) =>
          `<circle cx="${x(p.c).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3" fill="${s.colour}"><title>${s.label}, ${p.c.toLocaleString('en')} configs: ${p.v} ms</title></circle>`,
      ),
      `<line x1="${width - pad.right + 15}" y1="${pad.top + 20 * i - 4}" x2="${width - pad.right + 40}" y2="${pad.top + 20 * i - 4}" stroke="${s.colour}" stroke-width="2"${s.dash}/>`,
      `<text x="${width - pad.right + 46}" y="${pad.top + 20 * i}" font-size="12">${s.label}</text>`,
    ].join('\n'),
  );
  // A tick and a grid line at every power of ten, so the log scale reads as one (100 has no data, but a place).
  const decades = Array.from({ length: Math.round(cHi - cLo) + 1 }, (_, k) => 10 ** (Math.round(cLo) + k));
  const xTicks = decades.map(
    (c) =>
      `<line x1="${x(c).toFixed(1)}" y1="${pad.top}" x2="${x(c).toFixed(1)}" y2="${height - pad.bottom}" stroke="#eee"/><text x="${x(c).toFixed(1)}" y="${height - pad.bottom + 18}" font-size="12" text-anchor="middle">${c.toLocaleString('en')}</text>`,
  );
  const yTicks = Array.from({ length: hi - lo + 1 }, (_, k) => lo + k).map((e) => {
    const label = 10 ** e >= 1 ? (10 ** e).toLocaleString('en') : String(Number((10 ** e).toPrecision(1)));
    return `<line x1="${pad.left - 4}" y1="${y(10 ** e).toFixed(1)}" x2="${width - pad.right}" y2="${y(10 ** e).toFixed(1)}" stroke="#ddd"/><text x="${pad.left - 8}" y="${(y(10 ** e) + 4).toFixed(1)}" font-size="12" text-anchor="end">${label}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${pad.left}" y="22" font-size="14">Decision time by number of configs (median, warm; log scales)</text>
${yTicks.join('\n')}
<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="black"/>
<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="black"/>
<text x="${(pad.left + width - pad.right) / 2}" y="${height - 18}" font-size="12" text-anchor="middle">configs in the repository (log scale)</text>
<text x="18" y="${(pad.top + height - pad.bottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${(pad.top + height - pad.bottom) / 2})">milliseconds (log scale)</text>
${xTicks.join('\n')}
${lines.join('\n')}
</svg>
`;
}

export function markdown(r: BenchResults): string {
  const m = r.machine;
  const engineNames = r.engines[0]?.hostile.map((h) => h.name) ?? [];
  return `# Benchmark results

Generated by \`npm run bench\` on ${r.generatedAt}${r.smoke ? ' (**smoke run, tiny sizes: not representative**)' : ''}.
Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}. Every ratio compares
numbers measured in this same run, alternating subject and baseline, because absolute times on a
shared machine drift. Sections marked *Lambda share* ran in a fresh process at ${r.lambdaCpu}.

## Targets

| target | wanted | measured | met |
| --- | --- | --- | --- |
${r.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`).join('\n')}

## Webhook: handler vs the floor (HMAC-SHA256 + JSON.parse of the same bytes)

| payload | bytes | handler median | handler p95 | floor median | ratio |
| --- | --- | --- | --- | --- | --- |
${r.webhook.map((w) => `| ${w.label} | ${w.bytes.toLocaleString('en')} | ${w.handler.medianMs} ms | ${w.handler.p95Ms} ms | ${w.floor.medianMs} ms | ${w.ratio} |`).join('\n')}

The handler's time includes the asynchronous Lambda invoke of eval over loopback HTTP (real SDK
client, local endpoint), the validation of the fields eval needs and the compact event.

## Eval: decision time, warm, vs a naive baseline on the same engine (Lambda share)

| configs | changed files | pipelines started | ours median | ours p95 | naive median | speed-up |
| --- | --- | --- | --- | --- | --- | --- |
${r.eval.map((e) => `| ${e.configs.toLocaleString('en')} | ${e.files.toLocaleString('en')} | ${e.started} | ${e.ours.medianMs} ms | ${e.ours.p95Ms} ms | ${e.naive.medianMs} ms (${e.naive.runs} run${e.naive.runs === 1 ? '' : 's'}) | ${times(e.speedup)} |`).join('\n')}

Both make the same decisions (checked on every run). The naive baseline compiles every pattern with
re2js on every evaluation and tests every file against every pattern; ours compiles once per config
version, matches plain-text patterns (\`^services/x/\`, \`\\.md$\`) without the engine and skips paths
that cannot match by their literal prefix: a few configs walk the push's paths in order (stopping at
the first that counts), many configs search a sorted copy built once per push when the walks would
cost more. A ratio below 1× would mean the baseline is faster, and is printed as such.

The same decisions at the Lambda share: each CPU quota period is 100 ms of which the function gets
29 ms, so a run that needs a little more than one period's share waits for the next and its time
jumps by about 70 ms; medians near 90 ms are that step, not steady work.
![eval time by configs](eval-scaling.svg)

## Hostile configs written straight to S3 (Lambda share)

Each beside a normal config, against a push shaped to hurt it: reading (validation), compiling and
deciding both, as a cold eval does; warm is the decisions alone.

| hostile config | cold | warm | its decision | normal config started |
| --- | --- | --- | --- | --- |
${r.hostile.map((h) => `| ${h.name.replace(/\|/g, '\\|')} | ${h.coldMs} ms | ${h.warmMs} ms | ${h.outcome.replace(/\|/g, '\\|')} | ${h.normalStarted ? 'yes' : '**no**'} |`).join('\n')}

## Regex engines compared (Lambda share)

Ordinary patterns are those that reach an engine (plain text never does), tested against the eval
bench's paths; each hostile pattern is tested once against the text beside it.

| engine | ordinary test | compile | ${engineNames.map((n) => n.replace(/\|/g, '\\|')).join(' | ')} |
| --- | --- | --- | ${engineNames.map(() => '---').join(' | ')} |
${r.engines.map((e) => `| ${e.label} | ${e.ordinaryTestNs} ns | ${e.compileUs} µs | ${e.hostile.map((h) => ms(h.ms)).join(' | ')} |`).join('\n')}

re2js was chosen (see docs/pattern-matching.md): linear by construction with RE2 syntax, in every
Node process without flags, within a small factor of V8's backtracking engine on ordinary patterns.
V8's linear engine needs a process-wide experimental flag, is slower on ordinary patterns, and the
fallback mode still backtracks up to its threshold on every hostile test.

${coldSection(r)}

## S3 requests of a warm eval (counted at the S3 server)

| configs | nothing changed | one config changed |
| --- | --- | --- |
${r.s3.map((s) => `| ${s.configs.toLocaleString('en')} | ${s.unchanged.list} ListObjectsV2, ${s.unchanged.get} GET | ${s.oneChanged.list} ListObjectsV2, ${s.oneChanged.get} GET |`).join('\n')}

## Cold start: bundle size and \`require\` time in a fresh Node process (Lambda share)

| function | shipped | its SDK clients alone (floor) | SDK left to the runtime | require | floor require | SDK-external require | require / floor |
| --- | --- | --- | --- | --- | --- | --- | --- |
${r.coldStart.map((c) => `| ${c.app} | ${kb(c.bytes)} | ${kb(c.floorBytes)} | ${kb(c.sdkExternalBytes)} | ${c.require.medianMs} ms | ${c.floor.medianMs} ms | ${c.sdkExternal.medianMs} ms | ${c.ratio}× |`).join('\n')}

Times are medians over ${r.coldStart[0]?.require.runs ?? 0} fresh processes each, minus the start of an empty Node process. The floor
constructs only the AWS SDK clients the function uses. The regex engine (re2js, ${kb(r.engineLoad.bytes)}) is loaded
when the first pattern that is not plain text is compiled, so it is not in the require times above:
loading it and compiling a first pattern costs ${r.engineLoad.require.medianMs} ms (p95 ${r.engineLoad.require.p95Ms} ms) at the same
share, once per container, in the first evaluation that needs it (configs whose patterns are all
plain text never pay it).

## End to end on the local stack (\`triggers start\`)

Signed push → pipeline start recorded, one delivery at a time: median ${r.endToEnd.latency.medianMs} ms,
p95 ${r.endToEnd.latency.p95Ms} ms over ${r.endToEnd.deliveries} deliveries. With ${r.endToEnd.concurrentSenders}
concurrent senders: ${r.endToEnd.throughputPerSecond} deliveries per second turned into recorded starts.
`;
}
