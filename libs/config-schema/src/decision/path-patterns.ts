import { compileGlob, type GlobLiteral } from './glob';
import { cachedLinearRegex } from './linear-regex';
import { literalRegexPrefix, regexLiteral, testRegexLiteral, type RegexLiteral } from './regex-literal';

export type PathSyntax = 'regex' | 'glob';

/** One include or exclude pattern, compiled once per config version. */
export interface CompiledPathPattern {
  /** The pattern as written in the config. */
  readonly source: string;
  /** Its index in includePaths / excludePaths, for explanations. */
  readonly index: number;
  /** A literal every matching path starts with ('' when none can be derived). */
  readonly prefix: string;
  /** Instructions of its RE2 program; 0 for plain text, which is matched without the engine. */
  readonly programSize: number;
  /** Whether the pattern matches `path`, in time linear in the path's length. */
  test(path: string): boolean;
}

/** Whether `name` matches a glob of a plain shape (the same answer the engine would give). */
export function testGlobLiteral(literal: GlobLiteral, name: string): boolean {
  switch (literal.kind) {
    case 'exact':
      return name === literal.text;
    case 'tree':
      return name === literal.text || (name.startsWith(literal.text) && name[literal.text.length] === '/');
    case 'basename':
      return name === literal.text || (name.endsWith(literal.text) && name[name.length - literal.text.length - 1] === '/');
    case 'suffix':
      return name.endsWith(literal.text);
  }
}

/**
 * A pattern run on the linear-time engine. The engine's compiled program is looked up through a
 * bounded cache on every test rather than held here, so thousands of compiled configs do not pin
 * thousands of programs in memory.
 */
function enginePattern(source: string, index: number, prefix: string, regexSource: string): CompiledPathPattern {
  const { programSize } = cachedLinearRegex(regexSource); // throws PatternSyntaxError when invalid
  return { source, index, prefix, programSize, test: (path) => cachedLinearRegex(regexSource).test(path) };
}

/**
 * Compiles a path pattern: a regex in RE2 syntax searched in the path, or a glob over the whole path.
 * Throws an Error (PatternSyntaxError or GlobSyntaxError) whose message says why it is invalid.
 */
export function compilePathPattern(source: string, syntax: PathSyntax, index: number): CompiledPathPattern {
  if (syntax === 'glob') {
    const glob = compileGlob(source);
    const literal = glob.literal;
    if (literal) return { source, index, prefix: glob.prefix, programSize: 0, test: (path) => testGlobLiteral(literal, path) };
    return enginePattern(source, index, glob.prefix, glob.regexSource);
  }
  const literal: RegexLiteral | undefined = regexLiteral(source);
  if (literal) {
    const prefix = literal.kind === 'exact' || literal.kind === 'prefix' ? literal.text : '';
    // (a basename form has no prefix: the text can come after any directory)
    return { source, index, prefix, programSize: 0, test: (path) => testRegexLiteral(literal, path) };
  }
  return enginePattern(source, index, literalRegexPrefix(source), source);
}
