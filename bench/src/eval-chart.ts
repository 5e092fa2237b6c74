import type { EvalResult } from './eval-bench';

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
