import { sign } from '@monorepo-triggers/github-signature';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { githubPushSchema, toCompactPushEvent } from '@monorepo-triggers/push-event';
import { setTimeout as sleep } from 'node:timers/promises';
import { readLocalStack, type LocalStackInfo } from '../lib/local-state';
import { openRecords } from '../lib/record-source';
import { outcomeLine, pushLine } from './why';
import { out, paint, UserError } from '../lib/output';

export const SEND_HELP = `Usage: triggers send FILE [--url URL] [--secret-file FILE] [--event NAME] [--delivery ID]

Signs FILE (the raw bytes, as GitHub does) with X-Hub-Signature-256 and POSTs it to a webhook with
GitHub's headers. By default it goes to the running local stack, signed with its secret.

Options:
  --url URL        the webhook URL (default: the local stack's)
  --secret-file F  a file holding the webhook secret (default: the WEBHOOK_SECRET environment
                   variable, else the local stack's). Never an argument: those show in the
                   process list and the shell history.
  --event NAME     X-GitHub-Event (default: push)
  --delivery ID    X-GitHub-Delivery (default: a new UUID; reuse one to act as a redelivery)
To the local stack, a push then waits for eval's decisions and prints them with the GitHub statuses
and check run that resulted (the stack's stand-in GitHub records them).
Exit status: 0 when the webhook answered 2xx, 1 otherwise.

Example:
  triggers send examples/pushes/orders-change.json`;

export interface SendOptions {
  url?: string;
  'secret-file'?: string;
  event?: string;
  delivery?: string;
}

export async function runSend(file: string | undefined, options: SendOptions): Promise<number> {
  if (!file) throw new UserError('send needs a payload file (see triggers send --help)', 2);
  const local = readLocalStack();
  const url = options.url ?? local?.webhookUrl;
  if (!url) throw new UserError('no local stack is running: start it with `npm start`, or pass --url');
  const secretFile = options['secret-file'] ?? (process.env['WEBHOOK_SECRET'] ? undefined : local?.secretFile);
  let secret = process.env['WEBHOOK_SECRET'];
  if (options['secret-file'] || !secret) {
    if (!secretFile) throw new UserError('no secret: set WEBHOOK_SECRET or pass --secret-file FILE');
    try {
      secret = readFileSync(secretFile, 'utf8').trim();
    } catch (error) {
      throw new UserError(`cannot read the secret file ${secretFile}: ${(error as Error).message}`);
    }
  }
  if (!secret) throw new UserError(`the secret file ${secretFile} is empty`);
  const body = readFileSync(file);
  const delivery = options.delivery ?? randomUUID();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': options.event ?? 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': sign(secret, body),
      'user-agent': 'GitHub-Hookshot/triggers-cli',
    },
    body,
  });
  const text = await response.text();
  const ok = response.status >= 200 && response.status < 300;
  out(`${ok ? paint('green', String(response.status)) : paint('red', String(response.status))} ${text} (delivery ${delivery})`);
  // To the local stack: show what the push did, as `triggers why` and GitHub would.
  if (ok && local && !options.url && (options.event ?? 'push') === 'push') {
    // The delivery was accepted: what follows only informs, and never changes the exit status.
    await showOutcome(body, delivery, local).catch((error: Error) => out(paint('yellow', `could not show the outcome: ${error.message}`)));
  }
  return ok ? 0 : 1;
}

/** How long `send` waits for eval's decision record: eval runs right after the webhook answers. */
const RECORD_POLLS = 50;
const RECORD_POLL_MS = 200;

/** Waits for eval's record of this delivery, then prints each pipeline's decision and what GitHub shows. */
async function showOutcome(body: Buffer, delivery: string, local: LocalStackInfo): Promise<void> {
  const push = githubPushSchema.safeParse(JSON.parse(body.toString('utf8')));
  if (!push.success) return;
  const event = toCompactPushEvent(push.data, delivery);
  const commit = event.headCommit ?? event.after;
  if (/^0+$/.test(commit)) return;
  const { records } = openRecords({});
  let record;
  for (let poll = 0; poll < RECORD_POLLS && !record; poll++) {
    record = (await records.forCommit(event.repository, commit)).records.find((r) => r.deliveryId === delivery);
    if (!record) await sleep(RECORD_POLL_MS);
  }
  if (!record) {
    out(
      paint(
        'yellow',
        `eval has not recorded its decisions yet: see the stack's console, or run triggers why ${commit.slice(0, 12)} --repo ${event.repository}`,
      ),
    );
    return;
  }
  out(pushLine(record));
  for (const c of record.configs) out(outcomeLine(c));
  if (!local.githubUrl) return;
  const repo = `/repos/${event.repository.split('/').map(encodeURIComponent).join('/')}`;
  const statuses = (await (await fetch(`${local.githubUrl}${repo}/commits/${commit}/statuses`)).json()) as {
    context: string;
    state: string;
    description: string | null;
  }[];
  const latest = new Map<string, { state: string; description: string | null }>();
  for (const s of statuses) if (!latest.has(s.context)) latest.set(s.context, s);
  out(paint('bold', `GitHub statuses on ${commit.slice(0, 7)}`) + paint('dim', ' (local stand-in)'));
  if (latest.size === 0) out(paint('dim', '  none'));
  for (const [context, s] of latest) out(`  ${s.state.padEnd(8)} ${context}: ${s.description ?? ''}`);
  const runs = (await (await fetch(`${local.githubUrl}${repo}/commits/${commit}/check-runs?check_name=monorepo-triggers`)).json()) as {
    check_runs: { conclusion: string | null; output: { title?: string } }[];
  };
  const run = runs.check_runs[0];
  if (run) out(`${paint('bold', 'check run monorepo-triggers:')} ${run.output.title ?? ''} (${run.conclusion ?? 'pending'})`);
}
