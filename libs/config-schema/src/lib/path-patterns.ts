import picomatch from 'picomatch';
import { globComplexityError, MAX_STARS_PER_PATH_SEGMENT } from './glob-limits';

export type PathSyntax = 'regex' | 'glob';

/** One include or exclude pattern, compiled once per config version. */
export interface CompiledPathPattern {
  /** The pattern as written in the config. */
  readonly source: string;
  /** Its index in includePaths / excludePaths, for explanations. */
  readonly index: number;
  /** A literal every matching path starts with ('' when none can be derived). */
  readonly prefix: string;
  /** The regular expression actually run against paths. */
  readonly regex: RegExp;
}

// Globs over repository paths: `*` stays in one segment, `**` crosses `/`, dot files count.
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, nonegate: true, strictSlashes: false };

/** Compiles a path pattern, throwing an Error whose message says why it is invalid. */
export function compilePathPattern(source: string, syntax: PathSyntax, index: number): CompiledPathPattern {
  if (syntax === 'glob') {
    const tooComplex = globComplexityError(source, MAX_STARS_PER_PATH_SEGMENT);
    if (tooComplex) throw new Error(tooComplex);
    const regex = picomatch.makeRe(source, GLOB_OPTIONS);
    const scan = picomatch.scan(source);
    // picomatch strips a leading './' from what it matches, and `base` is what follows it. Anything
    // else in front (a negation kept literal by nonegate) or an escape in the base is not a plain
    // literal: give up the shortcut rather than guess.
    const plain = !scan.negated && (scan.prefix === '' || scan.prefix === './') && !scan.base.includes('\\');
    const prefix = plain ? scan.base : '';
    return { source, index, prefix, regex };
  }
  // No flags: patterns are checked for catastrophic backtracking with the same (empty) flags.
  const regex = new RegExp(source);
  return { source, index, prefix: literalRegexPrefix(source), regex };
}

const REGEX_SPECIAL = new Set(['.', '[', ']', '(', ')', '{', '}', '*', '+', '?', '|', '^', '$']);
const OPTIONAL_QUANTIFIER = new Set(['?', '*', '{']);

/**
 * The literal text that any string matched by an `^`-anchored regex must start with, or ''.
 * Used only to rule configs out cheaply, so it must never be longer than the truth: it stops at
 * the first construct that is not a plain character, drops a character made optional by a
 * quantifier, and gives up entirely when the pattern has a top-level alternative (`^a|b`).
 */
export function literalRegexPrefix(source: string): string {
  if (!source.startsWith('^') || hasTopLevelAlternation(source)) return '';
  let prefix = '';
  let i = 1;
  while (i < source.length) {
    const ch = source[i] as string;
    let literal: string;
    let width: number;
    if (ch === '\\') {
      const next = source[i + 1];
      // \d, \w, \b, \1, \u… are classes, assertions or references: not literals.
      if (next === undefined || /[0-9A-Za-z]/.test(next)) break;
      literal = next;
      width = 2;
    } else if (REGEX_SPECIAL.has(ch)) {
      break;
    } else {
      literal = ch;
      width = 1;
    }
    const after = source[i + width];
    if (after !== undefined && OPTIONAL_QUANTIFIER.has(after)) break;
    prefix += literal;
    i += width;
  }
  return prefix;
}

function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth--;
    } else if (ch === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}
