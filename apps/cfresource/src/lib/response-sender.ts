import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** Delivers a response body to CloudFormation's pre-signed ResponseURL. */
export interface ResponseSender {
  /** Sends, retrying while `budgetMs` (default: unbounded) leaves time for another attempt. */
  send(url: string, body: string, budgetMs?: number): Promise<{ attempts: number }>;
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** The clock the budget is kept on, and how to wait; tests pass their own (default: real time). */
  clock?: { now(): number; sleep(ms: number): Promise<unknown> };
  /** The jitter, in [0, 1) (default Math.random). */
  random?: () => number;
}

class RetryableError extends Error {}

/**
 * PUTs the body with an empty Content-Type, as the pre-signed URL was signed, and retries network
 * errors and 5xx answers with full-jitter exponential backoff (5 tries by default). A 4xx is final.
 */
export class HttpResponseSender implements ResponseSender {
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly clock: NonNullable<RetryOptions['clock']>;
  private readonly random: () => number;

  constructor(options: RetryOptions = {}) {
    this.attempts = options.attempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 4000;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.clock = options.clock ?? { now: Date.now, sleep };
    this.random = options.random ?? Math.random;
  }

  async send(url: string, body: string, budgetMs = Infinity): Promise<{ attempts: number }> {
    const deadline = this.clock.now() + budgetMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.put(url, body, Math.max(1, Math.min(this.timeoutMs, deadline - this.clock.now())));
        return { attempts: attempt };
      } catch (error) {
        if (!(error instanceof RetryableError) || attempt >= this.attempts) throw error;
        const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        const delay = this.random() * cap;
        // No time left for another try before the function's own timeout: report now.
        if (this.clock.now() + delay + 100 >= deadline) throw error;
        await this.clock.sleep(delay);
      }
    }
  }

  private put(url: string, body: string, timeoutMs: number): Promise<void> {
    const target = new URL(url);
    const request = target.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        target,
        { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs },
        (res) => {
          res.resume();
          // A connection dropped mid-answer emits neither 'end' nor a request error.
          res.on('aborted', () => reject(new RetryableError('ResponseURL connection dropped mid-answer')));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else if (status >= 500) reject(new RetryableError(`ResponseURL answered ${status}`));
            else reject(new Error(`ResponseURL answered ${status}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new RetryableError(`no answer from ResponseURL within ${timeoutMs} ms`)));
      req.on('error', (error) => reject(error instanceof RetryableError ? error : new RetryableError(error.message)));
      req.end(body);
    });
  }
}
