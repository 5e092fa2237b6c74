import { sign } from '@monorepo-triggers/github-signature';
import { randomUUID } from 'node:crypto';

/** The API Gateway (v1) or HTTP API / Function URL (v2) event shape, as the webhook accepts it. */
export interface DeliveryEvent {
  httpMethod?: string;
  version?: string;
  requestContext?: { http?: { method?: string } };
  headers?: Record<string, string | undefined>;
  multiValueHeaders?: Record<string, string[] | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface DeliveryOptions {
  body: string | Buffer;
  event?: string | null;
  secret?: string;
  /** Overrides the computed signature header (null: no header). */
  signature?: string | null;
  shape?: 'v1' | 'v2';
  base64?: boolean;
  contentType?: string | null;
  method?: string;
  deliveryId?: string;
  /** Header-name casing, to prove headers are case-insensitive. */
  headerCase?: 'lower' | 'github';
}

/** Builds the Lambda event API Gateway (v1) or an HTTP API / Function URL (v2) would deliver. */
export function delivery(options: DeliveryOptions): DeliveryEvent {
  const body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  const signature = options.signature === undefined ? sign(options.secret ?? 'test-secret', body) : options.signature;
  const github = options.headerCase !== 'lower';
  const headers: Record<string, string> = {};
  const set = (name: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined) headers[github ? name : name.toLowerCase()] = value;
  };
  set('Content-Type', options.contentType === undefined ? 'application/json' : options.contentType);
  set('X-GitHub-Event', options.event === undefined ? 'push' : options.event);
  set('X-GitHub-Delivery', options.deliveryId ?? randomUUID());
  set('X-Hub-Signature-256', signature);
  set('User-Agent', 'GitHub-Hookshot/test');
  const encoded = options.base64 ? body.toString('base64') : body.toString('utf8');
  const method = options.method ?? 'POST';
  if (options.shape === 'v1') {
    return { httpMethod: method, headers, multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), body: encoded, isBase64Encoded: !!options.base64 };
  }
  return { version: '2.0', requestContext: { http: { method } }, headers, body: encoded, isBase64Encoded: !!options.base64 };
}

/** A form-encoded body as GitHub sends it for `application/x-www-form-urlencoded` hooks. */
export function formBody(json: string): string {
  return new URLSearchParams({ payload: json }).toString();
}

export const minimalPush = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    created: false,
    deleted: false,
    forced: false,
    repository: { full_name: 'Acme/Platform', default_branch: 'main' },
    commits: [{ id: 'b'.repeat(40), distinct: true, added: ['services/orders/a.ts'], removed: [], modified: ['README.md'] }],
    head_commit: { id: 'b'.repeat(40) },
    ...overrides,
  });
