import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

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
