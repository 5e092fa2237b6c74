/** The paths a push changed, prepared once per push for every config to query. */
export interface ChangeSet {
  /** Distinct repo-relative paths, sorted by UTF-16 code unit so prefixes form contiguous runs. */
  readonly paths: readonly string[];
  /** False when the list may be missing paths (forced push, new branch, capped delivery…). */
  readonly complete: boolean;
}

export function createChangeSet(paths: Iterable<string>, complete: boolean): ChangeSet {
  const sorted = [...new Set(paths)].sort();
  return { paths: sorted, complete };
}

/** Every path starting with `prefix`, in order, found by binary search (all of them for ''). */
export function* pathsWithPrefix(changes: ChangeSet, prefix: string): Generator<string> {
  const { paths } = changes;
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((paths[mid] as string) < prefix) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < paths.length; i++) {
    const path = paths[i] as string;
    if (!path.startsWith(prefix)) return;
    yield path;
  }
}
