import { sign } from '@monorepo-triggers/github-signature';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readLocalStack } from '../lib/local-state';
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
  return ok ? 0 : 1;
}
