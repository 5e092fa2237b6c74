/**
 * GitHub's limits, kept by the stand-in so that code relying on more fails here as it would there
 * (from GitHub's documentation, deliberately not shared with eval's own constants):
 * the compare API lists at most 300 files for a whole comparison (and only on its first page); a
 * recursive tree holds at most 100,000 entries, beyond which GitHub answers with `truncated: true`.
 */
export const GITHUB_LIMITS = {
  compareFiles: 300,
  compareCommitsPerPage: 250,
  treeEntries: 100_000,
  statusesPerContext: 1000,
  /** A pull request's files: at most 3,000 in all, 100 a page (30 by default). */
  pullRequestFiles: 3000,
  pullRequestFilesPerPage: 100,
  /** A push delivery lists at most 2,048 commits, and per commit about 3,000 paths (added, removed and modified together). */
  pushCommits: 2048,
  pushPathsPerCommit: 3000,
} as const;
