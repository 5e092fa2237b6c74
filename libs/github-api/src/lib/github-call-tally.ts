import type { MetricName } from '@monorepo-triggers/lambda-runtime/metric-names';
import type { GithubAnswer } from './github-client';

/** The metric names every function that calls GitHub has in the catalogue (eval, statuses, reconcile). */
type GithubMetricName = MetricName<'eval'> & MetricName<'statuses'> & MetricName<'reconcile'>;

/**
 * What an invocation asked of GitHub, as its metrics: how many requests (`GitHubCalls`), and the
 * lowest `x-ratelimit-remaining` GitHub answered (`GitHubRateLimitRemaining`, absent when no answer
 * said). Picked from the catalogue's names, so a metric renamed there fails to compile here.
 */
type Counts = Record<GithubMetricName, number>;
export type GithubCalls = Pick<Counts, 'GitHubCalls'> & Partial<Pick<Counts, 'GitHubRateLimitRemaining'>>;

/**
 * Counts GitHub's answers for a function's metrics: pass `onAnswer` to the GithubClient, and
 * `take()` at the end of each invocation into the function's metrics.
 */
export class GithubCallTally {
  private calls = 0;
  private lowest: number | undefined;

  readonly onAnswer = (answer: GithubAnswer): void => {
    this.calls++;
    if (answer.rateLimitRemaining !== undefined) this.lowest = Math.min(this.lowest ?? Infinity, answer.rateLimitRemaining);
  };

  /** The invocation's counts, then zero again for the next. */
  take(): GithubCalls {
    const taken: GithubCalls = { GitHubCalls: this.calls, ...(this.lowest !== undefined ? { GitHubRateLimitRemaining: this.lowest } : {}) };
    this.calls = 0;
    this.lowest = undefined;
    return taken;
  }
}
