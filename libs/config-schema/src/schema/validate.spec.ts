import { parseCfnProperties } from './cfn-properties.schema';
import { validateTriggerConfig } from './validate';
import { statusContextOf } from './trigger-config.schema';

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
      value: {
        ...valid,
        tags: [],
        excludePaths: [],
        pathSyntax: 'regex',
        onIncompleteChanges: 'trigger',
        onNewBranch: 'changes',
        compareWith: 'push',
        variables: {},
        reportSkipped: false,
        honourSkipCi: true,
      },
    });
  });

  it.each([
    ['a missing field', { ...valid, branches: undefined }, 'branches', /^is required \(a list\)$/],
    ['an empty branch list', { ...valid, branches: [] }, 'branches', /at least one branch/],
    ['an empty include list', { ...valid, includePaths: [] }, 'includePaths', /at least one pattern/],
    ['a misspelt field', { ...valid, includePath: ['x'] }, 'includePath', /^is not a known field; did you mean includePaths\?$/],
    ['a field of the wrong type', { ...valid, includePaths: '^a/' }, 'includePaths', /^must be a list, not text$/],
    ['an unknown field like no other', { ...valid, frobnicate: true }, 'frobnicate', /^is not a known field$/],
    ['a repository without owner', { ...valid, repository: 'platform' }, 'repository', /owner\/name/],
    ['a repository of dot segments', { ...valid, repository: '../..' }, 'repository', /neither part "\." or "\.\."/],
    ['a repository named ..', { ...valid, repository: 'acme/..' }, 'repository', /neither part/],
    ['a pipeline named ..', { ...valid, pipelineName: '..' }, 'pipelineName', /not be "\." or "\.\."/],
    ['a pipeline named .', { ...valid, pipelineName: '.' }, 'pipelineName', /not be "\."/],
    ['a bad pipeline name', { ...valid, pipelineName: 'orders service' }, 'pipelineName', /letters, digits/],
    [
      'a version this release does not know',
      { ...valid, version: 5 },
      'version',
      /a format this release does not know .*use a newer release/,
    ],
    ['an unknown path syntax', { ...valid, pathSyntax: 'pcre' }, 'pathSyntax', /regex.*glob/],
    ['an unknown new-branch policy', { ...valid, onNewBranch: 'sometimes' }, 'onNewBranch', /changes.*always/],
    ['an empty pattern', { ...valid, includePaths: ['^a/', ''] }, 'includePaths[1]', /must not be empty/],
    [
      'a regex that does not compile',
      { ...valid, includePaths: ['^a/', '^(b'] },
      'includePaths[1]',
      /"\^\(b" is not valid RE2 syntax: missing closing \)/,
    ],
    [
      'an exclude that does not compile',
      { ...valid, excludePaths: ['[z-a]'] },
      'excludePaths[0]',
      /not valid RE2 syntax: invalid character class range/,
    ],
    ['a reserved variable', { ...valid, variables: { COMMIT_ID: 'x' } }, 'variables.COMMIT_ID', /set by the trigger itself/],
    ['an empty variable value', { ...valid, variables: { SERVICE: '' } }, 'variables.SERVICE', /must not be empty/],
    ['a variable name with a space', { ...valid, variables: { 'MY VAR': 'x' } }, 'variables.MY VAR', /letters, digits/],
    ['too many include patterns', { ...valid, includePaths: Array.from({ length: 501 }, (_, i) => `^p${i}/`) }, 'includePaths', /500/],
    ['an owner without logical id', { ...valid, owner: { stackId: 'arn:x' } }, 'owner.logicalResourceId', /^is required \(text\)$/],
    ['a non-object', 'just a string', '(root)', /^must be an object, not text$/],
  ])('rejects %s, naming the field', (_name, input, path, message) => {
    const issues = issuesOf(input);
    const issue = issues.find((i) => i.path === path);
    expect(issue).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it.each([
    ['a lookahead', '^(?!docs/)', /"\^\(\?!docs\/\)" uses a lookahead \(\(\?!\).*excludePaths/],
    ['a lookbehind', '(?<=src/)x', /uses a lookbehind/],
    ['a back-reference', '(a)\\1', /uses a back-reference \(\\1\)/],
    ['a JavaScript escape', '^caf\\u00e9/', /write a code point as \\x\{00e9\}/],
  ])('refuses %s (not RE2 syntax), naming the construct, the field and the index', (_name, pattern, message) => {
    const issues = issuesOf({ ...valid, includePaths: ['^ok/', pattern] });
    expect(issues).toEqual([{ path: 'includePaths[1]', message: expect.stringMatching(message) }]);
  });

  it.each(['^(a+)+$', '^services/(a|a)*$', '^a.*b.*c.*=', '(.*a){12}$', '.*\\.md$'])(
    'accepts %s: no pattern can backtrack on the linear-time engine',
    (pattern) => {
      expect(validateTriggerConfig({ ...valid, includePaths: [pattern] }).ok).toBe(true);
    },
  );

  it(`refuses patterns that compile to more than ${10_000} instructions together, at the pattern that crosses the limit`, () => {
    const heavy = Array.from({ length: 12 }, (_, i) => `^p${i}/[a-z]{900}$`); // 907 instructions each
    const issues = issuesOf({ ...valid, includePaths: heavy });
    expect(issues).toEqual([
      { path: 'includePaths[11]', message: expect.stringMatching(/more than 10000 instructions; use fewer or simpler patterns/) },
    ]);
    // Plain text costs nothing: 500 directory prefixes are fine.
    expect(validateTriggerConfig({ ...valid, includePaths: Array.from({ length: 500 }, (_, i) => `^services/s${i}/`) }).ok).toBe(true);
  });

  it('takes at most 256 KiB (262,144 bytes) as stored, so a reader can refuse a larger object by its size alone', () => {
    // 500 plain-text patterns of n characters each; the stored size is measured here as the store
    // writes it (two-space JSON), and the bound is written out by hand.
    const withPatterns = (n: number) => ({
      ...valid,
      includePaths: Array.from({ length: 500 }, (_, i) => `^${String(i).padStart(n, 'x')}/`),
    });
    const fits = withPatterns(500);
    const result = validateTriggerConfig(fits);
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(result.ok ? result.value : undefined, null, 2))).toBeLessThanOrEqual(262_144);
    const tooLarge = withPatterns(600);
    expect(Buffer.byteLength(JSON.stringify(tooLarge, null, 2))).toBeGreaterThan(262_144);
    expect(issuesOf(tooLarge)).toEqual([
      {
        path: '(root)',
        message: expect.stringMatching(
          /^takes \d+ bytes as stored, over the 262144 \(256 KiB\) a config may take; use fewer or shorter patterns/,
        ),
      },
    ]);
  });

  it('counts branch and tag globs towards the compiled size, so heavy ref globs cannot bypass it', () => {
    const heavy = Array.from({ length: 11 }, (_, i) => `r${i}${'?'.repeat(990)}`);
    const issues = issuesOf({ ...valid, branches: heavy });
    expect(issues).toEqual([{ path: 'branches', message: expect.stringMatching(/more than 10000 instructions/) }]);
  });

  it('reports pattern errors together with structural errors, so one run shows every problem', () => {
    const issues = issuesOf({ ...valid, branches: [], includePaths: ['(?=a)', '^(unclosed'] });
    expect(issues.map((i) => i.path).sort()).toEqual(['branches', 'includePaths[0]', 'includePaths[1]']);
  });

  it('takes a status context of one printable line up to 255 characters, and defaults it to pipeline/<pipelineName>', () => {
    const context = (statusContext: string) => validateTriggerConfig({ ...valid, statusContext });
    const ok = context('pipeline/orders-service/required ✓');
    expect(ok.ok && statusContextOf(ok.value)).toBe('pipeline/orders-service/required ✓');
    const defaulted = validateTriggerConfig(valid);
    expect(defaulted.ok && statusContextOf(defaulted.value)).toBe('pipeline/orders-service');
    expect(context(`pipeline/orders-service/${'x'.repeat(255 - 'pipeline/orders-service/'.length)}`).ok).toBe(true);
    for (const bad of [
      '',
      `pipeline/orders-service/${'x'.repeat(256 - 'pipeline/orders-service/'.length)}`,
      'pipeline/orders-service/two\nlines',
      'pipeline/orders-service/\tab',
    ]) {
      const result = context(bad);
      expect(!result.ok && [...new Set(result.issues.map((i) => i.path))]).toEqual(['statusContext']);
    }
  });

  it("refuses a status context outside the config's own pipeline: another pipeline's, another tool's", () => {
    for (const bad of ['pipeline/billing', 'pipeline/orders-service-2', 'ci/orders', 'codecov/project', 'pipeline/orders-servicex/a']) {
      const result = validateTriggerConfig({ ...valid, statusContext: bad });
      expect(!result.ok && result.issues).toEqual([
        {
          path: 'statusContext',
          message: expect.stringMatching(/^must be pipeline\/orders-service or start with pipeline\/orders-service\//),
        },
      ]);
    }
    expect(validateTriggerConfig({ ...valid, statusContext: 'pipeline/orders-service' }).ok).toBe(true);
  });

  it('accepts ordinary globs', () => {
    expect(
      validateTriggerConfig({ ...valid, pathSyntax: 'glob', includePaths: ['services/**/src/*.ts', '**/*.md', '{apps,libs}/**'] }).ok,
    ).toBe(true);
  });

  it('accepts globs with many wildcards, which no longer risk backtracking', () => {
    expect(
      validateTriggerConfig({
        ...valid,
        pathSyntax: 'glob',
        includePaths: ['**/*a*a*a*x', '**/a/**/b/**/c/**/d/**/e/**'],
        branches: ['*a*a*a*a*a*a*x'],
        tags: ['v*.*.*-*'],
      }).ok,
    ).toBe(true);
  });

  it.each([
    ['an extglob', { pathSyntax: 'glob', excludePaths: ['+(a|b)/x'] }, 'excludePaths[0]', /extglob/],
    ['a negated glob', { pathSyntax: 'glob', includePaths: ['!docs/**'] }, 'includePaths[0]', /negation is not supported/],
    ['a brace range', { pathSyntax: 'glob', includePaths: ['v{1..3}/**'] }, 'includePaths[0]', /range/],
    ['an unclosed class in a branch glob', { branches: ['main', 'release/[0-9'] }, 'branches[1]', /unclosed "\["/],
    ['a tag glob extglob', { tags: ['v+(1|2)'] }, 'tags[0]', /extglob/],
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

  it('reports every problem in one pass: a misspelt property with what it meant, the missing one, and a bad pattern', () => {
    const result = parseCfnProperties(
      { ...props, Branches: undefined, Branch: ['main'], IncludePaths: ['(a)\\1', '^ok/'], PathSyntax: 'regex' },
      owner,
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((i) => [i.path, i.message])).toEqual([
      ['Branches', 'is required'],
      ['Branch', 'is not a known field; did you mean Branches?'],
      ['IncludePaths[0]', expect.stringMatching(/uses a back-reference/)],
    ]);
  });

  it('maps PascalCase properties to the stored config and sets the owner', () => {
    const result = parseCfnProperties(
      {
        ...props,
        Tags: ['orders-v*'],
        ExcludePaths: ['\\.md$'],
        PathSyntax: 'regex',
        OnIncompleteChanges: 'skip',
        OnNewBranch: 'always',
        SourceActionName: 'Source',
        Variables: { SERVICE: 'orders' },
        StatusContext: 'pipeline/orders-service/required',
        ReportSkipped: 'true',
      },
      owner,
    );
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
        onNewBranch: 'always',
        compareWith: 'push',
        sourceActionName: 'Source',
        variables: { SERVICE: 'orders' },
        statusContext: 'pipeline/orders-service/required',
        reportSkipped: true,
        honourSkipCi: true,
        owner,
      },
    });
  });

  it.each([
    [true, true],
    ['false', false],
    ['', false],
    [undefined, false],
  ])('reads ReportSkipped %j as %j (an empty string is unset: the default)', (value, expected) => {
    const result = parseCfnProperties({ ...props, ReportSkipped: value });
    expect(result.ok && result.value.reportSkipped).toBe(expected);
  });

  it('reads HonourSkipCi ("false" builds [skip ci] pushes; unset honours them)', () => {
    const off = parseCfnProperties({ ...props, HonourSkipCi: 'false' });
    expect(off.ok && off.value.honourSkipCi).toBe(false);
    const unset = parseCfnProperties({ ...props });
    expect(unset.ok && unset.value.honourSkipCi).toBe(true);
    const bad = parseCfnProperties({ ...props, HonourSkipCi: 'no' });
    expect(!bad.ok && bad.issues.map((i) => i.path)).toEqual(['HonourSkipCi']);
  });

  it('names ReportSkipped when it is not a boolean', () => {
    const result = parseCfnProperties({ ...props, ReportSkipped: 'yes' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['ReportSkipped']);
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
    const result = parseCfnProperties({ ...props, IncludePaths: ['^ok/', '(?=x)'], PathSyntax: 'pcre' });
    expect(result.ok).toBe(false);
    const paths = !result.ok ? result.issues.map((i) => i.path) : [];
    expect(paths).toContain('PathSyntax');
    const lookahead = parseCfnProperties({ ...props, IncludePaths: ['^ok/', '^(?!docs/)'] });
    expect(!lookahead.ok && lookahead.issues[0]).toMatchObject({ path: 'IncludePaths[1]', message: expect.stringMatching(/lookahead/) });
  });

  it('refuses dot-segment names from CloudFormation, naming the properties', () => {
    const result = parseCfnProperties({ ...props, Repository: '../..', PipelineName: '..' });
    expect(!result.ok && result.issues.map((i) => i.path).sort()).toEqual(['PipelineName', 'Repository']);
  });

  it('accepts names with dots that are not dot segments', () => {
    expect(parseCfnProperties({ ...props, Repository: 'acme/my.repo', PipelineName: 'orders.v2' }).ok).toBe(true);
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
