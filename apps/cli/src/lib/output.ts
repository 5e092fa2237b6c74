import { styleText } from 'node:util';

type Style = 'red' | 'green' | 'yellow' | 'dim' | 'bold' | 'cyan';

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  if (!stream.isTTY || process.env['NO_COLOR']) return text;
  return styleText(style, text);
}

export const out = (line = '') => process.stdout.write(line + '\n');
export const err = (line = '') => process.stderr.write(line + '\n');

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
