import type { EvalSummary } from './report';

/** Thrown after every start was attempted when some failed, so Lambda's retry runs again (safely: same tokens). */
export class StartFailures extends Error {
  override readonly name = 'StartFailures';
  constructor(readonly summary: EvalSummary) {
    super(`could not start ${summary.failed.length} pipeline(s): ${summary.failed.join(', ')}`);
  }
}
