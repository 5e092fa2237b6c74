import { branchRef, parseRef, refName } from './ref-patterns';

describe('ref names', () => {
  it.each([
    ['refs/heads/main', 'main'],
    ['refs/heads/release/1.x', 'release/1.x'],
    ['refs/tags/v1.2.0', 'v1.2.0'],
    ['refs/pull/7/head', 'refs/pull/7/head'],
    ['main', 'main'],
  ])('refName(%s) is %s, what GitHub shows', (ref, name) => {
    expect(refName(ref)).toBe(name);
    expect(refName(ref)).toBe(parseRef(ref).name);
  });

  it.each([
    ['main', 'refs/heads/main'],
    ['feature/x', 'refs/heads/feature/x'],
    ['refs/heads/main', 'refs/heads/main'],
    ['refs/tags/v1', 'refs/tags/v1'],
  ])('branchRef(%s) is %s', (name, ref) => {
    expect(branchRef(name)).toBe(ref);
  });
});
