import { styleText } from 'node:util';
import { guardLine, outJson, visible } from '../src/lib/output';

/**
 * Issue 30: terminal output that cannot be forged. Every string below came from outside (a file
 * name git allows, a branch, a reason, a server's error); the expected forms are written by hand.
 */
describe('visible', () => {
  it.each([
    ['a plain path', 'services/orders/src/totals.ts', 'services/orders/src/totals.ts'],
    ['letters, marks and emoji of any script', 'docs/éàü/日本語/🚀.md', 'docs/éàü/日本語/🚀.md'],
    ['a backslash (patterns are full of them)', '^services/.*\\.md$', '^services/.*\\.md$'],
    ['a line erased and redrawn: ESC [2K, then CR', '\x1b[2K\r ▶ deploy-prod started', '\\x1b[2K\\r ▶ deploy-prod started'],
    ['a window title: OSC 0 ended by BEL', '\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'],
    ['a window title ended by ST (ESC \\)', '\x1b]2;pwned\x1b\\', '\\x1b]2;pwned\\x1b\\'],
    ['a hyperlink (OSC 8)', '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07', '\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07'],
    ['a colour', '\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'],
    ['a new line that would draw a line of its own', 'a.ts\n  ▶ deploy-prod started', 'a.ts\\n  ▶ deploy-prod started'],
    ['a tab and a backspace', 'a\tb\bc', 'a\\tb\\x08c'],
    ['NUL and DEL', 'a\x00b\x7f', 'a\\x00b\\x7f'],
    ['C1 controls: CSI and NEL as single characters', 'a\u009b2Kb\u0085c', 'a\\x9b2Kb\\x85c'],
    ['a right-to-left override (the "gnp.exe" trick)', 'evil\u202egnp.exe', 'evil\\u202egnp.exe'],
    ['every bidirectional embedding and override', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['every bidirectional isolate', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['left-to-right and right-to-left marks, the Arabic letter mark', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['zero-width space, joiner and byte-order mark', 'a\u200bb\u200dc\ufeff', 'a\\u200bb\\u200dc\\ufeff'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['invisible tag characters (hidden text)', 'ok\u{e0041}\u{e0042}', 'ok\\u{e0041}\\u{e0042}'],
    ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
  ])('shows %s', (_what, text, shown) => {
    expect(visible(text)).toBe(shown);
  });

  it('shows any value as text', () => {
    expect(visible(undefined)).toBe('undefined');
    expect(visible(404)).toBe('404');
  });
});

describe('guardLine (what out and err print)', () => {
  it('keeps line breaks and our own colours, and shows every other control character', () => {
    // What paint writes on a terminal (styleText's codes for green, dim, bold, red, yellow, cyan).
    const ours = '\x1b[32m✓\x1b[39m \x1b[2mnote\x1b[22m \x1b[1mb\x1b[22m \x1b[31mr\x1b[39m \x1b[36mc\x1b[39m';
    expect(guardLine(ours)).toBe(ours);
    expect(guardLine('\x1b[33m!\x1b[39m a\nb')).toBe('\x1b[33m!\x1b[39m a\nb');
    expect(guardLine('x\x1b[2K\ry')).toBe('x\\x1b[2K\\ry');
    // A colour code not among ours (conceal, 8) is shown, not acted on.
    expect(guardLine('\x1b[8mhidden')).toBe('\\x1b[8mhidden');
    expect(guardLine('evil\u202egnp.exe \x1b]0;t\x07')).toBe('evil\\u202egnp.exe \\x1b]0;t\\x07');
    expect(guardLine('🚀 ok')).toBe('🚀 ok');
  });

  it.each(['red', 'green', 'yellow', 'dim', 'bold', 'cyan'] as const)(
    "lets paint's %s through, as Node writes it on a terminal",
    (style) => {
      const painted = styleText(style, 'x', { validateStream: false });
      expect(painted).not.toBe('x');
      expect(guardLine(painted)).toBe(painted);
    },
  );
});

describe('outJson', () => {
  const printed = (value: unknown) => {
    const chunks: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      outJson(value);
    } finally {
      write.mockRestore();
    }
    return chunks.join('');
  };

  it('prints the same values, with nothing raw a terminal would act on', () => {
    const value = {
      path: '\x1b[2K\r ▶ x',
      title: '\x1b]0;pwned\x07',
      bidi: 'evil\u202egnp.exe',
      c1: '\u009b',
      tag: '\u{e0041}',
      sep: '\u2028',
    };
    const text = printed(value);
    expect(JSON.parse(text)).toEqual(value);
    // eslint-disable-next-line no-control-regex -- the characters that must not appear raw
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]|\u{e0041}/u);
    expect(text).toContain('"bidi": "evil\\u202egnp.exe"');
    expect(text).toContain('"tag": "\\udb40\\udc41"');
  });
});
