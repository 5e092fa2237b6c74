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
