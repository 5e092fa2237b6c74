import type { GithubAnswer } from './github-client';

/** What an invocation asked of GitHub: how many requests, and how close the credential came to its rate limit. */
export interface GithubCalls {
  calls: number;
  /** The lowest `x-ratelimit-remaining` GitHub answered; absent when no answer said. */
  lowestRateLimitRemaining?: number;
}

/**
 * Counts GitHub's answers for a function's metrics (GitHubCalls, GitHubRateLimitRemaining): pass
 * `onAnswer` to the GithubClient, and `take()` at the end of each invocation.
 */
export class GithubCallTally {
  private calls = 0;
  private lowest: number | undefined;

  readonly onAnswer = (answer: GithubAnswer): void => {
    this.calls++;
    if (answer.rateLimitRemaining !== undefined) this.lowest = Math.min(this.lowest ?? Infinity, answer.rateLimitRemaining);
  };

  /** The invocation's count, then zero again for the next. */
  take(): GithubCalls {
    const taken = { calls: this.calls, ...(this.lowest !== undefined ? { lowestRateLimitRemaining: this.lowest } : {}) };
    this.calls = 0;
    this.lowest = undefined;
    return taken;
  }
}
