import { parseCfnProperties } from './cfn-properties.schema';
import { validateTriggerConfig } from './validate';

const valid = {
  version: 1,
  repository: 'acme/platform',
  pipelineName: 'orders-service',
  branches: ['main'],
  includePaths: ['^services/orders/'],
};

function issuesOf(input: unknown) {
  const result = validateTriggerConfig(input);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues;
}

describe('validateTriggerConfig', () => {
  it('fills the documented defaults', () => {
    const result = validateTriggerConfig(valid);
    expect(result).toEqual({
      ok: true,
      value: { ...valid, tags: [], excludePaths: [], pathSyntax: 'regex', onIncompleteChanges: 'trigger', variables: {} },
    });
  });

  it.each([
    ['a missing field', { ...valid, branches: undefined }, 'branches', /expected array/],
    ['an empty branch list', { ...valid, branches: [] }, 'branches', /at least one branch/],
    ['an empty include list', { ...valid, includePaths: [] }, 'includePaths', /at least one pattern/],
    ['a misspelt field', { ...valid, includePath: ['x'] }, 'includePath', /not a known field/],
    ['a repository without owner', { ...valid, repository: 'platform' }, 'repository', /owner\/name/],
    ['a bad pipeline name', { ...valid, pipelineName: 'orders service' }, 'pipelineName', /letters, digits/],
    ['a wrong version', { ...valid, version: 2 }, 'version', /expected 1/],
    ['an unknown path syntax', { ...valid, pathSyntax: 'pcre' }, 'pathSyntax', /regex.*glob/],
    ['an empty pattern', { ...valid, includePaths: ['^a/', ''] }, 'includePaths[1]', /must not be empty/],
    ['a regex that does not compile', { ...valid, includePaths: ['^a/', '^(b'] }, 'includePaths[1]', /not a valid regular expression.*Unterminated group/],
    ['an exclude that does not compile', { ...valid, excludePaths: ['[z-a]'] }, 'excludePaths[0]', /not a valid regular expression/],
    ['a reserved variable', { ...valid, variables: { COMMIT_ID: 'x' } }, 'variables.COMMIT_ID', /set by the trigger itself/],
    ['an empty variable value', { ...valid, variables: { SERVICE: '' } }, 'variables.SERVICE', /must not be empty/],
    ['a variable name with a space', { ...valid, variables: { 'MY VAR': 'x' } }, 'variables.MY VAR', /letters, digits/],
    ['too many include patterns', { ...valid, includePaths: Array.from({ length: 501 }, (_, i) => `^p${i}/`) }, 'includePaths', /500/],
    ['an owner without logical id', { ...valid, owner: { stackId: 'arn:x' } }, 'owner.logicalResourceId', /expected string/],
    ['a non-object', 'just a string', '(root)', /expected object/],
  ])('rejects %s, naming the field', (_name, input, path, message) => {
    const issues = issuesOf(input);
    const issue = issues.find((i) => i.path === path);
    expect(issue).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it.each([
    ['nested quantifiers', '^(a+)+$', 1, /exponential/],
    ['overlapping alternatives', '^services/(a|a)*$', 1, /exponential/],
    ['cubic wildcards', '^a.*b.*c.*=', 1, /3rd degree polynomial/],
  ])('rejects a pattern with %s, with its index and the reason', (_name, pattern, index, reason) => {
    const issues = issuesOf({ ...valid, includePaths: ['^ok/', pattern] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(`includePaths[${index}]`);
    expect(issues[0]?.message).toMatch(/can backtrack catastrophically/);
    expect(issues[0]?.message).toMatch(reason);
  });

  it('reports unsafe patterns together with structural errors, so one run shows every problem', () => {
    const issues = issuesOf({ ...valid, branches: [], includePaths: ['^(a+)+$', '^(unclosed'] });
    expect(issues.map((i) => i.path).sort()).toEqual(['branches', 'includePaths[0]', 'includePaths[1]']);
  });

  it('accepts quadratic patterns over short paths such as .*\\.md$', () => {
    expect(validateTriggerConfig({ ...valid, excludePaths: ['.*\\.md$'] }).ok).toBe(true);
  });

  it('skips the analysis for patterns without quantifiers, which cannot backtrack', () => {
    const { hasQuantifier } = jest.requireActual('./backtracking-check');
    expect(['^services/orders/', '\\.md$', '^a\\+b\\*c$', '^(docs|site)/'].map(hasQuantifier)).toEqual([false, false, false, false]);
    expect(['^a+$', 'x*', 'a?', 'a{2}', '(?:a)'].map(hasQuantifier)).toEqual([true, true, true, true, true]);
  });

  it('can leave the backtracking check out', () => {
    expect(validateTriggerConfig({ ...valid, includePaths: ['^(a+)+$'] }, { checkBacktracking: false }).ok).toBe(true);
  });

  it('accepts ordinary globs', () => {
    expect(validateTriggerConfig({ ...valid, pathSyntax: 'glob', includePaths: ['services/**/src/*.ts', '**/*.md', '{apps,libs}/**'] }).ok).toBe(true);
  });

  it.each([
    ['too many * in one segment', { pathSyntax: 'glob', includePaths: ['src/**', '**/*a*a*a*x'] }, 'includePaths[1]', /more than 2 '\*' in one segment/],
    ['too many **', { pathSyntax: 'glob', includePaths: ['**/a/**/b/**/c/**/d/**'] }, 'includePaths[0]', /more than 4 '\*\*'/],
    ['an extglob', { pathSyntax: 'glob', excludePaths: ['+(a|b)/x'] }, 'excludePaths[0]', /extglobs/],
    ['a branch glob that backtracks', { branches: ['main', '*a*a*a*a*a*a*x'] }, 'branches[1]', /more than 3 '\*'/],
    ['a tag glob that backtracks', { tags: ['v*.*.*', 'v*.*.*-*'] }, 'tags[1]', /more than 3 '\*'/],
  ])('rejects a glob with %s, naming the field', (_name, overrides, path, message) => {
    const issues = issuesOf({ ...valid, ...overrides });
    expect(issues.find((i) => i.path === path)?.message).toMatch(message);
  });
});

describe('parseCfnProperties', () => {
  const props = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cfresource',
    Repository: 'Acme/Platform',
    PipelineName: 'orders-service',
    Branches: ['main', 'release/**'],
    IncludePaths: ['^services/orders/'],
  };
  const owner = { stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/1', logicalResourceId: 'Trigger' };

  it('maps PascalCase properties to the stored config and sets the owner', () => {
    const result = parseCfnProperties({ ...props, Tags: ['orders-v*'], ExcludePaths: ['\\.md$'], PathSyntax: 'regex', OnIncompleteChanges: 'skip', SourceActionName: 'Source', Variables: { SERVICE: 'orders' } }, owner);
    expect(result).toEqual({
      ok: true,
      value: {
        version: 1,
        repository: 'Acme/Platform',
        pipelineName: 'orders-service',
        branches: ['main', 'release/**'],
        tags: ['orders-v*'],
        includePaths: ['^services/orders/'],
        excludePaths: ['\\.md$'],
        pathSyntax: 'regex',
        onIncompleteChanges: 'skip',
        sourceActionName: 'Source',
        variables: { SERVICE: 'orders' },
        owner,
      },
    });
  });

  it('coerces scalars that arrive as numbers or booleans to strings', () => {
    const result = parseCfnProperties({ ...props, PipelineName: 42, Variables: { PORT: 8080, DEBUG: true } });
    expect(result.ok && result.value.pipelineName).toBe('42');
    expect(result.ok && result.value.variables).toEqual({ PORT: '8080', DEBUG: 'true' });
  });

  it('takes a single string as a one-element list', () => {
    const result = parseCfnProperties({ ...props, Branches: 'main', IncludePaths: '^apps/' });
    expect(result.ok && [result.value.branches, result.value.includePaths]).toEqual([['main'], ['^apps/']]);
  });

  it('treats an empty optional string as not set', () => {
    const result = parseCfnProperties({ ...props, SourceActionName: '', PathSyntax: '', OnIncompleteChanges: '' });
    expect(result.ok && result.value).toMatchObject({ pathSyntax: 'regex', onIncompleteChanges: 'trigger' });
    expect(result.ok && 'sourceActionName' in result.value).toBe(false);
  });

  it('names CloudFormation properties in its errors', () => {
    const result = parseCfnProperties({ ...props, IncludePaths: ['^ok/', '^(a+)+$'], PathSyntax: 'pcre' });
    expect(result.ok).toBe(false);
    const paths = !result.ok ? result.issues.map((i) => i.path) : [];
    expect(paths).toContain('PathSyntax');
    const redos = parseCfnProperties({ ...props, IncludePaths: ['^ok/', '^(a+)+$'] });
    expect(!redos.ok && redos.issues[0]).toMatchObject({ path: 'IncludePaths[1]', message: expect.stringMatching(/backtrack/) });
  });

  it('rejects an unknown property and a missing one', () => {
    const result = parseCfnProperties({ ...props, IncludePath: ['x'], Branches: undefined });
    expect(!result.ok && result.issues.map((i) => i.path).sort()).toEqual(['Branches', 'IncludePath']);
  });

  it('rejects missing properties altogether', () => {
    const result = parseCfnProperties(undefined);
    expect(!result.ok && result.issues.map((i) => i.path).sort()).toEqual(['Branches', 'IncludePaths', 'PipelineName', 'Repository']);
  });
});
