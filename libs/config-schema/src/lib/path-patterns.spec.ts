import { randomInt } from 'node:crypto';
import { compilePathPattern, literalRegexPrefix } from './path-patterns';

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
    ['^(a|b)/', ''],
    ['^a/|^b/', ''],
    ['^a/(x|y)|z', ''],
    ['^a/[|]', 'a/'],
    ['^a/(x|y)', 'a/'],
    ['services/', ''],
    ['\\.md$', ''],
    ['^', ''],
    ['^(?!docs/)', ''],
  ])('%s has prefix %j', (source, prefix) => {
    expect(literalRegexPrefix(source)).toBe(prefix);
  });

  it('never claims a prefix that a matching path lacks (random patterns and paths)', () => {
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

describe('compilePathPattern', () => {
  it('derives a glob prefix from its literal base', () => {
    expect(compilePathPattern('services/orders/**', 'glob', 0).prefix).toBe('services/orders');
    expect(compilePathPattern('**/*.md', 'glob', 0).prefix).toBe('');
    expect(compilePathPattern('README.md', 'glob', 0).prefix).toBe('README.md');
  });

  it.each([
    ['./src/index.ts', 'src/index.ts'],
    ['./src/**', 'src/x.ts'],
    ['!foo/**', '!foo/x'],
  ])('never claims a glob prefix the matched path lacks: %s matches %s', (glob, path) => {
    const pattern = compilePathPattern(glob, 'glob', 0);
    expect(pattern.regex.test(path)).toBe(true);
    expect(path.startsWith(pattern.prefix)).toBe(true);
  });

  it('throws a readable error for a regex that does not compile', () => {
    expect(() => compilePathPattern('^(unclosed', 'regex', 0)).toThrow(/Unterminated group/);
  });
});
