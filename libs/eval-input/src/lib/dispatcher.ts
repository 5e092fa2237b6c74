import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { trimSlashes } from '@monorepo-triggers/lambda-runtime';
import type { ClaimCheck, EvalEvent } from './eval-input.schema';

/**
 * Lambda's asynchronous invoke accepts up to 1 MB (1,048,576 bytes) of payload; the margin leaves room
 * for the request's own framing. Larger events go through S3 (claim check).
 */
export const MAX_ASYNC_INVOKE_BYTES = 1_000_000;

/** How an event reached eval. */
export interface DispatchResult {
  mode: 'invoke' | 'claim-check';
  bytes: number;
  key?: string;
}

/** Hands an event to eval. Rejects when eval did not accept it, so the webhook answers 5xx. */
export interface Dispatcher {
  dispatch(event: EvalEvent): Promise<DispatchResult>;
}

export interface LambdaDispatcherOptions {
  lambda: LambdaClient;
  s3: S3Client;
  functionName: string;
  bucket: string;
  eventsPrefix: string;
  maxInvokeBytes?: number;
}

/** Invokes eval asynchronously (`InvocationType: 'Event'`), through S3 when the event is too large. */
export class LambdaDispatcher implements Dispatcher {
  constructor(private readonly options: LambdaDispatcherOptions) {}

  async dispatch(event: EvalEvent): Promise<DispatchResult> {
    const body = Buffer.from(JSON.stringify(event), 'utf8');
    if (body.length <= (this.options.maxInvokeBytes ?? MAX_ASYNC_INVOKE_BYTES)) {
      await this.invoke(body);
      return { mode: 'invoke', bytes: body.length };
    }
    const key = this.eventKey(event);
    await this.options.s3.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
    const claim: ClaimCheck = {
      type: 'push-claim-check',
      version: 1,
      deliveryId: event.deliveryId,
      bucket: this.options.bucket,
      key,
      bytes: body.length,
    };
    await this.invoke(Buffer.from(JSON.stringify(claim), 'utf8'));
    return { mode: 'claim-check', bytes: body.length, key };
  }

  /** `${EVENTS_PREFIX}/YYYY-MM-DD/<delivery>.json`: dated so a lifecycle rule or a person can find them. */
  private eventKey(event: EvalEvent): string {
    const day = new Date().toISOString().slice(0, 10);
    const safeId = event.deliveryId.replace(/[^A-Za-z0-9-]/g, '_');
    return `${trimSlashes(this.options.eventsPrefix)}/${day}/${safeId}.json`;
  }

  private async invoke(payload: Buffer): Promise<void> {
    const output = await this.options.lambda.send(
      new InvokeCommand({ FunctionName: this.options.functionName, InvocationType: 'Event', Payload: payload }),
    );
    // An asynchronous invoke is accepted with 202; anything else, or a function error, did not queue it.
    if (output.StatusCode !== 202 || output.FunctionError) {
      throw new Error(
        `eval invoke not accepted: status ${output.StatusCode ?? 'none'}${output.FunctionError ? `, ${output.FunctionError}` : ''}`,
      );
    }
  }
}
