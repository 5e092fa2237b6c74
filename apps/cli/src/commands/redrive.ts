import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DEPLOYED_NAMES } from '@monorepo-triggers/lambda-runtime';
import { Option, type Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { deadLetterQueuesOf, sqsClientFor, type DeadLetterFunction } from '../lib/dead-letter-queues';
import { describeEvent, readDeadLetter } from '../lib/dead-letters';
import { functionClient } from '../lib/function-client';
import { readLocalStack } from '../lib/local-state';
import { out, outJson, paint, UserError, visible } from '../lib/output';

export const REDRIVE_HELP: CommandHelp = {
  summary: 'replay what eval or statuses gave up on (their dead letters)',
  description: `Lists the dead letters of eval and statuses (each event Lambda gave up on after its two retries, with
its age, the error, and what it is about: repository, ref, commit, delivery) and replays each through
its function with the very event it failed on, invoked asynchronously as the webhook and EventBridge
invoked it. A message is deleted only once Lambda accepted the replay; one that fails again comes back
as a new dead letter after the function's retries. Replaying is safe to repeat: eval's starts are
idempotent and statuses posts each status once. SQS's own redrive does not serve queues fed by
Lambda, which is why this exists. On the local stack by default; with --aws, the deployed functions
and the queues their stacks name (output DeadLetterQueueUrl), with the default credentials.
--dry-run lists and changes nothing.`,
  examples: [
    'triggers send examples/pushes/billing-change.json --fail-start billing-service',
    'triggers redrive --dry-run',
    'triggers redrive --function eval',
  ],
  footer: 'Exit status: 0 when every dead letter was replayed (or, with --dry-run, listed), 1 when one was not.',
};

type FunctionKey = DeadLetterFunction;

export interface RedriveOptions {
  functions: FunctionKey[];
  dryRun: boolean;
  aws: boolean;
  queueUrl?: string;
  json: boolean;
}

/** One dead letter, as listed and as replayed. */
interface Listed {
  function: string;
  messageId: string;
  ageSeconds: number;
  error: string;
  what: string;
  repository?: string;
  ref?: string;
  commit?: string;
  delivery?: string;
  outcome: 'listed' | 'replayed' | 'not-replayed';
  reason?: string;
}

/** At most this many dead letters per queue and run; a larger backlog is what the next run is for. */
const MAX_MESSAGES = 1000;
/** How long a received message stays hidden from other readers while it is replayed. */
const VISIBILITY_SECONDS = 120;

/**
 * The queue's visible messages, ten at a time (hidden while this run works on them), each once: one
 * seen again (its visibility ran out while the run was busy) is not handed out twice.
 */
async function* receiveEach(sqs: SQSClient, url: string, aws: boolean): AsyncGenerator<Message> {
  const seen = new Set<string>();
  while (seen.size < MAX_MESSAGES) {
    const page = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: VISIBILITY_SECONDS,
        // Long polling on AWS, so an empty answer means an empty queue (short polls sample a subset of servers).
        WaitTimeSeconds: aws ? 2 : 0,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = (page.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
    if (fresh.length === 0) return;
    for (const message of fresh) {
      seen.add(message.MessageId ?? '');
      yield message;
    }
  }
}

export async function runRedrive(options: RedriveOptions): Promise<number> {
  if (options.queueUrl && options.functions.length !== 1) throw new UserError('--queue-url goes with one --function (eval or statuses)', 2);
  const listed: Listed[] = [];
  // A local stack without the stand-in GitHub runs no statuses function: only the queues it has.
  const queues = readLocalStack()?.deadLetterQueues ?? {};
  const functions =
    options.aws || options.queueUrl ? options.functions : options.functions.filter((key) => DEPLOYED_NAMES.functions[key] in queues);
  for (const key of functions) {
    const name = DEPLOYED_NAMES.functions[key];
    for (const url of await deadLetterQueuesOf(key, options)) await redriveQueue(key, name, url, options, listed);
  }
  if (options.json) outJson({ deadLetters: listed });
  else print(listed, options);
  return listed.some((l) => l.outcome === 'not-replayed') ? 1 : 0;
}

/** Lists (and, unless dry-running, replays) the dead letters of one queue of function `name`, adding them to `listed`. */
async function redriveQueue(key: FunctionKey, name: string, url: string, options: RedriveOptions, listed: Listed[]): Promise<void> {
  const sqs = sqsClientFor(options.aws);
  const lambda = options.dryRun ? undefined : functionClient(name, options.aws, 'redrive');
  // What is kept is made visible again at the end, not at once: the same run would receive it again.
  const keep: string[] = [];
  try {
    for await (const message of receiveEach(sqs, url, options.aws)) {
      const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
      const letter = readDeadLetter(message.Body ?? '', attributes);
      const sent = Number(message.Attributes?.SentTimestamp ?? Date.now());
      const entry: Listed = {
        function: key,
        messageId: message.MessageId ?? '',
        ageSeconds: Math.max(0, Math.round((Date.now() - sent) / 1000)),
        error: letter?.error ?? 'not JSON: not a dead letter of ours',
        ...describeEvent(letter?.payload),
        outcome: 'listed',
      };
      listed.push(entry);
      if (!lambda || !letter) {
        if (!letter && lambda) Object.assign(entry, { outcome: 'not-replayed', reason: 'not a dead letter of ours: left in the queue' });
        keep.push(message.ReceiptHandle ?? '');
        continue;
      }
      try {
        const answer = await lambda.send(
          new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(letter.payload)) }),
        );
        if (answer.StatusCode !== 202) throw new Error(`Lambda answered ${answer.StatusCode ?? 'nothing'} instead of 202`);
      } catch (error) {
        Object.assign(entry, { outcome: 'not-replayed', reason: (error as Error).message });
        keep.push(message.ReceiptHandle ?? '');
        continue;
      }
      // Accepted: the function has it (with its retries and dead-letter queue), so the message goes.
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      entry.outcome = 'replayed';
    }
    for (const handle of keep) {
      // A message whose visibility ran out meanwhile is visible already (SQS answers MessageNotInflight).
      await sqs
        .send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 0 }))
        .catch(() => undefined);
    }
  } finally {
    sqs.destroy();
    lambda?.destroy();
  }
}

function print(listed: Listed[], options: RedriveOptions): void {
  if (listed.length === 0) {
    out(`no dead letters (${options.functions.join(', ')})`);
    return;
  }
  for (const l of listed) {
    const mark =
      l.outcome === 'replayed' ? paint('green', '↻ replayed') : l.outcome === 'listed' ? paint('yellow', '•') : paint('red', '✗ kept');
    const about = [l.repository, l.ref, l.commit?.slice(0, 12), l.delivery ? `delivery ${l.delivery}` : undefined]
      .filter(Boolean)
      .map(visible)
      .join(' ');
    out(`${mark} ${l.function}: ${visible(l.what)}${about ? ` ${about}` : ''} ${paint('dim', `(${formatAge(l.ageSeconds)} old)`)}`);
    out(
      `    ${paint('dim', 'failed with:')} ${visible(l.error)}${l.reason ? `\n    ${paint('red', 'not replayed:')} ${visible(l.reason)}` : ''}`,
    );
  }
  const replayed = listed.filter((l) => l.outcome === 'replayed').length;
  out(options.dryRun ? `${listed.length} dead letter(s); nothing replayed (--dry-run)` : `${replayed} of ${listed.length} replayed`);
}

const formatAge = (seconds: number) =>
  seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;

/** `triggers redrive`: its options and help. */
export function registerRedrive(program: Command, done: (code: number) => void): void {
  command(program, 'redrive', REDRIVE_HELP)
    .addOption(new Option('--function <name>', 'only this function (default: eval and statuses)').choices(['eval', 'statuses']))
    .option('--dry-run', 'list the dead letters; replay and delete nothing')
    .option('--aws', 'the deployed functions and their queues, with the default credentials, instead of the local stack')
    .option('--queue-url <url>', "with --function: this queue instead of the one the function's stack names")
    .option('--json', 'one JSON document on stdout, for scripts')
    .action(async (options: { function?: FunctionKey; dryRun?: boolean; aws?: boolean; queueUrl?: string; json?: boolean }) => {
      done(
        await runRedrive({
          functions: options.function ? [options.function] : ['eval', 'statuses'],
          dryRun: !!options.dryRun,
          aws: !!options.aws,
          json: !!options.json,
          ...(options.queueUrl ? { queueUrl: options.queueUrl } : {}),
        }),
      );
    });
}
