import { SKIP_CI_MARKERS, skipCiMarker } from './skip-ci';

describe('skipCiMarker', () => {
  it('knows the three markers GitHub Actions documents for any CI, and not its own [skip actions]', () => {
    expect([...SKIP_CI_MARKERS]).toEqual(['[skip ci]', '[ci skip]', '[no ci]']);
  });

  // Written by hand from GitHub's "Skipping workflow runs": the marker anywhere in the message, exactly as written.
  it.each<[string | null | undefined, string | undefined]>([
    ['docs: fix a typo [skip ci]', '[skip ci]'],
    ['[ci skip] bump version', '[ci skip]'],
    ['Refactor\n\nNothing to build here. [no ci]', '[no ci]'],
    ['first [no ci], then [skip ci]', '[no ci]'],
    ['fix: [skip-ci] is not a marker', undefined],
    ['[Skip CI] in capitals is not one either', undefined],
    ['skip ci without brackets', undefined],
    ['[skip actions] is for GitHub Actions alone', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %j', (message, expected) => {
    expect(skipCiMarker(message)).toBe(expected);
  });
});
