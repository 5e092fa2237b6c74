import type { EvalSummary } from './eval-summary';

/**
 * Thrown after every start (or, for a destroyed merge group, every stop) was attempted when some
 * failed, so Lambda's retry runs again (safely: same tokens; a stop already made is not needed twice).
 */
export class StartFailures extends Error {
  override readonly name = 'StartFailures';
  constructor(readonly summary: EvalSummary) {
    const what = summary.mergeGroup === 'destroyed' ? 'stop the executions of' : 'start';
    super(`could not ${what} ${summary.failed.length} pipeline(s): ${summary.failed.join(', ')}`);
  }
}
