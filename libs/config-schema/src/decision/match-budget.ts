import { LIMITS } from '../schema/limits';
import type { CompiledPathPattern } from './path-patterns';

/**
 * The matching work one config may spend on one push, counted rather than timed so that a decision
 * never depends on the machine: one unit is one instruction of a pattern's program over one
 * character of a path, the engine's worst case for a test (plain-text patterns cost nothing, they
 * never reach the engine). Ordinary configs use a tiny fraction; a config built to be slow stops at
 * the limit and decides as if the change list were incomplete, and the other configs are unaffected.
 */
export class MatchBudget {
  used = 0;

  constructor(readonly limit: number = LIMITS.matchWorkPerConfig) {}

  /** Charges one test of `pattern` on `path`; false, charging nothing, when it would pass the limit. */
  charge(pattern: CompiledPathPattern, path: string): boolean {
    const cost = pattern.programSize * (path.length + 1);
    if (this.used + cost > this.limit) return false;
    this.used += cost;
    return true;
  }
}
