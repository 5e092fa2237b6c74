import * as z from 'zod/mini';
import { DEFAULT_CONFIG_PREFIX, DEFAULT_EVENTS_PREFIX, DEFAULT_LAST_SUCCESS_PREFIX, DEFAULT_RECORDS_PREFIX } from '../defaults';

/** `a/b/` and `/a/b` become `a/b`, so keys built from a prefix never hold `//`. */
export function trimSlashes(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

/** A `true` / `false` variable (empty or unset: false). */
export const booleanVariable = z.pipe(
  z._default(z.enum(['true', 'false', '']), 'false'),
  z.transform((value) => value === 'true'),
);

/** A required, non-empty variable; `purpose` completes "is required: …". */
export const requiredVariable = (purpose: string) => z.string(`is required: ${purpose}`).check(z.minLength(1, `is required: ${purpose}`));

/** A key prefix in the bucket, slashes trimmed. */
export const prefixVariable = (fallback: string) => z.pipe(z._default(z.string(), fallback), z.transform(trimSlashes));

/** Seconds a secret read from Secrets Manager is kept before it is read again. */
export const secretsMaxAgeVariable = (fallbackSeconds: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(3600)), fallbackSeconds);

/** The variables every function that reads the config bucket shares, with the shared defaults. */
export const bucketVariables = {
  CONFIG_BUCKET: requiredVariable('the bucket that holds trigger configurations'),
  CONFIG_PREFIX: prefixVariable(DEFAULT_CONFIG_PREFIX),
  EVENTS_PREFIX: prefixVariable(DEFAULT_EVENTS_PREFIX),
  RECORDS_PREFIX: prefixVariable(DEFAULT_RECORDS_PREFIX),
  LAST_SUCCESS_PREFIX: prefixVariable(DEFAULT_LAST_SUCCESS_PREFIX),
  S3_FORCE_PATH_STYLE: booleanVariable,
};
