// Readers deploy before writers (docs/deploy.md#order). A function that reads what another writes
// must already understand a new shape when the first object in that shape is written, and a
// rollback goes the other way: writers first, then readers. The deploy targets enforce the order
// (each writer's `deploy` depends on its readers' `deploy` in infra/deploy/<stack>/project.json; a
// test holds them to this table) and each deploy says, before it deploys, which readers went first.
import type { Deployable } from './names';

/** What a function writes that another deployed function reads, and which ones read it. */
export interface Written {
  what: string;
  readBy: Deployable[];
}

/**
 * Everything one deployed function writes and another reads. The CLI (`triggers why`, `list`…)
 * reads configs and decision records too, but is not deployed: docs/deploy.md#order says what to do.
 */
export const WRITES: Partial<Record<Deployable, Written>> = {
  eval: { what: 'decision records', readBy: ['statuses'] },
  webhook: { what: 'the eval hand-over event', readBy: ['eval'] },
  reconcile: { what: 'the eval hand-over event', readBy: ['eval'] },
  cfresource: { what: 'trigger configs', readBy: ['eval', 'statuses'] },
};

/** The functions whose stacks deploy before this one's: the readers of what it writes. */
export const readersOf = (deployable: Deployable): Deployable[] => WRITES[deployable]?.readBy ?? [];

/** The functions that write what this one reads: their deploys wait for this one's. */
export const writersFor = (deployable: Deployable): Deployable[] =>
  (Object.keys(WRITES) as Deployable[]).filter((writer) => readersOf(writer).includes(deployable));

/** `a`, `a and b`, `a, b and c`. */
export const inWords = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/**
 * The line a writer's deploy prints before it deploys. `throughNx`: run as its `<stack>-stack:deploy`
 * Nx target, whose dependsOn ran the readers' deploys first; run any other way (`node
 * dist/infra/deploy.js`, as a rollback does), nothing did.
 */
export function orderLine(deployable: Deployable, throughNx: boolean): string | undefined {
  const written = WRITES[deployable];
  if (!written) return undefined;
  const readers = written.readBy;
  const read = readers.length === 1 ? 'reads' : 'read';
  const why = `${deployable} writes ${written.what} that ${inWords(readers)} ${read}`;
  if (throughNx) return `${why}: ${readers.length === 1 ? 'its stack' : 'their stacks'} deployed first (docs/deploy.md#order)`;
  // Run directly, as a rollback does (writers first), so it claims nothing about what ran before.
  return `${why}: run directly, this deploy did not deploy ${readers.length === 1 ? 'its stack' : 'their stacks'} first (\`npx nx run ${deployable}-stack:deploy\` does; a rollback deploys them after: docs/deploy.md#order)`;
}
