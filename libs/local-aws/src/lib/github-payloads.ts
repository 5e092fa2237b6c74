/**
 * A GitHub push payload (the JSON body of a `push` delivery): an ordinary push of one commit to main
 * of Acme/Platform; `overrides` replace top-level fields (ref, after, commits, repository, ...).
 */
export const minimalPush = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    created: false,
    deleted: false,
    forced: false,
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
