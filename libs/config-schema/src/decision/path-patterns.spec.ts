import { compilePathPattern } from './path-patterns';

describe('compilePathPattern', () => {
  it('derives a prefix from the literal start of a regex or glob', () => {
    expect(compilePathPattern('^services/orders/', 'regex', 0).prefix).toBe('services/orders/');
    expect(compilePathPattern('^services/[^/]+/docs/', 'regex', 0).prefix).toBe('services/');
    expect(compilePathPattern('\\.md$', 'regex', 0).prefix).toBe('');
    expect(compilePathPattern('services/orders/**', 'glob', 0).prefix).toBe('services/orders');
    expect(compilePathPattern('**/*.md', 'glob', 0).prefix).toBe('');
    expect(compilePathPattern('README.md', 'glob', 0).prefix).toBe('README.md');
  });

  it('matches plain text without the engine (program size 0) and the rest with it', () => {
    for (const [source, syntax] of [
      ['^services/orders/', 'regex'],
      ['\\.md$', 'regex'],
      ['README.md', 'glob'],
      ['apps/web/**', 'glob'],
      ['**/*.md', 'glob'],
      ['**/package.json', 'glob'],
    ] as const) {
      expect(compilePathPattern(source, syntax, 0).programSize).toBe(0);
    }
    expect(compilePathPattern('^services/[^/]+/docs/', 'regex', 0).programSize).toBeGreaterThan(0);
    expect(compilePathPattern('**/*.{md,txt}', 'glob', 0).programSize).toBeGreaterThan(0);
  });

  it.each([
    ['^services/orders/', 'regex', 'services/orders/a.ts', true],
    ['^services/orders/', 'regex', 'x/services/orders/a.ts', false],
    ['\\.md$', 'regex', 'docs/a.md', true],
    ['\\.md$', 'regex', 'docs/a.mdx', false],
    ['^README\\.md$', 'regex', 'README.md', true],
    ['^README\\.md$', 'regex', 'docs/README.md', false],
    ['^services/[^/]+/docs/', 'regex', 'services/a/docs/x', true],
    ['^services/[^/]+/docs/', 'regex', 'services/a/b/docs/x', false],
    ['apps/web/**', 'glob', 'apps/web', true],
    ['apps/web/**', 'glob', 'apps/web/src/x.ts', true],
    ['apps/web/**', 'glob', 'apps/website/x.ts', false],
    ['README.md', 'glob', 'README.md', true],
    ['README.md', 'glob', 'docs/README.md', false],
    ['**/*.md', 'glob', 'a/b/c.md', true],
  ] as const)('%s (%s) on %s: %s', (source, syntax, path, expected) => {
    expect(compilePathPattern(source, syntax, 0).test(path)).toBe(expected);
  });

  it('throws a readable error for a pattern that does not compile', () => {
    expect(() => compilePathPattern('^(unclosed', 'regex', 0)).toThrow(/missing closing \)/);
    expect(() => compilePathPattern('(?!docs/)', 'regex', 0)).toThrow(/lookahead/);
    expect(() => compilePathPattern('a{b', 'glob', 0)).toThrow(/unclosed "\{"/);
  });
});
