import type { Command } from 'commander';

/** What a command's help says beyond its options: what it does, and examples that a test runs. */
export interface CommandHelp {
  /** One line, for the command list. */
  summary: string;
  /** What it does, in a paragraph or two (before the options). */
  description: string;
  /** Whole command lines; each is run by a test and must do what the help says. */
  examples: string[];
  /** Said after the examples (exit status, notes). */
  footer?: string;
}

/** Adds a command with its help (summary, description, examples) to `program`. */
export function command(program: Command, nameAndArgs: string, help: CommandHelp): Command {
  const examples = `\nExamples:\n${help.examples.map((e) => `  ${e}`).join('\n')}${help.footer ? `\n\n${help.footer}` : ''}`;
  // Paragraphs are flowed to the terminal's width by commander: single line breaks are only wrapping.
  const description = help.description.replace(/([^\n])\n(?!\n)/g, '$1 ');
  const name = nameAndArgs.split(' ')[0] as string;
  return program
    .command(nameAndArgs)
    .summary(help.summary)
    .description(description)
    .addHelpText('after', examples)
    .showHelpAfterError(`(see triggers ${name} --help for its options and examples)`);
}
