import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Makes a write or delete atomic with what the caller read: create only, or replace only that version. */
export type WriteCondition = { ifNoneMatch: '*' } | { ifMatch: string };

/** The HTTP status of an S3 error, if it has one. */
export const s3StatusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/** Whether an S3 error says a condition did not hold: 412, or 404 for If-Match on a missing object. */
export function conditionFailed(error: unknown, condition: WriteCondition | undefined): boolean {
  if (!condition) return false;
  const status = s3StatusOf(error);
  return status === 412 || ('ifMatch' in condition && status === 404);
}

/** Conditional requests S3 answers 409 ConditionalRequestConflict get this many tries in all. */
const CONFLICT_ATTEMPTS = 4;

/**
 * Sends a conditional request again while S3 answers 409 ConditionalRequestConflict: another
 * conditional write to the key was in flight, and S3 asks for a retry, after which the condition is
 * judged on what that write left (so a lost race becomes a 412, and a free key a success).
 */
export async function retryingConflicts<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (s3StatusOf(error) !== 409 || attempt === CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

/**
 * PUTs an object, atomically with what the caller read when a condition is given (S3's 409s
 * retried); undefined when S3 refused the condition, so nothing was written.
 */
export async function putObjectIf(
  client: S3Client,
  object: { bucket: string; key: string; body: string | Uint8Array; contentType: string },
  condition?: WriteCondition,
): Promise<{ etag: string } | undefined> {
  try {
    const output = await retryingConflicts(() =>
      client.send(
        new PutObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          Body: object.body,
          ContentType: object.contentType,
          ...(condition && 'ifNoneMatch' in condition ? { IfNoneMatch: '*' } : {}),
          ...(condition && 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : {}),
        }),
      ),
    );
    return { etag: output.ETag ?? '' };
  } catch (error) {
    if (conditionFailed(error, condition)) return undefined;
    throw error;
  }
}

/** Deletes an object only in the version read (`If-Match`); false when S3 refused the condition. */
export async function deleteObjectIf(
  client: S3Client,
  object: { bucket: string; key: string },
  condition: { ifMatch: string },
): Promise<boolean> {
  try {
    await retryingConflicts(() =>
      client.send(new DeleteObjectCommand({ Bucket: object.bucket, Key: object.key, IfMatch: condition.ifMatch })),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error, condition)) return false;
    throw error;
  }
}
