import { createChangeSet, pathsWithAnyPrefix, pathsWithPrefix } from './change-set';

/** The answer written the obvious way: the distinct paths, in the order given, that start with the prefix. */
const expected = (paths: string[], prefix: string) => [...new Set(paths)].filter((p) => p.startsWith(prefix));

describe('createChangeSet / pathsWithPrefix', () => {
  // Deterministic pseudo-random paths: a few top-level folders, some repeated, some non-ASCII.
  const paths = Array.from({ length: 400 }, (_, i) => {
    const folder = ['services', 'libs', 'apps', 'docs', 'Ünïcode', 'services-old'][(i * 7) % 6];
    return `${folder}/${(i * 7919) % 37}/file-${(i * 104729) % 53}.ts`;
  });
  const prefixes = ['', 'services/', 'services', 'services/1', 'libs/3/', 'Ünïcode/', 'nope/', 'docs/0/file-1'];

  it('keeps each path once, in the order given', () => {
    const changes = createChangeSet(['b', 'a', 'b', 'c'], true);
    expect(changes.paths).toEqual(['b', 'a', 'c']);
    expect(changes.complete).toBe(true);
  });

  it('answers every prefix in the order given, while walking the paths and after it switched to the sorted index', () => {
    const changes = createChangeSet(paths, true);
    // Enough questions to cross from walking to the index (about log2(400) ≈ 9 walks of every path).
    for (let round = 0; round < 4; round++)
      for (const prefix of prefixes.filter((p) => p !== ''))
        expect([round, prefix, [...pathsWithPrefix(changes, prefix)]]).toEqual([round, prefix, expected(paths, prefix)]);
    expect([...pathsWithPrefix(changes, '')]).toEqual(expected(paths, ''));
  });

  it("answers '' (every path) from the index at once, and the same afterwards", () => {
    const changes = createChangeSet(paths, false);
    for (const prefix of prefixes) expect([prefix, [...pathsWithPrefix(changes, prefix)]]).toEqual([prefix, expected(paths, prefix)]);
  });

  it('answers several prefixes at once, overlapping ones too, each path once in the order given, in both modes', () => {
    const sets = [
      ['libs/', 'libs/3/'],
      ['services', 'docs/'],
      ['docs/0/', 'Ünïcode/1', 'nope/'],
      ['apps/', 'apps/'],
    ];
    const any = (prefixes: string[]) => [...new Set(paths)].filter((p) => prefixes.some((prefix) => p.startsWith(prefix)));
    const changes = createChangeSet(paths, true);
    for (let round = 0; round < 12; round++)
      for (const prefixes of sets)
        expect([round, prefixes, [...pathsWithAnyPrefix(changes, prefixes)]]).toEqual([round, prefixes, any(prefixes)]);
  });

  it('works for a change set built by hand (no index yet)', () => {
    expect([...pathsWithPrefix({ paths: ['z/1', 'a/2', 'a/1'], complete: true }, 'a/')]).toEqual(['a/2', 'a/1']);
  });
});
