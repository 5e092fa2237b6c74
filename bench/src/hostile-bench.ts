import {
  compileTrigger,
  createChangeSet,
  decide,
  decidedOnIncompleteChanges,
  validateTriggerConfig,
} from '@monorepo-triggers/config-schema';
import { abText, HOSTILE } from './engine-bench';
import { round } from './stats';

export interface HostileResult {
  name: string;
  /** Validation (as eval does when it reads the object), compilation and the decisions of both configs. */
  coldMs: number;
  /** The decisions alone, with the configs compiled (a warm container). */
  warmMs: number;
  /** What happened to the hostile config: its decision, or why it was refused. */
  outcome: string;
  /** Whether the hostile config's onIncompleteChanges decided (it was not refused, and not every path could be judged). */
  decidedOnIncompleteChanges: boolean;
  normalStarted: boolean;
}

const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };
const normal = { version: 1, repository: 'acme/platform', pipelineName: 'web', branches: ['main'], includePaths: ['^apps/web/'] };

/**
 * Each hostile config of the reliability suite beside a normal one, against a push shaped to hurt
 * it: what a config written straight to S3 costs an evaluation, from reading it to deciding.
 */
export function benchHostile(runs: number): HostileResult[] {
  const cases = [
    ...HOSTILE.map(({ name, source, text, glob }) => ({ name, includePaths: [glob ?? source], glob: glob !== undefined, paths: [text] })),
    {
      name: '.*\\.tf1$ against 200 paths of 3,000+ characters',
      includePaths: ['.*\\.tf1$'],
      glob: false,
      paths: Array.from({ length: 200 }, (_, i) => `${'a'.repeat(3000 + i)}.tf`),
    },
    { name: 'back-reference (\\1|a)*b (refused)', includePaths: ['(\\1|a)*b'], glob: false, paths: ['a'.repeat(4000)] },
    // The worst found: a program of 1,005 instructions whose DFA explodes, so every test runs the
    // NFA over 4,096 characters. It stops at the config's work limit.
    {
      name: 'at the work limit: [ab]*a[ab]{999}$ against 200 paths of 4,096 characters',
      includePaths: ['[ab]*a[ab]{999}$'],
      glob: false,
      paths: Array.from({ length: 200 }, (_, i) => abText(4096, i + 1)),
    },
  ];
  return cases.map(({ name, includePaths, glob, paths }) => {
    const hostile = {
      version: 1,
      repository: 'acme/platform',
      pipelineName: 'evil',
      branches: ['main'],
      includePaths,
      pathSyntax: glob ? 'glob' : 'regex',
    };
    const changes = () => createChangeSet(['apps/web/index.ts', ...paths], true);
    let outcome = '';
    let incomplete = false;
    let normalStarted = false;
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      let start = process.hrtime.bigint();
      const results = [validateTriggerConfig(normal), validateTriggerConfig(hostile)];
      const triggers = results.flatMap((r) => (r.ok ? [compileTrigger(r.value)] : []));
      const set = changes();
      const decisions = triggers.map((t) => decide(t, push, set));
      cold.push(Number(process.hrtime.bigint() - start) / 1e6);
      const refused = results[1]?.ok === false ? results[1].issues[0]?.message : undefined;
      outcome = refused ? `refused: ${refused.slice(0, 60)}…` : `${decisions[1]?.reason}`;
      const decision = refused ? undefined : decisions[1];
      incomplete = decision !== undefined && decidedOnIncompleteChanges(decision);
      normalStarted = decisions[0]?.start === true;
      start = process.hrtime.bigint();
      for (const t of triggers) decide(t, push, set);
      warm.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const median = (xs: number[]) => round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number);
    return { name, coldMs: median(cold), warmMs: median(warm), outcome, decidedOnIncompleteChanges: incomplete, normalStarted };
  });
}
