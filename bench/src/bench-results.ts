import type { ColdStartResult, EngineLoadResult } from './cold-start-bench';
import type { E2eResult } from './e2e-bench';
import type { EngineResult } from './engine-bench';
import type { EvalResult } from './eval-bench';
import type { ColdResult } from './eval-cold-bench';
import type { HostileResult } from './hostile-bench';
import type { S3CostResult } from './s3-cost-bench';
import type { WebhookResult } from './webhook-bench';

// What one run of `npm run bench` measured, and the targets of the benchmark issues judged from it.

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

/** A ratio as people read it: 17×, 2.5×, 0.31× (never rounded to 0×). */
export const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio) : Number(ratio.toPrecision(2))}×`;

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
