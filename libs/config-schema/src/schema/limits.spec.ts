import { validateTriggerConfig } from './validate';

// The limits docs/trigger-config.md documents, written here by hand (not read from LIMITS): a limit
// raised or lowered in the code fails on one side or the other.
const DOCUMENTED = {
  refGlobs: 100,
  pathPatterns: 500,
  patternLength: 1000,
  variables: 47,
  pullRequestVariables: 44,
  variableNameLength: 128,
  variableValueLength: 1000,
  statusContextLength: 255,
};

const valid = {
  version: 1,
  repository: 'acme/platform',
  pipelineName: 'orders',
  branches: ['main'],
  includePaths: ['^services/orders/'],
  sourceActionName: 'Source',
};
const paths = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `^${prefix}${i}/`);
const globs = (n: number) => Array.from({ length: n }, (_, i) => `b${i}`);
/** The fields the config is refused on; [] when it is accepted. */
const refused = (config: Record<string, unknown>) => {
  const result = validateTriggerConfig({ ...valid, ...config });
  return result.ok ? [] : result.issues.map((issue) => issue.path);
};

describe('the documented limits of a config, on both sides', () => {
  it.each<[string, number, (n: number) => Record<string, unknown>]>([
    ['branches', DOCUMENTED.refGlobs, (n: number) => ({ branches: globs(n) })],
    ['tags', DOCUMENTED.refGlobs, (n: number) => ({ tags: globs(n) })],
    ['pullRequests.baseBranches', DOCUMENTED.refGlobs, (n: number) => ({ pullRequests: { baseBranches: globs(n) } })],
    ['includePaths', DOCUMENTED.pathPatterns, (n: number) => ({ includePaths: paths(n) })],
    ['excludePaths', DOCUMENTED.pathPatterns, (n: number) => ({ excludePaths: paths(n, 'x') })],
    ['pullRequests.includePaths', DOCUMENTED.pathPatterns, (n: number) => ({ pullRequests: { includePaths: paths(n) } })],
    [
      'pullRequests.excludePaths',
      DOCUMENTED.pathPatterns,
      (n: number) => ({ pullRequests: { includePaths: ['^a/'], excludePaths: paths(n, 'x') } }),
    ],
    ['variables', DOCUMENTED.variables, (n: number) => ({ variables: Object.fromEntries(globs(n).map((name) => [`V${name}`, 'x'])) })],
    [
      'variables',
      DOCUMENTED.pullRequestVariables,
      (n: number) => ({ pullRequests: {}, variables: Object.fromEntries(globs(n).map((name) => [`V${name}`, 'x'])) }),
    ],
  ])('%s takes the documented %i, and refuses one more', (field, limit, make) => {
    expect(refused(make(limit))).toEqual([]);
    expect(refused(make(limit + 1))).toEqual([field]);
  });

  it.each([
    ['includePaths[0]', (p: string) => ({ includePaths: [p] })],
    ['excludePaths[0]', (p: string) => ({ excludePaths: [p] })],
    ['branches[0]', (p: string) => ({ branches: [p] })],
    ['tags[0]', (p: string) => ({ tags: [p] })],
  ])(`%s: a pattern of ${DOCUMENTED.patternLength} characters is taken, one more is refused`, (field, make) => {
    // Plain text (a literal prefix), so that only the length is at stake, not the compiled size.
    const of = (n: number) =>
      field.startsWith('includePaths') || field.startsWith('excludePaths') ? `^${'a'.repeat(n - 1)}` : 'a'.repeat(n);
    expect(refused(make(of(DOCUMENTED.patternLength)))).toEqual([]);
    expect(refused(make(of(DOCUMENTED.patternLength + 1)))).toEqual([field]);
  });

  it('variables: names up to 128 characters and values up to 1,000', () => {
    expect(refused({ variables: { ['N'.repeat(DOCUMENTED.variableNameLength)]: 'x' } })).toEqual([]);
    expect(refused({ variables: { ['N'.repeat(DOCUMENTED.variableNameLength + 1)]: 'x' } })).toEqual([`variables.${'N'.repeat(129)}`]);
    expect(refused({ variables: { V: 'x'.repeat(DOCUMENTED.variableValueLength) } })).toEqual([]);
    expect(refused({ variables: { V: 'x'.repeat(DOCUMENTED.variableValueLength + 1) } })).toEqual(['variables.V']);
  });

  it('statusContext: up to 255 characters', () => {
    const context = (n: number) => `pipeline/orders/${'c'.repeat(n - 'pipeline/orders/'.length)}`;
    expect(refused({ statusContext: context(DOCUMENTED.statusContextLength) })).toEqual([]);
    expect(refused({ statusContext: context(DOCUMENTED.statusContextLength + 1) })).toEqual(['statusContext']);
  });
});
