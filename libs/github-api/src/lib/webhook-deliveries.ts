import { hookDeliveryItemSchema, hookDeliverySchema, type HookDeliveryDetail, type HookDeliveryItem } from './github-api.schema';
import type { GithubAuth } from './github-auth';
import { GithubClient, type GithubClientOptions } from './github-client';
import * as z from 'zod/mini';

/**
 * A webhook whose delivery log can be read: the GitHub App's own (`app`, read with the App's JWT), or
 * an organisation's (`org:ORG:HOOK_ID`, read with an org owner's `admin:org_hook` token or the App's
 * installation token with the organisation permission "Webhooks").
 */
export type WebhookRef = { app: true } | { org: string; hookId: number };

/** `app` or `org:ORG:HOOK_ID`, as settings write a webhook; undefined when it is neither. */
export function parseWebhookRef(text: string): WebhookRef | undefined {
  if (text === 'app') return { app: true };
  const org = /^org:([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})):(\d{1,19})$/.exec(text);
  return org ? { org: org[1] as string, hookId: Number(org[2]) } : undefined;
}

/** The webhook's name in settings, logs and the recovery ledger's keys. */
export const webhookName = (hook: WebhookRef) => ('app' in hook ? 'app' : `org:${hook.org.toLowerCase()}:${hook.hookId}`);

/** The API path of a webhook's delivery log. */
const deliveriesPath = (hook: WebhookRef) =>
  'app' in hook ? '/app/hook/deliveries' : `/orgs/${encodeURIComponent(hook.org)}/hooks/${hook.hookId}/deliveries`;

/** One page of a delivery log: the attempts on it, newest first, and the cursor of the next page. */
export interface DeliveryPage {
  deliveries: HookDeliveryItem[];
  nextCursor?: string;
}

/** A page GitHub answered in a shape we do not know: not retried, it would not change. */
export class UnexpectedDeliveryLog extends Error {
  override readonly name = 'UnexpectedDeliveryLog';
}

/**
 * A webhook's delivery log on GitHub: its pages (cursor paging, newest first, 100 a page), one
 * delivery with its payload, and a redelivery. GitHub keeps deliveries 3 days (github.com).
 */
export class WebhookDeliveries {
  private readonly client: GithubClient;
  private readonly perPage: number;

  /** `perPage`: deliveries per page, GitHub's maximum (100) unless a test wants more pages. */
  constructor(
    baseUrl: string,
    auth: GithubAuth,
    readonly hook: WebhookRef,
    options: GithubClientOptions & { perPage?: number } = {},
  ) {
    this.perPage = options.perPage ?? 100;
    const hookToken = auth.hookToken?.bind(auth);
    if (!hookToken) throw new Error('this GitHub credential cannot read a webhook delivery log');
    this.client = new GithubClient(baseUrl, { canCreateCheckRuns: false, token: () => hookToken(hook) }, options);
  }

  /** The page at `cursor` (the newest without one). */
  async page(cursor?: string): Promise<DeliveryPage> {
    const query = new URLSearchParams({ per_page: String(this.perPage), ...(cursor ? { cursor } : {}) });
    const answer = await this.client.get(`${deliveriesPath(this.hook)}?${query}`, '');
    const parsed = z.array(hookDeliveryItemSchema).safeParse(answer.body);
    if (!parsed.success) throw new UnexpectedDeliveryLog(`GitHub's delivery log of ${webhookName(this.hook)} is not a list of deliveries`);
    const nextCursor = answer.next ? (new URL(answer.next).searchParams.get('cursor') ?? undefined) : undefined;
    return { deliveries: parsed.data, ...(nextCursor ? { nextCursor } : {}) };
  }

  /** One delivery with the payload GitHub sent. */
  async get(id: number): Promise<HookDeliveryDetail> {
    const answer = await this.client.get(`${deliveriesPath(this.hook)}/${id}`, '');
    const parsed = hookDeliverySchema.safeParse(answer.body);
    if (!parsed.success) throw new UnexpectedDeliveryLog(`GitHub's delivery ${id} of ${webhookName(this.hook)} has no payload`);
    return parsed.data;
  }

  /**
   * Asks GitHub to deliver `id` again (same payload, same `X-GitHub-Delivery`). Not retried after a
   * 5xx or no answer, when GitHub may have acted on it; a rate-limit refusal is (GithubClient).
   */
  async redeliver(id: number): Promise<void> {
    await this.client.write('POST', `${deliveriesPath(this.hook)}/${id}/attempts`, '', undefined, { idempotent: false });
  }
}
