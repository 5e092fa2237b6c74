import { styleText } from 'node:util';

type Style = 'red' | 'green' | 'yellow' | 'dim' | 'bold' | 'cyan';

/**
 * Characters a terminal acts on or hides rather than shows: C0 and C1 controls and DEL (ESC starts
 * cursor moves, colours and window titles; CR and BS overwrite what was printed), format characters
 * (bidirectional overrides and isolates that reorder the line as displayed, zero-width and tag
 * characters), line and paragraph separators, and lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `\x1b`, `\u202e`, `\u{e0041}`: the escape a JavaScript string literal would use. */
function escapeOf(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.codePointAt(0) as number;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/**
 * Text from outside (a path, a branch, a commit message, a reason, an error from a server) as it
 * may be printed on a terminal: every character the terminal would act on or hide is shown as its
 * escape, so a file named `\x1b[2K\r ▶ deploy-prod started` cannot erase a line and draw a fake
 * one, set the window title, or reorder what follows it. Newlines too: one value, one line.
 * Backslashes are left alone (patterns are full of them), so a name that spells `\x1b` with a real
 * backslash looks the same as an escaped ESC: harmless, as nothing is acted on.
 */
export function visible(text: unknown): string {
  return String(text).replace(INVISIBLE, escapeOf);
}

/** Like `visible`, keeping line breaks: for our own multi-line messages (an error's stack). */
export function visibleLines(text: string): string {
  return text.split('\n').map(visible).join('\n');
}

const ANY_INVISIBLE = new RegExp(INVISIBLE.source, 'u');

/** The colour codes `paint` writes (styleText's SGR sequences for our styles), and nothing else. */
// eslint-disable-next-line no-control-regex -- ESC is what the sequences start with
const OUR_STYLES = /\x1b\[(?:1|2|22|31|32|33|36|39)m/y;

/**
 * The last guard on every line out/err print: our own colours pass, every other control or invisible
 * character is escaped. Outside text is made visible where it is interpolated; this catches one that
 * was not, so no path prints a raw ESC, CR or override (a colour code it lets through can only colour).
 */
export function guardLine(line: string): string {
  if (!ANY_INVISIBLE.test(line.replaceAll('\n', ''))) return line;
  let result = '';
  for (let i = 0; i < line.length;) {
    OUR_STYLES.lastIndex = i;
    const style = OUR_STYLES.exec(line);
    if (style) {
      result += style[0];
      i += style[0].length;
      continue;
    }
    const code = line.codePointAt(i) as number;
    const char = String.fromCodePoint(code);
    // A lone surrogate is one unit; a pair makes one code point.
    const unit = code > 0xffff ? char : (line[i] as string);
    result += unit === '\n' ? unit : visible(unit);
    i += unit.length;
  }
  return result;
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  if (!stream.isTTY || process.env['NO_COLOR']) return text;
  return styleText(style, text);
}

export const out = (line = '') => process.stdout.write(guardLine(line) + '\n');
export const err = (line = '') => process.stderr.write(guardLine(line) + '\n');

/**
 * Characters JSON.stringify leaves raw (it escapes only C0, quotes and backslashes): DEL, C1,
 * format characters and separators. As `\uXXXX` escapes they are still the same JSON string, and
 * `--json` piped to a terminal (cat, less -R) draws nothing either.
 */
const RAW_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

/** One JSON document on stdout (`--json`): the values exact, nothing a terminal would act on. */
export function outJson(value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (char) =>
    [...Array(char.length).keys()].map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
  process.stdout.write(text + '\n');
}

/** A one-line progress counter on stderr, shown only on a terminal. */
export function progress(label: string): { update(done: number, total?: number): void; done(): void } {
  const tty = process.stderr.isTTY;
  return {
    update(done, total) {
      if (tty) process.stderr.write(`\r${label} ${done}${total ? `/${total}` : ''}`);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** An error the user can fix; printed without a stack trace, exit code 1 (or 2 for usage). */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
