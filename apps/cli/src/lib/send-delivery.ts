import { sign } from '@monorepo-triggers/github-signature';
import { DELIVER_PATH, type MissedDelivery } from '@monorepo-triggers/local-github';
import { readFileSync } from 'node:fs';
import type { LocalStackInfo } from './local-state';
import { UserError, visible } from './output';

// How `triggers send` delivers: signed straight to a webhook, or through the local stack's stand-in
// GitHub, which signs it with the stack's secret and keeps it in its delivery log as GitHub does.

/** What the webhook answered, or (through GitHub's stand-in) what GitHub logged: 0 when GitHub got no answer. */
export interface WebhookAnswer {
  status: number;
  text: string;
  /** GitHub's words for a failed delivery (`failed to connect to host`, `Invalid HTTP Response: 429`). */
  githubStatus?: string;
}

/** The webhook secret for a direct POST: --secret-file, WEBHOOK_SECRET, or the local stack's. */
export function webhookSecret(secretFileOption: string | undefined, local: LocalStackInfo | undefined): string {
  const secretFile = secretFileOption ?? (process.env['WEBHOOK_SECRET'] ? undefined : local?.secretFile);
  let secret = process.env['WEBHOOK_SECRET'];
  if (secretFileOption || !secret) {
    if (!secretFile) throw new UserError('no secret: set WEBHOOK_SECRET or pass --secret-file FILE');
    try {
      secret = readFileSync(secretFile, 'utf8').trim();
    } catch (error) {
      throw new UserError(`cannot read the secret file ${visible(secretFile)}: ${visible((error as Error).message)}`);
    }
  }
  if (!secret) throw new UserError(`the secret file ${visible(secretFile)} is empty`);
  return secret;
}

/** POSTs the payload signed, with GitHub's headers, straight to a webhook. */
export async function postSigned(
  url: string,
  delivery: { event: string; body: Buffer; delivery: string; secret: string },
): Promise<WebhookAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': delivery.event,
      'x-github-delivery': delivery.delivery,
      'x-hub-signature-256': sign(delivery.secret, delivery.body),
      'user-agent': 'GitHub-Hookshot/triggers-cli',
    },
    body: delivery.body,
  });
  return { status: response.status, text: await response.text() };
}

/** Has the local stack's stand-in GitHub deliver the payload (or log it as missed) and says what it logged. */
export async function deliverThroughGithub(
  githubUrl: string,
  delivery: { event: string; body: Buffer; delivery: string; missed?: MissedDelivery },
): Promise<WebhookAnswer> {
  const response = await fetch(`${githubUrl}${DELIVER_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      event: delivery.event,
      payload: delivery.body.toString('utf8'),
      guid: delivery.delivery,
      ...(delivery.missed ? { missed: delivery.missed } : {}),
    }),
  });
  const answer = (await response.json()) as { message?: string; status?: string; status_code?: number; response?: { payload?: string } };
  if (!response.ok) throw new UserError(`the stand-in GitHub did not deliver it: ${visible(answer.message ?? response.status)}`);
  return {
    status: answer.status_code ?? 0,
    text: answer.response?.payload ?? '',
    ...(answer.status ? { githubStatus: answer.status } : {}),
  };
}
