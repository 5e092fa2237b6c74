import { ASCII_PUNCTUATION } from './regex-literal';

/**
 * Globs over repository paths and ref names, compiled to RE2 syntax so they run on the same
 * linear-time engine as regular expressions. Nothing is expanded: `{a,b}` becomes an alternation
 * and `**` a repetition, so the compiled program grows with the glob's length, never faster.
 *
 * A glob matches the whole name. `/` separates segments; `*` matches any run of characters within a
 * segment and `?` one character other than `/`; `**` as a whole segment matches any number of
 * segments, none included (`a/**` matches `a`, `**\/x` matches `x`); elsewhere `**` is `*`;
 * `[abc]`, `[a-z]`, `[!a]` / `[^a]` and POSIX classes such as `[[:alpha:]]` match one character
 * (a negated class never `/`); `{a,b}` matches either alternative (nestable); `\` escapes the next
 * character. Dot files are matched like any other. A leading `./` is dropped, as picomatch does.
 */

/** A glob that cannot be compiled; the message says where and what to write instead. */
export class GlobSyntaxError extends Error {
  override readonly name = 'GlobSyntaxError';
}

/**
 * What a glob of one of the common plain shapes matches, testable without the regex engine:
 * `text` (exact), `text/**` (tree), `**\/text` (basename: the path, or its ending after a `/`), and
 * `**\/*text` with no `/` in text (suffix).
 */
export type GlobLiteral = { kind: 'exact' | 'tree' | 'basename' | 'suffix'; text: string };

const PLAIN = /^[^*?[\]{}\\]+$/;

export interface CompiledGlob {
  /** RE2 source matching exactly the names the glob matches (anchored at both ends). */
  regexSource: string;
  /** Literal text every matching name starts with ('' when none). */
  prefix: string;
  /** Set when the glob is plain text, or plain text followed by `/**`. */
  literal?: GlobLiteral;
}

const REGEX_META = /[\\.+*?()|[\]{}^$]/g;
const quote = (text: string) => text.replace(REGEX_META, '\\$&');

const ANY_NAME = '(?s:.*)';
const ONE_CHAR = '[^/]';
const IN_SEGMENT = '[^/]*';
/** `**` followed by `/`: any number of whole segments, each with its slash. */
const LEADING_SEGMENTS = '(?:[^/]*/)*';
/** `/**` at the end: nothing, or a slash and anything below. */
const TRAILING_SEGMENTS = '(?:/[^/]*)*';
/** `/**` at the end of a brace alternative: a slash and anything below. */
const BRACED_TRAILING_SEGMENTS = '(?:/[^/]*)+';

/** Compiles a glob to an anchored RE2 source; throws GlobSyntaxError for what it cannot take. */
export function compileGlob(source: string): CompiledGlob {
  if (source.startsWith('!')) {
    throw new GlobSyntaxError(
      'starts with "!", but negation is not supported: list what to leave out in excludePaths (or list only the names you want)',
    );
  }
  // As picomatch does: a leading `./` means the repository root (paths never start with it), and an
  // escaped `/` is just a `/`.
  const glob = source.replace(/^(?:\.\/)+/, '').replace(/\\\//g, '/');
  const parser = new GlobParser(glob);
  const body = parser.sequence(false);
  const literal = parser.literalForm() ?? anywhereForm(glob);
  return { regexSource: `^${body}$`, prefix: parser.prefix, ...(literal ? { literal } : {}) };
}

/** `**\/text` and `**\/*text` (text plain, and without `/` for the second): matched at any depth. */
function anywhereForm(glob: string): GlobLiteral | undefined {
  if (!glob.startsWith('**/')) return undefined;
  const rest = glob.slice(3);
  if (PLAIN.test(rest) && !rest.startsWith('/')) return { kind: 'basename', text: rest };
  const suffix = rest.slice(1);
  if (rest.startsWith('*') && suffix !== '' && PLAIN.test(suffix) && !suffix.includes('/')) return { kind: 'suffix', text: suffix };
  return undefined;
}

class GlobParser {
  private pos = 0;
  /** The leading literal text, while nothing but literals has been read at the top level. */
  prefix = '';
  private literalSoFar = true;
  /** Set when the top level ended with `/**` right after the literal prefix. */
  private treeEnd = false;

  constructor(private readonly glob: string) {}

  /** Reads until the end (top level) or an unnested `,` / `}` (inside braces). */
  sequence(inBraces: boolean): string {
    const start = this.pos;
    let out = '';
    while (this.pos < this.glob.length) {
      const ch = this.glob[this.pos] as string;
      if (inBraces && (ch === ',' || ch === '}')) break;
      const atSegmentStart = this.pos === start || this.glob[this.pos - 1] === '/';
      const globstars = ch === '/' ? this.globstarSegments(this.pos, inBraces) : undefined;
      if (globstars) {
        const tree = globstars.last && !inBraces && this.literalSoFar;
        if (!globstars.last && !inBraces && this.literalSoFar) this.prefix += '/';
        this.nonLiteral(inBraces);
        if (globstars.last && inBraces) {
          // Inside braces, `{a,b/**}` is b and something below it (as picomatch reads it): what
          // follows the braces decides the rest, so `b` alone is not assumed.
          out += BRACED_TRAILING_SEGMENTS;
        } else if (globstars.last) {
          // `a/**` matches `a` itself and everything below it.
          if (tree) this.treeEnd = true;
          out += TRAILING_SEGMENTS;
        } else {
          out += `/${LEADING_SEGMENTS}`;
        }
        this.pos = globstars.end;
      } else if (ch === '*') {
        out += this.stars(atSegmentStart, start, inBraces);
      } else if (ch === '?') {
        this.extglobCheck();
        this.nonLiteral(inBraces);
        out += ONE_CHAR;
        this.pos++;
      } else if (ch === '[') {
        this.nonLiteral(inBraces);
        out += this.bracket();
      } else if (ch === '{') {
        this.nonLiteral(inBraces);
        out += this.braces();
      } else if ('+@!'.includes(ch) && this.glob[this.pos + 1] === '(') {
        this.extglobCheck();
        out += this.literal(ch, inBraces);
      } else if (ch === '\\') {
        const next = this.glob[this.pos + 1];
        if (next === undefined) throw new GlobSyntaxError('ends with a lone "\\"; write "\\\\" for a backslash');
        this.pos++;
        out += this.literal(next, inBraces);
      } else {
        out += this.literal(ch, inBraces);
      }
    }
    return out;
  }

  /** The literal form of the whole glob, when it has one. */
  literalForm(): GlobLiteral | undefined {
    if (this.treeEnd) return { kind: 'tree', text: this.prefix };
    if (this.literalSoFar) return { kind: 'exact', text: this.prefix };
    return undefined;
  }

  private literal(ch: string, inBraces: boolean): string {
    if (!inBraces && this.literalSoFar) this.prefix += ch;
    this.pos++;
    return quote(ch);
  }

  private nonLiteral(inBraces: boolean): void {
    if (inBraces) return;
    this.literalSoFar = false;
    this.treeEnd = false; // anything after `/**` makes it more than a tree
  }

  /**
   * At a `/`: the run of whole `**` segments that follows (`/**`, `/**\/**`…), which means the same
   * as one. `end` is where reading goes on: after the run when it ends the sequence (`last`), or
   * after the `/` that closes it otherwise. Undefined when no `**` segment follows.
   */
  private globstarSegments(slash: number, inBraces: boolean): { end: number; last: boolean } | undefined {
    let at = slash;
    let found: { end: number; last: boolean } | undefined;
    while (this.glob[at] === '/') {
      const run = this.starRun(at + 1);
      const after = at + 1 + run;
      if (run < 2) break;
      if (this.endsAt(after, inBraces)) return { end: after, last: true };
      if (this.glob[after] !== '/') break;
      found = { end: after + 1, last: false };
      at = after;
    }
    return found;
  }

  /** How many `*` in a row start at `at`. */
  private starRun(at: number): number {
    let end = at;
    while (this.glob[end] === '*') end++;
    return end - at;
  }

  /** Whether position `at` ends the current sequence (end of glob, or `,` / `}` inside braces). */
  private endsAt(at: number, inBraces: boolean): boolean {
    const ch = this.glob[at];
    return ch === undefined || (inBraces && (ch === ',' || ch === '}'));
  }

  private stars(atSegmentStart: boolean, sequenceStart: number, inBraces: boolean): string {
    this.extglobCheck();
    const count = this.starRun(this.pos);
    const end = this.pos + count;
    this.pos = end;
    this.nonLiteral(inBraces);
    if (count === 1 || !atSegmentStart) return IN_SEGMENT;
    if (this.glob[end] === '/') {
      this.pos++;
      return LEADING_SEGMENTS;
    }
    if (this.endsAt(end, inBraces)) return end - count === sequenceStart ? ANY_NAME : IN_SEGMENT;
    return IN_SEGMENT; // `**x`: a segment that merely starts with stars
  }

  /** Extglobs (`?(…)`, `*(…)`, `+(…)`, `@(…)`, `!(…)`) are refused rather than read literally. */
  private extglobCheck(): void {
    let at = this.pos;
    while (this.glob[at] === '*') at++;
    if (at === this.pos) at++;
    if (this.glob[at] === '(') {
      throw new GlobSyntaxError(
        `uses an extglob at "${this.glob.slice(this.pos, at + 1)}", which is not supported; use {a,b} or several patterns`,
      );
    }
  }

  /** `[...]`: one character from a class; negated classes never match `/`. */
  private bracket(): string {
    const open = this.pos;
    let i = this.pos + 1;
    let negated = false;
    if (this.glob[i] === '!' || this.glob[i] === '^') {
      negated = true;
      i++;
    }
    let members = '';
    let first = true;
    for (;;) {
      const ch = this.glob[i];
      if (ch === undefined) throw new GlobSyntaxError(`has an unclosed "[" at position ${open + 1}; write "\\[" for a literal bracket`);
      if (ch === ']' && !first) break;
      first = false;
      if (ch === '[' && this.glob[i + 1] === ':') {
        const close = this.glob.indexOf(':]', i + 2);
        if (close === -1) throw new GlobSyntaxError(`has an unclosed "[:" at position ${i + 1}`);
        members += this.glob.slice(i, close + 2);
        i = close + 2;
      } else if (ch === '\\') {
        const next = this.glob[i + 1];
        if (next === undefined) throw new GlobSyntaxError(`has an unclosed "[" at position ${open + 1}`);
        members += ASCII_PUNCTUATION.test(next) ? `\\${next}` : next;
        i += 2;
      } else {
        // ASCII punctuation is escaped (RE2 refuses escapes of anything else); '-' stays a range.
        members += ch !== '-' && ASCII_PUNCTUATION.test(ch) ? `\\${ch}` : ch;
        i++;
      }
    }
    this.pos = i + 1;
    if (members === '') throw new GlobSyntaxError(`has an empty class at position ${open + 1}`);
    // A '-' first or last is a literal '-', not a range: escape it, so adding '/' cannot make one.
    const safe = members.replace(/^-/, '\\-').replace(/(?<!\\)-$/, '\\-');
    return negated ? `[^/${safe}]` : `[${safe}]`;
  }

  /** `{a,b,...}`: alternatives, each a glob; at least two; no ranges. */
  private braces(): string {
    const open = this.pos;
    const range = /^\{(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(\.\.-?\d+)?\}/.exec(this.glob.slice(open));
    if (range) throw new GlobSyntaxError(`uses a range ${range[0]}, which is not supported; list the values, e.g. {1,2,3}`);
    this.pos++;
    const alternatives: string[] = [];
    for (;;) {
      alternatives.push(this.sequence(true));
      const ch = this.glob[this.pos];
      if (ch === undefined) throw new GlobSyntaxError(`has an unclosed "{" at position ${open + 1}; write "\\{" for a literal brace`);
      this.pos++;
      if (ch === '}') break;
    }
    if (alternatives.length < 2) {
      throw new GlobSyntaxError(
        `has "{…}" with a single alternative at position ${open + 1}; separate alternatives with "," or write "\\{" for a literal brace`,
      );
    }
    return `(?:${alternatives.join('|')})`;
  }
}
