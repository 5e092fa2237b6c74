/** An ordinary push to main: the ref moved from one commit to the next, nothing created, deleted or forced. */
export const ORDINARY_PUSH = {
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  created: false,
  deleted: false,
  forced: false,
} as const;

/**
 * A GitHub push payload (the JSON body of a `push` delivery): an ordinary push of one commit to main
 * of Acme/Platform; `overrides` replace top-level fields (ref, after, commits, repository, ...).
 */
export const minimalPush = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    ...ORDINARY_PUSH,
    repository: { full_name: 'Acme/Platform', default_branch: 'main' },
    commits: [{ id: 'b'.repeat(40), distinct: true, added: ['services/orders/a.ts'], removed: [], modified: ['README.md'] }],
    head_commit: { id: 'b'.repeat(40) },
    ...overrides,
  });

/** A push payload of one commit `after` to main of `repository` that adds `added`. */
export function pushAdding(after: string, added: string[], repository = 'acme/platform'): string {
  return minimalPush({
    after,
    repository: { full_name: repository, default_branch: 'main' },
    commits: [{ id: after, distinct: true, added, removed: [], modified: [] }],
    head_commit: { id: after },
  });
}

/**
 * A push payload of about `megabytes` MB: many commits (of 1,000 distinct, long paths each, below
 * GitHub's per-commit caps), as a large generated change makes; `overrides` as for minimalPush.
 */
export function largePush(megabytes: number, overrides: Record<string, unknown> = {}): string {
  const pathsPerCommit = 1000;
  const path = (c: number, i: number) => `services/generated/module-${c}/deeply/nested/directory/structure/file-${i}-${'x'.repeat(40)}.ts`;
  const commitBytes = pathsPerCommit * (path(0, 0).length + 3);
  const commits = Array.from({ length: Math.ceil((megabytes * 1024 * 1024) / commitBytes) }, (_, c) => ({
    id: c.toString(16).padStart(40, '0'),
    distinct: true,
    added: Array.from({ length: pathsPerCommit }, (_, i) => path(c, i)),
    removed: [],
    modified: [],
  }));
  return minimalPush({ commits, ...overrides });
}
