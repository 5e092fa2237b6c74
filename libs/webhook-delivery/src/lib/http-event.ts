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

/** API Gateway REST API (v1) proxy event, the fields we read. */
interface RestApiEvent {
  httpMethod?: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** HTTP API / Lambda Function URL (v2) event, the fields we read. */
interface HttpApiEvent {
  version?: string;
  requestContext?: { http?: { method?: string } };
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export type LambdaHttpEvent = RestApiEvent & HttpApiEvent;

/** Normalises a v1 or v2 event: lower-case headers, base64 bodies decoded to bytes. */
export function toHttpRequest(event: LambdaHttpEvent): HttpRequest {
  const method = (event.requestContext?.http?.method ?? event.httpMethod ?? '').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
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

/** The Lambda proxy response both API Gateway flavours and Function URLs accept. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonResponse(statusCode: number, body: Record<string, unknown>): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
