import { CommanderError } from 'commander';
import { resolve } from 'node:path';
import { err, out, paint, UserError, visibleLines } from './lib/output';
import { buildProgram } from './program';

// The repository root: dist/apps/cli/main.js is three levels down.
const ROOT = resolve(__dirname, '..', '..', '..');

/** Runs one command line; resolves with the exit status (2: a usage error). */
async function run(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(ROOT, (code) => (exitCode = code));
  if (argv.length === 0) {
    // No command: the command list, as a usage error.
    out(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // Commander has printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return exitCode;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    // The message may carry text from outside (a file name, a server's answer): its lines made visible.
    if (error instanceof UserError) {
      err(`${paint('red', 'error:', process.stderr)} ${visibleLines(error.message)}`);
      process.exitCode = error.exitCode;
    } else {
      err(`${paint('red', 'error:', process.stderr)} ${visibleLines(error.stack ?? error.message)}`);
      process.exitCode = 1;
    }
  },
);
