import {
  changeRule,
  mergeGroupFacts,
  payloadPathsAreChanges,
  pullRequestFacts,
  pushFacts,
  SKIP_CI_MARKERS,
  skipCiMarker,
} from './decision-inputs';

const ZERO = '0'.repeat(40);
const push = {
  ref: 'refs/heads/feature',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  created: false,
  deleted: false,
  forced: false,
  defaultBranch: 'main',
};

describe('changeRule', () => {
  it.each([
    ['an ordinary push within the caps', push, { kind: 'listed', complete: true }, true],
    ['an ordinary push at a cap', { ...push, incompleteReasons: ['2048 commits'] }, { kind: 'listed', complete: false }, true],
    [
      'a fast-forward with no commits listed',
      { ...push, incompleteReasons: ['no commits listed'] },
      { kind: 'listed', complete: false },
      true,
    ],
    ['a forced push', { ...push, forced: true }, { kind: 'forced', base: push.before, head: push.after }, false],
    ['a new branch', { ...push, created: true, before: ZERO }, { kind: 'new-branch', defaultBranch: 'main', head: push.after }, false],
    [
      'a new branch GitHub did not flag as created',
      { ...push, before: ZERO },
      { kind: 'new-branch', defaultBranch: 'main', head: push.after },
      false,
    ],
    [
      'a new branch that is also forced',
      { ...push, created: true, forced: true, before: ZERO },
      { kind: 'new-branch', defaultBranch: 'main', head: push.after },
      false,
    ],
    [
      'the default branch created',
      { ...push, ref: 'refs/heads/main', created: true, before: ZERO },
      { kind: 'new-default-branch', head: push.after },
      false,
    ],
    ['a deletion', { ...push, deleted: true, after: ZERO }, { kind: 'deleted' }, false],
  ])('%s', (_name, event, rule, certain) => {
    expect(changeRule(event)).toEqual(rule);
    expect(payloadPathsAreChanges(changeRule(event))).toBe(certain);
  });
});

describe('the facts of an event', () => {
  it('a push: its ref and deletion, created as told, its [skip ci] marker only when there is one', () => {
    expect(pushFacts({ repository: 'acme/platform', ref: 'refs/heads/main', deleted: false }, true)).toEqual({
      repository: 'acme/platform',
      ref: 'refs/heads/main',
      deleted: false,
      created: true,
    });
    expect(pushFacts({ repository: 'a/b', ref: 'refs/tags/v1', deleted: true, skipCi: '[ci skip]' }, false)).toEqual({
      repository: 'a/b',
      ref: 'refs/tags/v1',
      deleted: true,
      created: false,
      skipCi: '[ci skip]',
    });
  });

  it('a pull request: what decidePullRequest reads, nothing of its head', () => {
    const event = {
      repository: 'acme/platform',
      number: 7,
      event: 'synchronize' as const,
      baseRef: 'refs/heads/main',
      draft: true,
      fromFork: false,
      headSha: 'c'.repeat(40),
    };
    expect(pullRequestFacts(event)).toEqual({
      repository: 'acme/platform',
      number: 7,
      event: 'synchronize',
      baseRef: 'refs/heads/main',
      draft: true,
      fromFork: false,
    });
    expect(pullRequestFacts(event, '[skip ci]')).toMatchObject({ skipCi: '[skip ci]' });
  });

  it('a merge group: its repository, base branch and group branch', () => {
    expect(
      mergeGroupFacts({ repository: 'a/b', baseRef: 'refs/heads/main', headRef: 'refs/heads/gh-readonly-queue/main/pr-1-abc' }),
    ).toEqual({ repository: 'a/b', baseRef: 'refs/heads/main', headRef: 'refs/heads/gh-readonly-queue/main/pr-1-abc' });
  });
});

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
