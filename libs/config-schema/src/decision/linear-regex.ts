import type { RE2JS } from 're2js';
import { LIMITS } from '../schema/limits';
import { classEnd } from './regex-literal';

type Re2js = typeof import('re2js');
let engine: Re2js | undefined;
/**
 * re2js is loaded when the first pattern that is not plain text is compiled, not when a bundle
 * starts: most patterns (`^services/orders/`, `\.md$`) are matched without it, and the Lambda
 * functions' cold start stays close to that of the AWS SDK alone.
 */
function re2js(): Re2js {
  engine ??= require('re2js') as Re2js;
  return engine;
}

/**
 * A regular expression matched by an RE2 engine (re2js): time linear in the length of the text
 * times the size of the program, whatever the pattern, so no pattern can make matching slow.
 */
export interface LinearRegex {
  readonly source: string;
  /** Instructions of the compiled program: the factor by which matching time grows with the text. */
  readonly programSize: number;
  /** Whether the pattern matches anywhere in `text` (like RegExp#test without flags). */
  test(text: string): boolean;
}

/** A pattern that is not valid RE2 syntax, or too large; the message says which construct and why. */
export class PatternSyntaxError extends Error {
  override readonly name = 'PatternSyntaxError';
}

/**
 * Constructs of JavaScript's backtracking engine that RE2 leaves out because they cannot be matched
 * in linear time, with what to write instead. Checked before the engine so the error names them.
 */
const UNSUPPORTED: readonly { token: RegExp; construct: string; hint: string }[] = [
  { token: /^\(\?[=!]/, construct: 'a lookahead', hint: 'match the paths you want and list the others in excludePaths' },
  { token: /^\(\?<[=!]/, construct: 'a lookbehind', hint: 'match the paths you want and list the others in excludePaths' },
  { token: /^\\(?:[1-9][0-9]*|k<[^>]*>?)/, construct: 'a back-reference', hint: 'spell out the repeated text, or use several patterns' },
];

/** JavaScript spellings that RE2 writes differently: added to RE2's parse error when it has one. */
const SPELLINGS: readonly { token: RegExp; hint: string }[] = [
  { token: /\\u[0-9A-Fa-f]{0,4}/, hint: 'write a code point as \\x{00e9}' },
  { token: /\\c[A-Za-z]?/, hint: 'write a control character as \\x{01}' },
  { token: /\[\^\]/, hint: 'write "any character" as (?s:.)' },
];

/**
 * The first construct of `source` that RE2 syntax leaves out (lookaround, back-references), as a
 * sentence naming it and saying what to write instead; undefined when there is none.
 */
export function unsupportedConstruct(source: string): string | undefined {
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const rest = source.slice(i);
    for (const { token, construct, hint } of UNSUPPORTED) {
      const found = token.exec(rest);
      if (found) return `uses ${construct} (${found[0]}), which RE2 syntax leaves out because it cannot be matched in linear time; ${hint}`;
    }
    if (ch === '\\' && source[i + 1] === 'Q') {
      const end = source.indexOf('\\E', i + 2);
      if (end === -1) return undefined;
      i = end + 1;
    } else if (ch === '\\') {
      i++;
    } else if (ch === '[') {
      i = classEnd(source, i) - 1;
    }
  }
  return undefined;
}

/** RE2's parse error in words, with the RE2 spelling when the pattern uses a JavaScript one. */
function syntaxMessage(source: string, error: Error): string {
  const spelling = SPELLINGS.map(({ token, hint }) => ({ found: token.exec(source), hint })).find((s) => s.found);
  const reason = error.message.replace(/^error parsing regexp: /, '');
  return `is not valid RE2 syntax: ${reason}${spelling?.found ? ` (${spelling.found[0]}: ${spelling.hint})` : ''}`;
}

/**
 * Compiles an RE2-syntax pattern, throwing PatternSyntaxError with a message a person can act on:
 * the unsupported construct and what to write instead, RE2's own parse error, or the program size.
 */
export function compileLinearRegex(source: string): LinearRegex {
  const unsupported = unsupportedConstruct(source);
  if (unsupported) throw new PatternSyntaxError(unsupported);
  const { RE2JS, RE2JSException } = re2js();
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    if (error instanceof RE2JSException) throw new PatternSyntaxError(syntaxMessage(source, error));
    throw error;
  }
  const programSize = compiled.programSize();
  if (programSize > LIMITS.patternInstructions) {
    throw new PatternSyntaxError(
      `compiles to ${programSize} instructions, more than ${LIMITS.patternInstructions}; large counted repetitions ({n}) multiply the size: split the pattern or use fewer repetitions`,
    );
  }
  return { source, programSize, test: (text) => compiled.test(text) };
}

/**
 * Compiled patterns by source, shared by every config that uses the same pattern. re2js keeps about
 * 12 KB per compiled pattern, so the cache is bounded: two generations, the older dropped when the
 * newer fills up, so patterns in use stay and the rest are compiled again when next needed.
 */
const GENERATION_SIZE = 1000;
let young = new Map<string, LinearRegex | PatternSyntaxError>();
let old = new Map<string, LinearRegex | PatternSyntaxError>();

/** compileLinearRegex through a bounded cache; errors are cached (and thrown) like results. */
export function cachedLinearRegex(source: string): LinearRegex {
  let entry = young.get(source);
  if (entry === undefined) {
    entry = old.get(source);
    if (entry === undefined) {
      try {
        entry = compileLinearRegex(source);
      } catch (error) {
        if (!(error instanceof PatternSyntaxError)) throw error;
        entry = error;
      }
    }
    if (young.size >= GENERATION_SIZE) {
      old = young;
      young = new Map();
    }
    young.set(source, entry);
  }
  if (entry instanceof PatternSyntaxError) throw entry;
  return entry;
}
