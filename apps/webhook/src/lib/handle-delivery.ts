import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { signatureFormatFailure, verify } from '@monorepo-triggers/github-signature';
import { EVAL_EVENT_NAMES, evalEventOf } from '@monorepo-triggers/github-events';
import type { Dispatcher, EvalEvent } from '@monorepo-triggers/eval-input';
import { formatZodIssues } from '@monorepo-triggers/lambda-runtime';

// A delivery as the function receives it (an API Gateway REST or HTTP API event, or a Function URL's),
// then what the webhook does with it: verify, convert, hand over, answer.

/** The parts of an HTTP request the webhook looks at, whatever API Gateway flavour delivered it. */
export interface HttpRequest {
  method: string;
  /** Header names lower-cased; repeated headers keep their first value. */
  headers: Record<string, string>;
  /**
   * The body exactly as GitHub signed it: the bytes of a base64 body, or the text API Gateway passed
   * on (kept as a string: signing or parsing it needs no copy, and its UTF-8 bytes are GitHub's).
   */
  body: Buffer | string;
}

/**
 * What delivers a webhook to the function: API Gateway's REST API (v1 proxy event), or an HTTP API
 * or Function URL (v2; `LambdaFunctionURLEvent` is the same shape).
 */
export type LambdaHttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** Normalises a v1 or v2 event: lower-case headers, base64 bodies decoded to bytes. */
export function toHttpRequest(event: LambdaHttpEvent): HttpRequest {
  const v1 = 'httpMethod' in event;
  const method = (v1 ? event.httpMethod : (event.requestContext?.http?.method ?? '')).toUpperCase();
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries((v1 && event.multiValueHeaders) || {})) {
    const first = values?.[0];
    if (first !== undefined) headers[name.toLowerCase()] = first;
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    // v2 joins repeated headers with commas; the signature and event headers are never repeated by GitHub.
    if (value !== undefined && !(name.toLowerCase() in headers)) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? '';
  if (!event.isBase64Encoded) return { method, headers, body: raw };
  // Decoded when first read: a request turned away on its headers never pays for it.
  let decoded: Buffer | undefined;
  return {
    method,
    headers,
    get body() {
      decoded ??= Buffer.from(raw, 'base64');
      return decoded;
    },
  };
}

/** The Lambda proxy response both API Gateway flavours and Function URLs accept (a plain JSON answer). */
export type HttpResponse = APIGatewayProxyResult & APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string };

export function jsonResponse(statusCode: number, body: Record<string, unknown>): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** GitHub drops deliveries over 25 MB; anything larger is not from GitHub. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

// Event names are lower-case words with underscores (`push`, `pull_request`).
const EVENT_NAME = /^[a-z_]{1,64}$/;

export interface WebhookDependencies {
  /** Accepted secrets, current first; fetched (from Secrets Manager) only once a request is worth checking. */
  secrets: readonly string[] | (() => Promise<readonly string[]>);
  dispatcher: Dispatcher;
  /** The clock that stamps each handed-over event's `receivedAt` (default: the system's). */
  now?: () => Date;
}

/** What happened to one delivery: the response plus the facts for its log line. */
export interface DeliveryOutcome {
  response: HttpResponse;
  outcome: string;
  event?: string;
  repository?: string;
  ref?: string;
  /** For a pull request: its number. */
  pullRequest?: number;
  /** The action GitHub sent (a pull request's, a merge group's). */
  action?: string;
  /** For a merge group: its head commit (its temporary branch is `ref`). */
  headSha?: string;
  dispatch?: { mode: string; bytes: number };
  changedPaths?: number;
  error?: string;
}

/** Decides the answer to one webhook delivery. Every branch answers; nothing here throws. */
export async function handleDelivery(request: HttpRequest, deliveryId: string, deps: WebhookDependencies): Promise<DeliveryOutcome> {
  if (request.method !== 'POST') return { outcome: 'method-not-allowed', response: jsonResponse(405, { message: 'method not allowed' }) };
  // An unsigned request is turned away on its headers alone: no body decoded, no secret read, no HMAC.
  const unsigned = signatureFormatFailure(request.headers['x-hub-signature-256']);
  if (unsigned) return { outcome: `unauthorized:${unsigned}`, response: jsonResponse(401, { message: 'unauthorized' }) };
  if (mayExceed(request.body, MAX_BODY_BYTES) && byteLength(request.body) > MAX_BODY_BYTES)
    return { outcome: 'too-large', response: jsonResponse(413, { message: 'payload too large' }) };

  let secrets: readonly string[];
  try {
    secrets = typeof deps.secrets === 'function' ? await deps.secrets() : deps.secrets;
  } catch (error) {
    // Nothing to check the signature with: a server-side failure GitHub shows, and the delivery can be redelivered.
    const e = error as Error;
    return {
      outcome: 'secret-unavailable',
      error: `${e.name}: ${e.message}`,
      response: jsonResponse(503, { message: 'service unavailable: redeliver later' }),
    };
  }
  const signature = verify({ secrets, body: request.body, signatureHeader: request.headers['x-hub-signature-256'] });
  // No detail: whoever sent an unsigned request learns nothing about why it failed.
  if (!signature.valid) return { outcome: `unauthorized:${signature.reason}`, response: jsonResponse(401, { message: 'unauthorized' }) };

  const event = request.headers['x-github-event'];
  if (!event || !EVENT_NAME.test(event))
    return { outcome: 'missing-event', response: jsonResponse(400, { message: 'missing or malformed X-GitHub-Event header' }) };
  if (event === 'ping') return { outcome: 'pong', event, response: jsonResponse(200, { message: 'pong' }) };
  if (!(EVAL_EVENT_NAMES as readonly string[]).includes(event))
    return { outcome: 'ignored', event, response: jsonResponse(202, { message: 'ignored', ignored: true, event }) };

  const payload = parsePayload(request);
  if (!payload.ok) return { outcome: 'bad-payload', event, error: payload.error, response: jsonResponse(400, { message: payload.error }) };
  const outcome = evalEventOf(event, payload.value, deliveryId);
  if (outcome.kind === 'invalid') return invalidPayload(event, outcome.issues);
  const action = (payload.value as { action?: unknown }).action;
  const actionFact = typeof action === 'string' ? { action } : {};
  if (outcome.kind === 'ignored') {
    // A pull request or merge group whose action (labels, reviews, a close without merge) starts nothing: answered, not handed over.
    const { repository, number } = payload.value as { repository: { full_name: string }; number?: number };
    return {
      event,
      repository: repository.full_name,
      ...(typeof number === 'number' ? { pullRequest: number } : {}),
      ...actionFact,
      outcome: 'ignored',
      response: jsonResponse(202, { message: 'ignored: this action starts nothing', ignored: true, event, ...actionFact }),
    };
  }
  return dispatch(outcome.event, deliveryId, deps, { event, ...actionFact, ...factsOf(outcome.event) });
}

/** What a delivery's log line says about the event handed over. */
function factsOf(compact: EvalEvent): Omit<DeliveryOutcome, 'response' | 'outcome'> {
  if (compact.type === 'push') return { repository: compact.repository, ref: compact.ref, changedPaths: compact.changedPaths.length };
  if (compact.type === 'pull_request') return { repository: compact.repository, pullRequest: compact.number, ref: compact.baseRef };
  return { repository: compact.repository, ref: compact.headRef, headSha: compact.headSha };
}

/** What an event is called in a message: a push, a pull request, a merge group. */
const EVENT_WORDS: Record<EvalEvent['type'], string> = { push: 'push', pull_request: 'pull request', merge_group: 'merge group' };

function invalidPayload(event: string, issues: Parameters<typeof formatZodIssues>[0]): DeliveryOutcome {
  const words = EVENT_WORDS[event as EvalEvent['type']] ?? event;
  const message = `invalid ${words} payload: ${formatZodIssues(issues, { fieldsOnly: true })}`;
  return { outcome: 'bad-payload', event, error: message, response: jsonResponse(400, { message }) };
}

async function dispatch(
  compact: EvalEvent,
  deliveryId: string,
  deps: WebhookDependencies,
  facts: Omit<DeliveryOutcome, 'response' | 'outcome'>,
): Promise<DeliveryOutcome> {
  try {
    const dispatched = await deps.dispatcher.dispatch({ ...compact, receivedAt: (deps.now?.() ?? new Date()).toISOString() });
    return { ...facts, outcome: 'dispatched', dispatch: dispatched, response: jsonResponse(202, { message: 'accepted', deliveryId }) };
  } catch (error) {
    // 5xx makes GitHub record the delivery as failed, so it can be redelivered.
    return {
      ...facts,
      outcome: 'dispatch-failed',
      error: (error as Error).message,
      response: jsonResponse(502, {
        message: `could not hand the ${EVENT_WORDS[compact.type]} to eval; redeliver later`,
      }),
    };
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** Size in bytes; for a string, its UTF-8 length (what GitHub sent), counted without a copy. */
export function byteLength(body: Buffer | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
}

/** Cheap pre-check: a UTF-16 code unit never takes more than 3 bytes in UTF-8, so short strings fit. */
const mayExceed = (body: Buffer | string, limit: number) => (typeof body === 'string' ? body.length * 3 > limit : body.length > limit);

const asText = (body: Buffer | string) => (typeof body === 'string' ? body : body.toString('utf8'));

/** JSON bodies, or form-encoded bodies whose `payload` field holds the JSON (GitHub's two content types). */
function parsePayload(request: HttpRequest): Parsed {
  const contentType = (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  let text: string;
  if (contentType === 'application/json') {
    text = asText(request.body);
  } else if (contentType === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(asText(request.body)).get('payload');
    if (payload === null) return { ok: false, error: 'form body has no payload field' };
    text = payload;
  } else {
    return { ok: false, error: `unsupported content type ${contentType}; use application/json or application/x-www-form-urlencoded` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
}
