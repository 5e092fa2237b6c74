/**
 * What plain text a path regex requires, read from its source without running it. Most real
 * patterns are a directory (`^services/orders/`) or a suffix (`\.md$`): those are matched with string
 * operations, and every pattern's leading literal lets a decision skip paths that cannot match.
 */

/** Characters with a meaning in RE2 syntax outside a class; everything else stands for itself. */
const RE2_SPECIAL = new Set(['\\', '.', '[', ']', '(', ')', '{', '}', '*', '+', '?', '|', '^', '$']);
const OPTIONAL_QUANTIFIER = new Set(['?', '*', '{']);
/** An escaped character that is plain text (RE2 allows escaping any ASCII punctuation). */
const ESCAPED_LITERAL = /^[!-/:-@[-`{-~]$/;

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
    return next !== undefined && ESCAPED_LITERAL.test(next) ? { char: next, width: 2 } : undefined;
  }
  return RE2_SPECIAL.has(ch) ? undefined : { char: ch, width: 1 };
}

/** Plain text from `start` to `end` of the source, or undefined when anything there is not plain. */
function plainText(source: string, start: number, end: number): string | undefined {
  let text = '';
  for (let i = start; i < end; ) {
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
  let text = '';
  for (let i = start; i < end; ) {
    const literal = literalAt(source, i);
    if (!literal) return undefined;
    text += literal.char;
    i += literal.width;
  }
  if (text === '') return undefined;
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
