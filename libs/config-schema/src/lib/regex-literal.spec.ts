import { randomInt } from 'node:crypto';
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

  it('never claims a prefix that a matching path lacks (random patterns and paths, JavaScript RegExp as the oracle)', () => {
    const atoms = ['a', 'b', '/', '\\.', '.', 'a?', 'b*', 'a+', '(a|b)', '[ab]', 'a{0,1}', '|', '\\d', 'x'];
    const chars = ['a', 'b', '/', '.', 'x', '1'];
    let checked = 0;
    for (let n = 0; n < 3000; n++) {
      const source = '^' + Array.from({ length: randomInt(1, 6) }, () => atoms[randomInt(atoms.length)]).join('');
      let regex: RegExp;
      try {
        regex = new RegExp(source);
      } catch {
        continue;
      }
      const prefix = literalRegexPrefix(source);
      for (let k = 0; k < 30; k++) {
        const path = Array.from({ length: randomInt(0, 8) }, () => chars[randomInt(chars.length)]).join('');
        if (regex.test(path)) {
          checked++;
          expect({ source, path, startsWithPrefix: path.startsWith(prefix) }).toEqual({ source, path, startsWithPrefix: true });
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
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
    const pieces = ['a', 'b', '/', '\\.', '\\-', 'é', '.md', 'x'];
    const openings = ['', '^', '(^|/)', '(?:^|/)'];
    const chars = ['a', 'b', '/', '.', '-', 'é', 'm', 'd', 'x'];
    let literal = 0;
    for (let n = 0; n < 2000; n++) {
      const body = Array.from({ length: randomInt(1, 5) }, () => pieces[randomInt(pieces.length)]).join('');
      const source = `${openings[randomInt(openings.length)]}${body}${randomInt(2) ? '$' : ''}`;
      const form = regexLiteral(source);
      if (!form) continue;
      literal++;
      const engine = RE2JS.compile(source);
      for (let k = 0; k < 20; k++) {
        const path = Array.from({ length: randomInt(0, 9) }, () => chars[randomInt(chars.length)]).join('');
        expect({ source, path, matches: testRegexLiteral(form, path) }).toEqual({ source, path, matches: engine.test(path) });
      }
    }
    expect(literal).toBeGreaterThan(500);
  });
});
