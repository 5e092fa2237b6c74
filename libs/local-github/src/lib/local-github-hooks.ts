import { createHmac, randomUUID } from 'node:crypto';
import type { CannedResponse, RecordedRequest } from '@monorepo-triggers/local-aws';

/**
 * GitHub's webhook limits, from its documentation (not shared with the code under test): it waits
 * 10 s for an answer, drops payloads over 25 MB without a delivery, keeps deliveries 3 days, and
 * lists them 30 a page by default, at most 100.
 */
export const GITHUB_HOOK_LIMITS = {
  answerTimeoutMs: 10_000,
  payloadBytes: 25 * 1024 * 1024,
  retentionMs: 3 * 24 * 60 * 60 * 1000,
  deliveriesPerPage: 30,
  maxDeliveriesPerPage: 100,
} as const;

/** Which webhook a delivery went through: the GitHub App's own, or an organisation's. */
export type HookRef = { app: true } | { org: string; hookId: number };

/** One delivery attempt as GitHub's delivery log keeps it (the REST API's `hook-delivery`). */
export interface HookDelivery {
  id: number;
  guid: string;
  hook: string;
  deliveredAt: number;
  redelivery: boolean;
  /** Seconds the attempt took. */
  duration: number;
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  /** The bytes sent (what a redelivery sends again) and the headers, signature included. */
  body: Buffer;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

/**
 * How a delivery the webhook never answered is simulated (`triggers send --missed`): `down`, GitHub
 * could not connect; `throttled`, the Function URL answered 429 as a function at its reserved
 * concurrency does. Nothing reaches the webhook either way.
 */
export type MissedDelivery = 'down' | 'throttled';

/** GitHub would not deliver this payload at all (over 25 MB): no delivery is logged. */
export class PayloadTooLargeForGithub extends Error {
  override readonly name = 'PayloadTooLargeForGithub';
}

/**
 * Not GitHub's: where a local tool (`triggers send`) asks the stand-in to deliver an event to the
 * webhook it knows, as `{ "event", "payload" (the raw JSON text), "guid"?, "missed"?, "hook"? }`; the
 * answer is the logged delivery. The stand-in signs it with the webhook's secret, as GitHub does.
 */
export const DELIVER_PATH = '/_local/deliveries';

const hookKey = (hook: HookRef) => ('app' in hook ? 'app' : `org/${hook.org.toLowerCase()}/${hook.hookId}`);

/** The parts of a payload GitHub's delivery log shows: its action, installation and repository ids. */
function payloadFacts(body: Buffer): { action: string | null; installationId: number | null; repositoryId: number | null } {
  try {
    const json = JSON.parse(body.toString('utf8')) as { action?: unknown; installation?: { id?: unknown }; repository?: { id?: unknown } };
    return {
      action: typeof json.action === 'string' ? json.action : null,
      installationId: typeof json.installation?.id === 'number' ? json.installation.id : null,
      repositoryId: typeof json.repository?.id === 'number' ? json.repository.id : null,
    };
  } catch {
    return { action: null, installationId: null, repositoryId: null };
  }
}

/** The item shape of `GET …/deliveries`. */
const listItem = (d: HookDelivery) => ({
  id: d.id,
  guid: d.guid,
  delivered_at: new Date(d.deliveredAt).toISOString(),
  redelivery: d.redelivery,
  duration: d.duration,
  status: d.status,
  status_code: d.statusCode,
  event: d.event,
  action: d.action,
  installation_id: d.installationId,
  repository_id: d.repositoryId,
  throttled_at: null,
});

/**
 * GitHub's webhook deliveries as the stand-in makes and keeps them: each delivery is POSTed, signed
 * with the webhook's secret, to the webhook's URL (or recorded as missed), and logged with its
 * answer; the delivery log API (`/app/hook/deliveries`, `/orgs/{org}/hooks/{id}/deliveries`) lists
 * them newest first with cursor pages, shows one with its payload, and redelivers one, all within
 * GitHub's retention of 3 days on the stand-in's clock.
 */
export class LocalHookDeliveries {
  readonly log: HookDelivery[] = [];
  private target: { url: string; secret: string } | undefined;
  private nextId = 90_000_000_001;

  constructor(private readonly now: () => number = Date.now) {}

  /** Where deliveries go, and the secret they are signed with (the webhook's registration). */
  setTarget(target: { url: string; secret: string } | undefined): void {
    this.target = target;
  }

  /** Delivers `body` as event `event`, or records it as missed; resolves with the logged delivery. */
  async deliver(input: {
    event: string;
    body: Buffer;
    hook?: HookRef;
    guid?: string;
    missed?: MissedDelivery;
    redelivery?: boolean;
  }): Promise<HookDelivery> {
    if (input.body.length > GITHUB_HOOK_LIMITS.payloadBytes)
      throw new PayloadTooLargeForGithub(`GitHub does not deliver payloads over 25 MB (this one is ${input.body.length} bytes)`);
    const target = this.target;
    if (!target) throw new Error('the stand-in GitHub has no webhook to deliver to');
    const hook = input.hook ?? { app: true as const };
    const guid = input.guid ?? randomUUID();
    const requestHeaders: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/local',
      'x-github-event': input.event,
      'x-github-delivery': guid,
      'x-github-hook-id': 'app' in hook ? '1' : String(hook.hookId),
      'x-github-hook-installation-target-type': 'app' in hook ? 'integration' : 'organization',
      'x-hub-signature-256': `sha256=${createHmac('sha256', target.secret).update(input.body).digest('hex')}`,
    };
    const started = this.now();
    let answer: { status: string; statusCode: number; headers: Record<string, string>; body: string };
    if (input.missed === 'down') {
      answer = { status: 'failed to connect to host', statusCode: 0, headers: {}, body: '' };
    } else if (input.missed === 'throttled') {
      answer = {
        status: 'Invalid HTTP Response: 429',
        statusCode: 429,
        headers: { 'content-type': 'application/json' },
        body: '{"Message":"Rate Exceeded."}',
      };
    } else {
      answer = await this.post(target.url, requestHeaders, input.body);
    }
    const delivery: HookDelivery = {
      id: this.nextId++,
      guid,
      hook: hookKey(hook),
      deliveredAt: started,
      redelivery: input.redelivery ?? false,
      duration: Math.max(0, (this.now() - started) / 1000),
      status: answer.status,
      statusCode: answer.statusCode,
      event: input.event,
      ...payloadFacts(input.body),
      body: input.body,
      requestHeaders,
      responseHeaders: answer.headers,
      responseBody: answer.body,
    };
    this.log.push(delivery);
    return delivery;
  }

  /** POSTs like GitHub: 10 s to answer, any 2xx is a success. */
  private async post(
    url: string,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<{ status: string; statusCode: number; headers: Record<string, string>; body: string }> {
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(GITHUB_HOOK_LIMITS.answerTimeoutMs) });
      const text = await response.text();
      return {
        status: response.ok ? 'OK' : `Invalid HTTP Response: ${response.status}`,
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body: text,
      };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return { status: timedOut ? 'timed out' : 'failed to connect to host', statusCode: 0, headers: {}, body: '' };
    }
  }

  /** The deliveries of a hook still within GitHub's retention, newest first. */
  private retained(hook: string): HookDelivery[] {
    const oldest = this.now() - GITHUB_HOOK_LIMITS.retentionMs;
    return this.log.filter((d) => d.hook === hook && d.deliveredAt >= oldest).sort((a, b) => b.id - a.id);
  }

  /**
   * Answers a delivery-log request (`rest` is what follows `/app/hook` or `/orgs/{org}/hooks/{id}`),
   * or undefined when the path is not one. The caller has checked the credential.
   */
  async answer(hook: HookRef, rest: string, request: RecordedRequest, url: URL, endpoint: string): Promise<CannedResponse | undefined> {
    const key = hookKey(hook);
    if (rest === '/deliveries' && request.method === 'GET') {
      const perPage = Math.min(
        GITHUB_HOOK_LIMITS.maxDeliveriesPerPage,
        Math.max(1, Number(url.searchParams.get('per_page') ?? GITHUB_HOOK_LIMITS.deliveriesPerPage)),
      );
      const cursor = url.searchParams.get('cursor');
      const before = cursor ? Number(/^v1_(\d+)$/.exec(cursor)?.[1] ?? NaN) : Infinity;
      if (Number.isNaN(before)) return { status: 422, body: { message: 'Invalid cursor' } };
      const status = url.searchParams.get('status');
      const matching = this.retained(key).filter(
        (d) =>
          d.id < before &&
          (status === 'success'
            ? d.statusCode >= 200 && d.statusCode < 300
            : status === 'failure'
              ? d.statusCode < 200 || d.statusCode >= 300
              : true),
      );
      const page = matching.slice(0, perPage);
      const headers: Record<string, string> = {};
      const last = page.at(-1);
      if (last && matching.length > perPage) {
        const next = new URLSearchParams({ per_page: String(perPage), cursor: `v1_${last.id}`, ...(status ? { status } : {}) });
        headers['link'] = `<${endpoint}${url.pathname}?${next}>; rel="next"`;
      }
      return { status: 200, headers, body: page.map(listItem) };
    }
    const one = /^\/deliveries\/(\d+)(\/attempts)?$/.exec(rest);
    if (!one) return undefined;
    const delivery = this.retained(key).find((d) => d.id === Number(one[1]));
    if (!delivery) return { status: 404, body: { message: 'Not Found' } };
    if (one[2] && request.method === 'POST') {
      await this.deliver({ event: delivery.event, body: delivery.body, hook, guid: delivery.guid, redelivery: true });
      return { status: 202, body: {} };
    }
    if (one[2] || request.method !== 'GET') return { status: 404, body: { message: 'Not Found' } };
    return {
      status: 200,
      body: {
        ...listItem(delivery),
        url: this.target?.url ?? '',
        request: { headers: delivery.requestHeaders, payload: JSON.parse(delivery.body.toString('utf8')) },
        response: { headers: delivery.responseHeaders, payload: delivery.responseBody },
      },
    };
  }
}
