/** What an S3 GetObject answer carries: its length, and a body (in Node, a readable stream). */
export interface ObjectOutput {
  ContentLength?: number;
  Body?: unknown;
}

type StreamBody = AsyncIterable<Uint8Array> & { destroy?: () => void };
const isStream = (body: unknown): body is StreamBody => typeof body === 'object' && body !== null && Symbol.asyncIterator in body;

/**
 * An object's bytes, or `{ tooLarge }` without reading them when its length is over `maxBytes`:
 * nothing a writer of the bucket stores can make a reader hold more than it chose to. The length
 * S3 announces is checked first, and the bytes are counted as they arrive (a stand-in or a proxy
 * could announce less), so the bound holds either way.
 */
export async function readBoundedBody(output: ObjectOutput, maxBytes: number): Promise<Buffer | { tooLarge: number }> {
  const body = output.Body;
  const announced = output.ContentLength;
  if (announced !== undefined && announced > maxBytes) {
    if (isStream(body)) body.destroy?.();
    return { tooLarge: announced };
  }
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (!isStream(body)) throw new Error('an S3 object body that is not a stream (this code runs on Node)');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy?.();
      return { tooLarge: size };
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
