import { createHmac, timingSafeEqual } from 'node:crypto';

/** The algorithm prefix GitHub puts in front of the hex digest in `X-Hub-Signature-256`. */
export const SIGNATURE_PREFIX = 'sha256=';

const HEX_DIGEST = /^[0-9a-f]{64}$/i;

/** Raw request bytes. A string is taken as UTF-8, exactly as GitHub sent it; never re-serialise JSON. */
export type Body = Buffer | Uint8Array | string;

/** Why a signature was not accepted. Deliberately coarse: callers must not echo it to the sender. */
export type VerifyFailure = 'missing-signature' | 'malformed-signature' | 'no-secret' | 'mismatch';

export type VerifyResult = { valid: true; secretIndex: number } | { valid: false; reason: VerifyFailure };

export interface VerifyInput {
  /** Accepted secrets, current first. More than one lets a secret be rotated without downtime. */
  secrets: readonly (string | undefined)[];
  body: Body;
  /** The `X-Hub-Signature-256` header value, as received (may be missing). */
  signatureHeader: string | readonly string[] | undefined | null;
}

function hmac(secret: string, body: Body): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** Signs `body` the way GitHub does: `sha256=` + hex HMAC-SHA256 of the raw bytes. */
export function sign(secret: string, body: Body): string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError('[github-signature] sign: secret must be a non-empty string');
  }
  return SIGNATURE_PREFIX + hmac(secret, body).toString('hex');
}

/**
 * Why a header cannot be a signature at all (missing, or not `sha256=` and 64 hex digits), without
 * looking at the body: lets a receiver turn away an unsigned request before any expensive work.
 */
export function signatureFormatFailure(
  signatureHeader: VerifyInput['signatureHeader'],
): 'missing-signature' | 'malformed-signature' | undefined {
  const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
  if (typeof header !== 'string' || header.length === 0) return 'missing-signature';
  if (!header.startsWith(SIGNATURE_PREFIX)) return 'malformed-signature';
  // Length and alphabet are checked before any comparison, so timingSafeEqual always sees 32 bytes.
  if (!HEX_DIGEST.test(header.slice(SIGNATURE_PREFIX.length))) return 'malformed-signature';
  return undefined;
}

/**
 * Checks an `X-Hub-Signature-256` header against every accepted secret in constant time.
 * Never throws for bad input: a missing, malformed or wrong signature is a `{ valid: false }` result.
 */
export function verify({ secrets, body, signatureHeader }: VerifyInput): VerifyResult {
  const formatFailure = signatureFormatFailure(signatureHeader);
  if (formatFailure) return { valid: false, reason: formatFailure };
  const header = (Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader) as string;
  const received = Buffer.from(header.slice(SIGNATURE_PREFIX.length), 'hex');

  const usable = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  if (usable.length === 0) return { valid: false, reason: 'no-secret' };

  // Each comparison is constant-time; stopping at the first match only reveals which accepted
  // secret signed the body, which is no help to an attacker and saves an HMAC of up to 25 MB.
  for (const [index, secret] of usable.entries()) {
    if (timingSafeEqual(hmac(secret, body), received)) return { valid: true, secretIndex: index };
  }
  return { valid: false, reason: 'mismatch' };
}
