/**
 * Where a config's changes were counted from (compareWith: last-success), in the words eval's
 * decisions and `triggers explain` both use: one sentence, so the record and explain read the same.
 */
export interface ComparedBase {
  /**
   * started: the commit the pipeline's latest execution is building; last-success or baseline: the
   * recorded commit; push: the push alone (no usable record, and why).
   */
  kind: 'started' | 'last-success' | 'baseline' | 'push';
  commit?: string;
  /** How many commits the pushed commit is past it, when known. */
  commitsSince?: number;
  /** One sentence for people: what was compared, or why the push alone decided. */
  note: string;
}

/** A base that can be counted from (not the push alone). */
export type BaseKind = Exclude<ComparedBase['kind'], 'push'>;

/** What a base is, in the words of a decision. */
export const BASE_WORDS: Record<BaseKind, (branch: string) => string> = {
  started: (branch) => `which this pipeline's latest execution on ${branch} is building`,
  'last-success': (branch) => `this pipeline's last success on ${branch}`,
  baseline: (branch) => `the baseline before its first build on ${branch}`,
};

/** A usable base: "changes since abc1234, this pipeline's last success on main, 3 commits ago". */
export function comparedBase(base: { commit: string; kind: BaseKind }, commitsSince: number | undefined, branch: string): ComparedBase {
  const ago =
    commitsSince === undefined
      ? ''
      : commitsSince === 0
        ? ', the pushed commit itself'
        : `, ${commitsSince} commit${commitsSince === 1 ? '' : 's'} ago`;
  return {
    kind: base.kind,
    commit: base.commit,
    ...(commitsSince !== undefined ? { commitsSince } : {}),
    note: `changes since ${base.commit.slice(0, 7)}, ${BASE_WORDS[base.kind](branch)}${ago}`,
  };
}
