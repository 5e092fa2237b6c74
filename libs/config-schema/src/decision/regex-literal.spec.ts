import fc from 'fast-check';
import { RE2JS } from 're2js';
import { literalRegexPrefix, regexLiteral, testRegexLiteral } from './regex-literal';

describe('literalRegexPrefix', () => {
  it.each([
    ['^services/orders/', 'services/orders/'],
    ['^\\.github/workflows/', '.github/workflows/'],
    ['^libs\\/money\\-x/', 'libs/money-x/'],
    ['^libs?/money', 'lib'],
    ['^ab*c', 'a'],
    ['^ab+c', 'ab'],
    ['^ab{0,2}', 'a'],
    ['^a.b', 'a'],
    ['^a\\d', 'a'],
    ['^a\\pL', 'a'],
    ['^a\\Qb\\E', 'a'],
    ['^(a|b)/', ''],
    ['^a/|^b/', ''],
    ['^a/(x|y)|z', ''],
    ['^a/[|]', 'a/'],
    ['^a/(x|y)', 'a/'],
    ['^(?i)abc', ''],
    ['services/', ''],
    ['\\.md$', ''],
    ['^', ''],
  ])('%s has prefix %j', (source, prefix) => {
    expect(literalRegexPrefix(source)).toBe(prefix);
  });

  it('never claims a prefix that a matching path lacks (random patterns and paths, the RE2 engine as the oracle)', () => {
    // Atoms include the constructs a hand-written scanner gets wrong: a ']' first in a class, POSIX
    // classes, quoted text (\Q…\E), alternations inside and outside groups.
    const atom = fc.constantFrom(
      'a',
      'b',
      '/',
      '\\.',
      '.',
      'a?',
      'b*',
      'a+',
      '(a|b)',
      '[ab]',
      'a{0,1}',
      '|',
      '\\d',
      'x',
      '[](]',
      '[^]a]',
      '[[:alpha:](]',
      '\\Q(\\E',
      '\\Q[\\E',
      '(?:a|)',
      '[|]',
    );
    const pattern = fc.array(atom, { minLength: 1, maxLength: 6 }).map((atoms) => `^${atoms.join('')}`);
    const path = fc.array(fc.constantFrom('a', 'b', '/', '.', 'x', '1', '(', ']', '['), { maxLength: 8 }).map((chars) => chars.join(''));
    let checked = 0;
    fc.assert(
      fc.property(pattern, fc.array(path, { minLength: 30, maxLength: 30 }), (source, paths) => {
        let engine: RE2JS;
        try {
          engine = RE2JS.compile(source);
        } catch {
          return; // not valid RE2: never compiled into a trigger
        }
        const prefix = literalRegexPrefix(source);
        for (const p of paths) {
          if (!engine.test(p)) continue;
          checked++;
          expect({ source, path: p, startsWithPrefix: p.startsWith(prefix) }).toEqual({ source, path: p, startsWithPrefix: true });
        }
      }),
      { numRuns: 3000, seed: 20261125 },
    );
    expect(checked).toBeGreaterThan(1000);
  });

  it.each(['^ab[](]|c', '^ab[[:alpha:](]|c', '^ab\\Q(\\E|c', '^ab\\Q[\\E|c'])(
    'finds the top-level alternative in %s (no prefix)',
    (source) => {
      expect(literalRegexPrefix(source)).toBe('');
    },
  );
});

describe('regexLiteral', () => {
  it.each([
    ['^services/orders/', { kind: 'prefix', text: 'services/orders/' }],
    ['\\.md$', { kind: 'suffix', text: '.md' }],
    ['^README\\.md$', { kind: 'exact', text: 'README.md' }],
    ['docs/', { kind: 'contains', text: 'docs/' }],
    ['^a\\-b\\/c d', { kind: 'prefix', text: 'a-b/c d' }],
    ['^日本/', { kind: 'prefix', text: '日本/' }],
    ['^a.b', undefined],
    ['^a\\d', undefined],
    ['\\$', { kind: 'contains', text: '$' }],
    ['a\\\\$', undefined],
    ['^', undefined],
    ['^a|b', undefined],
    ['(?i)readme', undefined],
    ['(^|/)package\\.json$', { kind: 'basename', text: 'package.json' }],
    ['(?:^|/)Dockerfile$', { kind: 'basename', text: 'Dockerfile' }],
    ['(^|/)a.b$', undefined],
    ['(^|/)x', undefined],
  ])('%s is %j', (source, literal) => {
    expect(regexLiteral(source)).toEqual(literal);
  });

  it('answers like the RE2 engine for every plain-text pattern (random patterns and paths)', () => {
    const body = fc
      .array(fc.constantFrom('a', 'b', '/', '\\.', '\\-', 'é', '.md', 'x'), { minLength: 1, maxLength: 4 })
      .map((p) => p.join(''));
    const source = fc
      .tuple(fc.constantFrom('', '^', '(^|/)', '(?:^|/)'), body, fc.boolean())
      .map(([opening, text, end]) => `${opening}${text}${end ? '$' : ''}`);
    const path = fc.array(fc.constantFrom('a', 'b', '/', '.', '-', 'é', 'm', 'd', 'x'), { maxLength: 9 }).map((chars) => chars.join(''));
    let literal = 0;
    fc.assert(
      fc.property(source, fc.array(path, { minLength: 20, maxLength: 20 }), (pattern, paths) => {
        const form = regexLiteral(pattern);
        if (!form) return;
        literal++;
        const engine = RE2JS.compile(pattern);
        for (const p of paths)
          expect({ pattern, path: p, matches: testRegexLiteral(form, p) }).toEqual({ pattern, path: p, matches: engine.test(p) });
      }),
      { numRuns: 2000, seed: 20261125 },
    );
    expect(literal).toBeGreaterThan(500);
  });
});
