import picomatch from 'picomatch';

/** Most `*` wildcards allowed in one segment of a path glob (paths run to thousands of characters). */
export const MAX_STARS_PER_PATH_SEGMENT = 2;
/** Most `*` in one segment of a branch or tag glob: `v*.*.*` is common, and ref names are short. */
export const MAX_STARS_PER_REF_SEGMENT = 3;
/** Longest ref name matched against globs; longer names never match (see MAX_STARS_PER_REF_SEGMENT). */
export const MAX_REF_NAME_LENGTH = 255;
/** Most `**` wildcards allowed in one glob. */
export const MAX_GLOBSTARS = 4;

/**
 * Globs are compiled by picomatch into backtracking regular expressions, and consecutive `*` in one
 * segment (`*a*a*a*x`) backtrack polynomially with their number (six take seconds on a 100-character
 * path). Those regexes use lookaheads that recheck cannot analyse in time, so globs are bounded by
 * structure instead, measured worst cases: two `*` per segment and four `**` keep a 4,000-character
 * path under ~20 ms; three `*` (`v*.*.*`) cost 0.4 ms on a 255-character ref name but over a second on
 * a 4,000-character path, hence the separate limits. Extglobs nest quantifiers and are not supported.
 * Returns why a glob is refused.
 */
export function globComplexityError(glob: string, maxStarsPerSegment: number): string | undefined {
  if (picomatch.scan(glob).isExtglob) return 'extglobs such as +(a|b) are not supported; use several patterns';
  const { tokens } = picomatch.parse(glob);
  let stars = 0;
  let globstars = 0;
  for (const token of tokens) {
    if (token.type === 'slash') stars = 0;
    else if (token.type === 'globstar') globstars++;
    else if (token.type === 'star') stars++;
    if (stars > maxStarsPerSegment) {
      return `has more than ${maxStarsPerSegment} '*' in one segment, which can make matching take seconds`;
    }
  }
  if (globstars > MAX_GLOBSTARS) return `has more than ${MAX_GLOBSTARS} '**', which can make matching take seconds`;
  return undefined;
}
