import { changeRule, payloadPathsAreChanges } from './change-rule';

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
