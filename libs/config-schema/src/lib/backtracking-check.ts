import type { checkSync as CheckSync } from 'recheck';

/** Why a pattern was refused by the catastrophic-backtracking check. */
export interface BacktrackingRisk {
  /** 'exponential', 'polynomial' (degree 3 or more), or 'unknown' when no proof finished in time. */
  complexity: string;
  /** A sentence a person can act on, including an attack string when recheck found one. */
  reason: string;
}

/** Longest time spent proving one pattern safe before it is refused as unproven. */
const CHECK_TIMEOUT_MS = 2000;

let loaded: typeof CheckSync | undefined;
/**
 * recheck (about 3 MB of compiled Scala) is loaded on first use, not when a bundle starts: most
 * patterns have no quantifier and never need it, and cold starts stay short.
 */
function recheck(): typeof CheckSync {
  loaded ??= (require('recheck') as { checkSync: typeof CheckSync }).checkSync;
  return loaded;
}

// recheck's default synchronous backend runs a worker file that does not survive bundling into one
// Lambda file; its pure-JS backend is the same algorithm in-process.
process.env['RECHECK_SYNC_BACKEND'] ??= 'pure';

/**
 * Checks a regular expression for catastrophic backtracking with recheck (automaton analysis plus
 * fuzzing). Exponential patterns are refused, and so are polynomial ones of degree 3 or more; the
 * quadratic case (`.*\.md$`) is accepted because repository paths are short (at most a few KB), where
 * it costs microseconds. Returns undefined when the pattern is safe.
 */
export function findBacktrackingRisk(source: string): BacktrackingRisk | undefined {
  // Without a quantifier nothing repeats, so nothing can backtrack more than linearly: most real
  // patterns (`^services/orders/`, `\.md$`) skip the analysis, which costs about a millisecond.
  if (!hasQuantifier(source)) return undefined;
  const result = recheck()(source, '', { timeout: CHECK_TIMEOUT_MS });
  if (result.status === 'safe') return undefined;
  if (result.status === 'unknown') {
    return {
      complexity: 'unknown',
      reason: `could not be proven free of catastrophic backtracking within ${CHECK_TIMEOUT_MS} ms (${result.error.kind}); simplify it`,
    };
  }
  const { complexity } = result;
  if (complexity.type === 'polynomial' && complexity.degree < 3) return undefined;
  const attack = result.attack.pattern;
  return {
    complexity: complexity.type,
    reason: `can backtrack catastrophically (${complexity.summary}), e.g. on ${attack.length > 80 ? attack.slice(0, 77) + '...' : attack}`,
  };
}

/** Whether a regex source has an unescaped `*`, `+`, `?` or `{` (conservative: `(?:` counts too). */
export function hasQuantifier(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '+' || ch === '?' || ch === '{') return true;
  }
  return false;
}
