import { LIMITS } from '../schema/limits';
import { cachedLinearRegex, compileLinearRegex, PatternSyntaxError, unsupportedConstruct } from './linear-regex';

describe('compileLinearRegex', () => {
  it.each([
    ['(?=docs/)', /lookahead \(\(\?=\).*excludePaths/],
    ['^(?!docs/).*', /lookahead \(\(\?!\)/],
    ['(?<=a)b', /lookbehind \(\(\?<=\)/],
    ['(?<!a)b', /lookbehind \(\(\?<!\)/],
    ['(\\1|a)*b', /back-reference \(\\1\).*spell out/],
    ['(?<x>a)\\k<x>', /back-reference \(\\k<x>\)/],
    ['^(unclosed', /not valid RE2 syntax: missing closing \)/],
    ['[z-a]', /not valid RE2 syntax: invalid character class range/],
    ['a\\u00e9', /\\u00e9: write a code point as \\x\{00e9\}/],
    ['a{1001}', /invalid repeat count/],
    ['(a{100}){100}', /invalid repeat count/],
    ['a++', /invalid nested repetition/],
  ])('refuses %s, naming the construct', (source, message) => {
    expect(() => compileLinearRegex(source)).toThrow(PatternSyntaxError);
    expect(() => compileLinearRegex(source)).toThrow(message);
  });

  it('leaves lookaround spellings inside a class or escaped alone', () => {
    expect(unsupportedConstruct('[(?=]x')).toBeUndefined();
    expect(unsupportedConstruct('\\(\\?=')).toBeUndefined();
    expect(unsupportedConstruct('[]\\1]')).toBeUndefined();
    expect(() => compileLinearRegex('[(?=]x')).not.toThrow();
  });

  it(`refuses a program of more than ${LIMITS.patternInstructions} instructions, saying why`, () => {
    const big = 'a{1000}'.repeat(3);
    expect(() => compileLinearRegex(big)).toThrow(/compiles to 300\d instructions, more than 2000/);
    expect(compileLinearRegex('a{1000}').programSize).toBeLessThanOrEqual(LIMITS.patternInstructions);
  });

  // Patterns that take V8's backtracking engine seconds or forever: each is matched here in one
  // pass over the text. What is asserted is the answer; the time is in bench/RESULTS.md.
  it.each([
    ['^(a+)+$', `${'a'.repeat(4096)}!`, false],
    [`${'(.|.)'.repeat(32)}#`, 'x'.repeat(4096), false],
    [`^${'(a|a)?'.repeat(30)}b`, 'a'.repeat(4096), false],
    ['(.*a){12}$', `${'a'.repeat(4096)}b`, false],
    ['.*\\.tf1$', `${'a'.repeat(3000)}.tf`, false],
    ['^(\\w+\\s?)*$', `${'word '.repeat(800)}!`, false],
    ['^(a+)+$', 'a'.repeat(4096), true],
  ])('matches %s in linear time (no backtracking)', (source, text, expected) => {
    expect(compileLinearRegex(source).test(text)).toBe(expected);
  });
});

describe('cachedLinearRegex', () => {
  it('returns the same compiled pattern for the same source, and the same error for a bad one', () => {
    expect(cachedLinearRegex('^cached/.+\\.ts$')).toBe(cachedLinearRegex('^cached/.+\\.ts$'));
    let first: unknown;
    let second: unknown;
    try {
      cachedLinearRegex('(?=x)');
    } catch (error) {
      first = error;
    }
    try {
      cachedLinearRegex('(?=x)');
    } catch (error) {
      second = error;
    }
    expect(first).toBeInstanceOf(PatternSyntaxError);
    expect(second).toBe(first);
  });

  it('stays bounded: after thousands of other patterns, an old one is compiled again, correctly', () => {
    const first = cachedLinearRegex('^evict/me/.*$');
    for (let i = 0; i < 2500; i++) cachedLinearRegex(`^filler/${i}/.*$`);
    const again = cachedLinearRegex('^evict/me/.*$');
    expect(again).not.toBe(first);
    expect(again.test('evict/me/x')).toBe(true);
  });
});
