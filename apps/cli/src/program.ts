import { Command } from 'commander';
import { registerDelete } from './commands/delete';
import { registerDoctor } from './commands/doctor';
import { registerExplain } from './commands/explain';
import { registerGet } from './commands/get';
import { registerHistory } from './commands/history';
import { registerList } from './commands/list';
import { registerNx } from './commands/nx';
import { registerPut } from './commands/put';
import { registerReconcile } from './commands/reconcile';
import { registerRedrive } from './commands/redrive';
import { registerSend } from './commands/send';
import { registerStart } from './commands/start';
import { registerValidate } from './commands/validate';
import { registerWhy } from './commands/why';
import { visibleLines } from './lib/output';

/**
 * The `triggers` command line: one command per job, each with its own options, help and examples.
 * `run` resolves with the exit status the action chose; commander's own errors (an unknown option,
 * a missing argument) are usage errors, exit 2.
 */
export function buildProgram(root: string, setExitCode: (code: number) => void): Command {
  const program = new Command('triggers')
    .description('Start many AWS CodePipeline pipelines from one GitHub monorepo, each only when the files it cares about change.')
    .exitOverride()
    .showHelpAfterError('(see triggers --help for the commands)')
    .allowExcessArguments(false)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    // Commander's own errors quote the arguments given (`unknown option '…'`): shown, never acted on.
    .configureOutput({ outputError: (text, write) => write(visibleLines(text)) })
    .addHelpText('after', "\nRun triggers COMMAND --help for a command's options and examples.");
  const done = (code: number) => setExitCode(code);
  // In the order `triggers --help` lists them: running it, configs, sending, recovery, checks, history.
  registerStart(program, root, done);
  registerValidate(program, done);
  registerExplain(program, done);
  registerList(program, done);
  registerGet(program, done);
  registerPut(program, done);
  registerDelete(program, done);
  registerSend(program, done);
  registerReconcile(program, done);
  registerRedrive(program, done);
  registerDoctor(program, done);
  registerNx(program, done);
  registerWhy(program, done);
  registerHistory(program, done);
  return program;
}
