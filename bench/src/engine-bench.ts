import { compileGlob } from '@monorepo-triggers/config-schema';
import { RE2JS } from 're2js';
import { changedFiles } from './eval-bench';
import { round } from './stats';

/** The regex engines considered for matching paths, each run in its own Node process. */
export const ENGINES = {
  re2js: { label: 're2js 2.10 (pure-JS RE2; chosen)', nodeFlags: [] as string[] },
  'v8-linear': { label: "V8's experimental linear engine (`l` flag)", nodeFlags: ['--enable-experimental-regexp-engine'] },
  'v8-fallback': {
    label: 'V8 backtracking, linear engine after excessive backtracks',
    nodeFlags: ['--enable-experimental-regexp-engine-on-excessive-backtracks'],
  },
  'v8-backtracking': { label: 'V8 backtracking (RegExp as is: the unprotected baseline)', nodeFlags: [] as string[] },
} as const;
export type EngineName = keyof typeof ENGINES;

interface Compiled {
  test(text: string): boolean;
}

function compiler(engine: EngineName): (source: string) => Compiled {
  switch (engine) {
    case 're2js':
      return (source) => RE2JS.compile(source);
    case 'v8-linear':
      // 'l' (linear) exists only under --enable-experimental-regexp-engine, which this section runs with.
      // eslint-disable-next-line no-invalid-regexp
      return (source) => new RegExp(source, 'l');
    default:
      return (source) => new RegExp(source);
  }
}

/** Path patterns of the kind that reach the engine (plain text never does): regexes and compiled globs. */
const ORDINARY = [
  '^services/[^/]+/docs/',
  '^services/orders/(src|lib)/.+\\.(ts|json)$',
  '(^|/)package\\.json$',
  '\\.(md|txt)$',
  '^apps/[^/]+/src/.*\\.tsx?$',
  '^services/svc-1[0-9]/',
  compileGlob('**/*.md').regexSource,
  compileGlob('services/*/src/**').regexSource,
];

/** Patterns that take a backtracking engine seconds to forever, each with the text that hurts it. */
const HOSTILE_GLOB = `**/*${'{?,?}'.repeat(22)}#`;
export const HOSTILE: { name: string; source: string; text: string; glob?: string }[] = [
  { name: '(.|.)×32 then #, 4,000 characters', source: `${'(.|.)'.repeat(32)}#`, text: 'x'.repeat(4000) },
  { name: '^(a|a)?×30 then b, 4,000 characters', source: `^${'(a|a)?'.repeat(30)}b`, text: 'a'.repeat(4000) },
  { name: '^(a+)+$, 4,000 characters', source: '^(a+)+$', text: `${'a'.repeat(4000)}!` },
  { name: '(.*a){12}$, 4,000 characters', source: '(.*a){12}$', text: `${'a'.repeat(4000)}b` },
  { name: '.*\\.tf1$, 3,000 characters', source: '.*\\.tf1$', text: `${'a'.repeat(3000)}.tf` },
  {
    name: 'glob **/*{?,?}×22#, 4,000 characters',
    source: compileGlob(HOSTILE_GLOB).regexSource,
    glob: HOSTILE_GLOB,
    text: `a/${'x'.repeat(4000)}`,
  },
];

/**
 * Text of a and b in an order that looks random (fixed seed), with a b 1,000 characters from the
 * end: what makes the DFA of [ab]*a[ab]{999}$ explode, without a match to end the search early.
 */
export function abText(length: number, seed: number): string {
  let x = seed;
  const chars: string[] = [];
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    chars.push(x & 0x10000 ? 'a' : 'b');
  }
  chars[length - 1000] = 'b';
  return chars.join('');
}

/** Hostile cases a plain backtracking engine would not finish: not run for it. */
const UNBOUNDED_FOR_BACKTRACKING = new Set([
  '(.|.)×32 then #, 4,000 characters',
  '^(a|a)?×30 then b, 4,000 characters',
  '^(a+)+$, 4,000 characters',
  '(.*a){12}$, 4,000 characters',
  'glob **/*{?,?}×22#, 4,000 characters',
]);

export interface EngineResult {
  engine: EngineName;
  label: string;
  /** Median time of one test of an ordinary pattern against one changed path. */
  ordinaryTestNs: number;
  /** Median time to compile one ordinary pattern. */
  compileUs: number;
  /** Per hostile case: milliseconds for one test, 'refused' (the engine will not compile it) or 'not run'. */
  hostile: { name: string; ms: number | 'refused' | 'not run' }[];
}

const nowNs = () => Number(process.hrtime.bigint());

/** Measures one engine in this process (started with the engine's Node flags). */
export function benchEngine(engine: EngineName, smoke: boolean): EngineResult {
  const compile = compiler(engine);
  const paths = changedFiles(smoke ? 200 : 1000, 100);
  const patterns = ORDINARY.map(compile);
  const rounds = smoke ? 3 : 15;
  const perTest: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = nowNs();
    let hits = 0;
    for (const pattern of patterns) for (const path of paths) if (pattern.test(path)) hits++;
    perTest.push((nowNs() - start) / (patterns.length * paths.length));
    if (hits === 0) throw new Error('the ordinary mix matched nothing');
  }
  const compileTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = nowNs();
    // A distinct source each time, so no engine can answer from a cache.
    ORDINARY.forEach((source, i) => compile(`${source}|^never-${r}-${i}/`));
    compileTimes.push((nowNs() - start) / ORDINARY.length / 1000);
  }
  const hostile = HOSTILE.map(({ name, source, text }) => {
    if (engine === 'v8-backtracking' && UNBOUNDED_FOR_BACKTRACKING.has(name)) return { name, ms: 'not run' as const };
    let compiled: Compiled;
    try {
      compiled = compile(source);
    } catch {
      return { name, ms: 'refused' as const };
    }
    const start = nowNs();
    compiled.test(text);
    return { name, ms: round((nowNs() - start) / 1e6) };
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return {
    engine,
    label: ENGINES[engine].label,
    ordinaryTestNs: Math.round(median(perTest)),
    compileUs: round(median(compileTimes), 1),
    hostile,
  };
}
