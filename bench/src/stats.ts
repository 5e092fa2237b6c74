/** Summary of repeated timings, in milliseconds. */
export interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
}

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { runs: sorted.length, medianMs: round(at(0.5)), p95Ms: round(at(0.95)) };
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Times `fn` `runs` times after `warmup` untimed calls. */
export async function time(fn: () => unknown, runs: number, warmup = Math.min(3, runs)): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return summarise(samples);
}

/**
 * Times a subject and its baseline alternately, so drift on a shared machine hits both the same,
 * and returns both with the ratio of medians (subject / baseline).
 */
export async function compare(
  subject: () => unknown,
  baseline: () => unknown,
  runs: number,
): Promise<{ subject: Timing; baseline: Timing; ratio: number }> {
  const s: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < Math.min(3, runs); i++) {
    await subject();
    await baseline();
  }
  for (let i = 0; i < runs; i++) {
    let t = process.hrtime.bigint();
    await baseline();
    b.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    await subject();
    s.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const subjectT = summarise(s);
  const baselineT = summarise(b);
  return { subject: subjectT, baseline: baselineT, ratio: round(subjectT.medianMs / baselineT.medianMs, 2) };
}
