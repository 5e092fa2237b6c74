import { LIMITS } from '../schema/limits';
import { compileGlob } from './glob';
import { cachedLinearRegex } from './linear-regex';
import { testGlobLiteral } from './path-patterns';

/** What a Git ref names. Anything that is neither a branch nor a tag never starts a pipeline. */
export type ParsedRef = { kind: 'branch'; name: string } | { kind: 'tag'; name: string } | { kind: 'other'; name: string };

/** Splits `refs/heads/x` and `refs/tags/x`; a bare name is taken as a branch (as in CLI use). */
export function parseRef(ref: string): ParsedRef {
  if (ref.startsWith('refs/heads/')) return { kind: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', name: ref.slice('refs/tags/'.length) };
  if (ref.startsWith('refs/')) return { kind: 'other', name: ref };
  return { kind: 'branch', name: ref };
}

/** The name GitHub shows for a ref: `main` for `refs/heads/main`, `v1` for `refs/tags/v1`, anything else as it is. */
export const refName = (ref: string): string => parseRef(ref).name;

/** A branch name as a full ref (`main` → `refs/heads/main`); a full ref (`refs/…`) as it is. */
export const branchRef = (nameOrRef: string): string => (nameOrRef.startsWith('refs/') ? nameOrRef : `refs/heads/${nameOrRef}`);

/** A compiled branch or tag glob: `*` stays within one `/` segment, `**` crosses segments.
 *  Names longer than LIMITS.refNameLength never match. */
export interface CompiledRefPattern {
  readonly source: string;
  /** Instructions of its RE2 program; 0 for a plain shape matched without the engine. */
  readonly programSize: number;
  readonly test: (name: string) => boolean;
}

/** Compiles a branch or tag glob, throwing an Error that says why it is refused. */
export function compileRefPattern(source: string): CompiledRefPattern {
  const glob = compileGlob(source);
  const literal = glob.literal;
  if (literal) return { source, programSize: 0, test: (name) => name.length <= LIMITS.refNameLength && testGlobLiteral(literal, name) };
  const { programSize } = cachedLinearRegex(glob.regexSource); // throws PatternSyntaxError when invalid
  return { source, programSize, test: (name) => name.length <= LIMITS.refNameLength && cachedLinearRegex(glob.regexSource).test(name) };
}
