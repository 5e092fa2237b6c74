import type { CfnRequest, ResourceOutcome } from './cfn-request.schema';

/** CloudFormation rejects response bodies over 4,096 bytes. */
export const MAX_RESPONSE_BYTES = 4096;

/**
 * The JSON body CloudFormation reads from the ResponseURL. When it would be too large, only `Reason`
 * is shortened (with a marker): the identifiers CloudFormation needs are never cut.
 */
export function responseBody(request: Pick<CfnRequest, 'StackId' | 'RequestId' | 'LogicalResourceId'>, outcome: ResourceOutcome): string {
  const body = (reason: string) =>
    JSON.stringify({
      Status: outcome.status,
      Reason: reason,
      PhysicalResourceId: outcome.physicalResourceId,
      StackId: request.StackId,
      RequestId: request.RequestId,
      LogicalResourceId: request.LogicalResourceId,
      ...(outcome.data ? { Data: outcome.data } : {}),
    });
  const full = body(outcome.reason);
  if (Buffer.byteLength(full) <= MAX_RESPONSE_BYTES) return full;
  const marker = ' [truncated]';
  const fits = (length: number) => Buffer.byteLength(body(outcome.reason.slice(0, length) + marker)) <= MAX_RESPONSE_BYTES;
  // The longest prefix of the reason that fits, found by binary search (JSON escaping and multi-byte
  // characters make the byte size of a prefix hard to predict).
  let lo = 0;
  let hi = outcome.reason.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  let reason = outcome.reason.slice(0, lo);
  // Never end on half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(reason)) reason = reason.slice(0, -1);
  return body(reason + marker);
}

/** The ResponseURL without its query string, which holds the pre-signed credentials. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?[redacted]`;
}
