import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DEPLOYED_NAMES } from '@monorepo-triggers/lambda-runtime';
import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { functionClient } from '../lib/function-client';
import { out, outJson, paint, UserError, visible } from '../lib/output';

export const RECONCILE_HELP: CommandHelp = {
  summary: 'find the deliveries GitHub could not hand to the webhook, and recover them (one pass)',
  description: `Runs one pass of the reconcile function, as its schedule does: it reads the webhook's delivery log on
GitHub down to where the last pass ended, and recovers each push or pull request delivery the webhook
did not take (down, throttled, a 5xx, too large for it), exactly once: GitHub redelivers it while it
fits the webhook, else the payload GitHub's API keeps goes to eval directly. Starts are idempotent,
so a delivery that did arrive after all starts nothing twice. On the local stack it reads the
stand-in GitHub's log (what \`triggers send\` delivered, or logged as --missed); with --aws it invokes
the deployed function (monorepo-triggers-reconcile) with the default credentials. --dry-run says what
it would recover and changes nothing. docs/recovery.md has every way a build can be lost.`,
  examples: ['triggers send examples/pushes/orders-release-tag.json --missed down', 'triggers reconcile --dry-run', 'triggers reconcile'],
  footer: 'Exit status: 0 when the pass ran (whatever it found), 1 when it failed.',
};

/** The part of the reconcile function's answer this command prints (its contract: docs/recovery.md). */
interface PassAnswer {
  webhooks: {
    webhook: string;
    dryRun: boolean;
    pages: number;
    examined: number;
    recoveries: {
      guid: string;
      event: string;
      action: string | null;
      attempt: number;
      result: string;
      repository?: string;
      note?: string;
    }[];
    confirmed: number;
    retriesScheduled: number;
    abandoned: { guid: string; reason: string }[];
    complete: boolean;
    stopped?: string;
    through?: string;
  }[];
}

const RESULT_WORDS: Record<string, string> = {
  redelivered: 'redelivered by GitHub',
  'handed-to-eval': "GitHub's copy handed to eval",
  'nothing-to-do': 'nothing to do',
  failed: 'failed, retried later',
  abandoned: 'abandoned',
  'would-recover': 'would be recovered',
};

export interface ReconcileOptions {
  dryRun: boolean;
  aws: boolean;
  functionName?: string;
  json: boolean;
}

/** Invokes the reconcile function once (synchronously) and prints what its pass did. */
export async function runReconcile(options: ReconcileOptions): Promise<number> {
  const name = options.functionName ?? DEPLOYED_NAMES.functions.reconcile;
  const client = functionClient(name, options.aws, 'reconcile');
  try {
    const output = await client.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ source: 'triggers-cli', dryRun: options.dryRun })) }),
    );
    const text = Buffer.from(output.Payload ?? []).toString('utf8');
    if (output.FunctionError) {
      const message = (JSON.parse(text || '{}') as { errorMessage?: string }).errorMessage ?? text;
      throw new UserError(`the reconcile function failed: ${visible(message)}`);
    }
    const answer = JSON.parse(text) as PassAnswer;
    if (options.json) {
      outJson(answer);
      return 0;
    }
    for (const pass of answer.webhooks) printPass(pass);
    return 0;
  } finally {
    client.destroy();
  }
}

function printPass(pass: PassAnswer['webhooks'][number]): void {
  const recovered = pass.recoveries.length;
  const headline = `${paint('bold', visible(pass.webhook))}: ${pass.dryRun ? `${recovered} to recover` : `${recovered} recovered`} of ${pass.examined} delivery(ies) examined (${pass.pages} page(s) of GitHub's log)`;
  out(headline);
  for (const r of pass.recoveries) {
    const what = visible(`${r.event}${r.action ? ` ${r.action}` : ''}${r.repository ? ` ${r.repository}` : ''}`);
    const mark = r.result === 'failed' || r.result === 'abandoned' ? paint('red', '✗') : paint('green', '↻');
    out(
      `  ${mark} ${visible(r.guid)} ${what}: ${RESULT_WORDS[r.result] ?? visible(r.result)}${r.attempt > 1 ? ` (try ${r.attempt})` : ''}${r.note ? paint('dim', ` — ${visible(r.note)}`) : ''}`,
    );
  }
  if (pass.confirmed > 0) out(`  ${paint('green', '✓')} ${pass.confirmed} earlier recovery(ies) now show as taken`);
  if (pass.retriesScheduled > 0) out(`  ${paint('yellow', '…')} ${pass.retriesScheduled} redelivery(ies) failed again: retried later`);
  for (const a of pass.abandoned) out(`  ${paint('red', '!')} gave up on ${visible(a.guid)}: ${visible(a.reason)}`);
  if (recovered === 0 && pass.confirmed === 0 && pass.abandoned.length === 0) out(paint('dim', '  nothing to recover'));
  if (pass.stopped) out(paint('yellow', `  stopped before the end: ${visible(pass.stopped)}; the next pass goes on from there`));
  else if (pass.dryRun) out(paint('dim', '  dry run: nothing recovered or recorded'));
  else if (pass.through) out(paint('dim', `  every delivery before ${visible(pass.through)} examined`));
}

/** `triggers reconcile`: its options and help. */
export function registerReconcile(program: Command, done: (code: number) => void): void {
  command(program, 'reconcile', RECONCILE_HELP)
    .option('--dry-run', 'say what would be recovered; redeliver, hand over and record nothing')
    .option('--aws', 'invoke the deployed function with the default credentials instead of the local stack')
    .option('--function <name>', `the function to invoke (default ${DEPLOYED_NAMES.functions.reconcile})`)
    .option('--json', "the function's answer as one JSON document, for scripts")
    .action(async (options: { dryRun?: boolean; aws?: boolean; function?: string; json?: boolean }) => {
      done(
        await runReconcile({
          dryRun: !!options.dryRun,
          aws: !!options.aws,
          json: !!options.json,
          ...(options.function ? { functionName: options.function } : {}),
        }),
      );
    });
}
