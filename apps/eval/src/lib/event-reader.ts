import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { formatZodIssues, readBoundedBody, trimSlashes } from '@monorepo-triggers/lambda-runtime';
import { evalInputSchema, HANDOVER_VERSION, type EvalEvent } from '@monorepo-triggers/eval-input';

/**
 * The largest claim-checked event eval reads: GitHub's cap on a delivery (25 MB), which no event
 * made from one exceeds. A larger object under the events prefix is refused unread.
 */
export const MAX_CLAIM_CHECK_BYTES = 25 * 1024 * 1024;

/** An input that is neither an event nor a claim check of ours: retrying cannot help. */
export class InvalidEvalInput extends Error {
  override readonly name = 'InvalidEvalInput';
}

/**
 * An event in a newer hand-over version than this eval reads: written by a newer webhook or
 * reconcile. Not invalid, early: the invocation fails, so Lambda retries it and then keeps it as a
 * dead letter, which `triggers redrive` replays once eval is upgraded.
 */
export class NewerEvalInput extends Error {
  override readonly name = 'NewerEvalInput';
}

/** Throws NewerEvalInput for an input whose version this eval does not read. */
function refuseNewer(input: unknown, what: string): void {
  const version = input !== null && typeof input === 'object' ? (input as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > HANDOVER_VERSION)
    throw new NewerEvalInput(
      `${what} is hand-over version ${version}; this eval reads up to ${HANDOVER_VERSION}: deploy eval before the functions that write events (docs/upgrading.md), then replay the dead letter with triggers redrive`,
    );
}

export interface EventReaderOptions {
  s3: S3Client;
  /** The bucket and prefix webhook stores oversized events under; nothing else is ever read. */
  bucket: string;
  eventsPrefix: string;
}

/**
 * eval's side of the hand-over: the invocation payload to the event, reading it from S3 for a
 * claim check — only from our own bucket and events prefix, so an invocation cannot make eval read
 * anything else.
 */
export class EventReader {
  private readonly prefix: string;

  constructor(private readonly options: EventReaderOptions) {
    this.prefix = `${trimSlashes(options.eventsPrefix)}/`;
  }

  /**
   * Rejects with InvalidEvalInput for anything that is not an event or a claim check of ours, and
   * with NewerEvalInput for one in a hand-over version this eval does not read.
   */
  async read(input: unknown): Promise<EvalEvent> {
    refuseNewer(input, 'the event');
    const parsed = evalInputSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidEvalInput(
        `not a push, pull request or merge group event, nor a claim check: ${formatZodIssues(parsed.error.issues, { fieldsOnly: true })}`,
      );
    if (parsed.data.type !== 'push-claim-check') return parsed.data;
    const claim = parsed.data;
    if (claim.bucket !== this.options.bucket || !claim.key.startsWith(this.prefix)) {
      throw new InvalidEvalInput(`claim check outside ${this.options.bucket}/${this.prefix}: ${claim.bucket}/${claim.key}`);
    }
    const object = await this.options.s3.send(new GetObjectCommand({ Bucket: claim.bucket, Key: claim.key }));
    const body = await readBoundedBody(object, MAX_CLAIM_CHECK_BYTES);
    if ('tooLarge' in body)
      throw new InvalidEvalInput(`claim check ${claim.key} is ${body.tooLarge} bytes, over the ${MAX_CLAIM_CHECK_BYTES} an event can be`);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidEvalInput(`claim check ${claim.key} is not JSON`);
    }
    refuseNewer(json, `claim check ${claim.key}`);
    const stored = evalInputSchema.safeParse(json);
    if (!stored.success || stored.data.type === 'push-claim-check')
      throw new InvalidEvalInput(`claim check ${claim.key} does not hold a push, pull request or merge group event`);
    return stored.data;
  }
}
