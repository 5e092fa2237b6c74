/**
 * What plain text a path regex requires, read from its source without running it. Most real
 * patterns are a directory (`^services/orders/`) or a suffix (`\.md$`): those are matched with string
 * operations, and every pattern's leading literal lets a decision skip paths that cannot match.
 */

/** Characters with a meaning in RE2 syntax outside a class; everything else stands for itself. */
const RE2_SPECIAL = new Set(['\\', '.', '[', ']', '(', ')', '{', '}', '*', '+', '?', '|', '^', '$']);
const OPTIONAL_QUANTIFIER = new Set(['?', '*', '{']);
/** ASCII punctuation: what RE2 allows to escape, and an escape of which is plain text. */
export const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;

/** A regex that is plain text with optional anchors, and how to test it without the engine. */
export type RegexLiteral =
  | { kind: 'exact'; text: string } // ^text$
  | { kind: 'prefix'; text: string } // ^text
  | { kind: 'suffix'; text: string } // text$
  | { kind: 'contains'; text: string } // text
  | { kind: 'basename'; text: string }; // (^|/)text$ : the whole path, or its end after a '/'

const ANY_DEPTH = ['(^|/)', '(?:^|/)'];

/** Reads one literal character at `i`: the character and its width in the source, or undefined. */
function literalAt(source: string, i: number): { char: string; width: number } | undefined {
  const ch = source[i] as string;
  if (ch === '\\') {
    const next = source[i + 1];
    // \d, \w, \b, \1, \pL… are classes, assertions or references; escaped punctuation is text.
    return next !== undefined && ASCII_PUNCTUATION.test(next) ? { char: next, width: 2 } : undefined;
  }
  return RE2_SPECIAL.has(ch) ? undefined : { char: ch, width: 1 };
}

/** Plain text from `start` to `end` of the source, or undefined when anything there is not plain. */
function plainText(source: string, start: number, end: number): string | undefined {
  let text = '';
  for (let i = start; i < end;) {
    const literal = literalAt(source, i);
    if (!literal) return undefined;
    text += literal.char;
    i += literal.width;
  }
  return text;
}

/** The regex as plain text with anchors, when that is all it is; undefined otherwise. */
export function regexLiteral(source: string): RegexLiteral | undefined {
  const depth = ANY_DEPTH.find((opening) => source.startsWith(opening));
  if (depth && source.endsWith('$') && !source.endsWith('\\$')) {
    const text = plainText(source, depth.length, source.length - 1);
    return text ? { kind: 'basename', text } : undefined;
  }
  const start = source.startsWith('^') ? 1 : 0;
  const end = source.endsWith('$') && !source.endsWith('\\$') ? source.length - 1 : source.length;
  const text = plainText(source, start, end);
  if (!text) return undefined;
  const anchoredStart = start === 1;
  const anchoredEnd = end < source.length;
  if (anchoredStart && anchoredEnd) return { kind: 'exact', text };
  if (anchoredStart) return { kind: 'prefix', text };
  if (anchoredEnd) return { kind: 'suffix', text };
  return { kind: 'contains', text };
}

/** Whether `path` matches a plain-text regex (the same answer the engine would give). */
export function testRegexLiteral(literal: RegexLiteral, path: string): boolean {
  switch (literal.kind) {
    case 'exact':
      return path === literal.text;
    case 'prefix':
      return path.startsWith(literal.text);
    case 'suffix':
      return path.endsWith(literal.text);
    case 'contains':
      return path.includes(literal.text);
    case 'basename':
      return path === literal.text || (path.endsWith(literal.text) && path[path.length - literal.text.length - 1] === '/');
  }
}

/**
 * The literal text that any string matched by an `^`-anchored regex must start with, or ''.
 * Used only to rule paths out cheaply, so it must never be longer than the truth: it stops at the
 * first construct that is not a plain character, drops a character made optional by a quantifier,
 * and gives up entirely when the pattern has a top-level alternative (`^a|b`).
 */
export function literalRegexPrefix(source: string): string {
  if (!source.startsWith('^') || hasTopLevelAlternation(source)) return '';
  let prefix = '';
  let i = 1;
  while (i < source.length) {
    const literal = literalAt(source, i);
    if (!literal) break;
    const after = source[i + literal.width];
    if (after !== undefined && OPTIONAL_QUANTIFIER.has(after)) break;
    prefix += literal.char;
    i += literal.width;
  }
  return prefix;
}

/**
 * Where the character class opened at `open` ends (the index after its `]`), read as RE2 reads it:
 * a `]` right after `[` or `[^` is a member, `[:alpha:]` is one member, `\x` escapes. The length of
 * the source when the class is not closed.
 */
export function classEnd(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\') i += 2;
    else if (ch === '[' && source[i + 1] === ':') {
      const close = source.indexOf(':]', i + 2);
      i = close === -1 ? i + 1 : close + 2;
    } else if (ch === ']') return i + 1;
    else i++;
  }
  return source.length;
}

/** Whether the regex has an alternative at the top level (outside groups, classes and \Q…\E). */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\' && source[i + 1] === 'Q') {
      const end = source.indexOf('\\E', i + 2);
      if (end === -1) return false; // quoted to the end: no alternation after it
      i = end + 1;
    } else if (ch === '\\') {
      i++;
    } else if (ch === '[') {
      i = classEnd(source, i) - 1;
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
