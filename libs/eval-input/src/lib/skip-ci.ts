/**
 * The commit-message markers that ask for no build, as GitHub Actions honours them for push and
 * pull_request events (docs.github.com, "Skipping workflow runs"). Their `[skip actions]` and
 * `[actions skip]` name GitHub Actions itself, so they are not ours. Matched exactly as written.
 */
export const SKIP_CI_MARKERS = ['[skip ci]', '[ci skip]', '[no ci]'] as const;

export type SkipCiMarker = (typeof SKIP_CI_MARKERS)[number];

/** The first marker a commit message contains (earliest in the message), if any. */
export function skipCiMarker(message: string | null | undefined): SkipCiMarker | undefined {
  if (!message) return undefined;
  let found: { marker: SkipCiMarker; at: number } | undefined;
  for (const marker of SKIP_CI_MARKERS) {
    const at = message.indexOf(marker);
    if (at !== -1 && (!found || at < found.at)) found = { marker, at };
  }
  return found?.marker;
}
