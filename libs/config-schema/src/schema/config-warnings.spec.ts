import { parseCfnProperties, cfnPropertyIssue } from './cfn-properties.schema';
import { configWarnings } from './config-warnings';
import { validateTriggerConfig } from './validate';

const base = {
  version: 1,
  repository: 'acme/platform',
  pipelineName: 'orders-service',
  branches: ['main'],
  includePaths: ['^services/orders/'],
};

/** The warnings of a config that must be valid: warnings never make a config invalid. */
function warningsOf(input: Record<string, unknown>) {
  const result = validateTriggerConfig({ ...base, ...input });
  if (!result.ok) throw new Error(`expected a valid config: ${JSON.stringify(result.issues)}`);
  return configWarnings(result.value);
}

describe('configWarnings (issue 30: configs that can never start)', () => {
  it('has nothing to say about the example configs shapes', () => {
    expect(warningsOf({})).toEqual([]);
    expect(warningsOf({ branches: ['main', 'release/**'], tags: ['v*'], excludePaths: ['\\.md$', '^docs/.*'] })).toEqual([]);
    expect(warningsOf({ pathSyntax: 'glob', includePaths: ['services/orders/**', '**/*.ts', './libs/{a,b}/**'] })).toEqual([]);
    // Counted repetitions and classes are regular expressions, not globs.
    expect(warningsOf({ includePaths: ['^a{2,3}/', '^src/[^/]*\\.ts$', '^x/.*\\.md$'] })).toEqual([]);
  });

  it.each([
    [
      'branches',
      ['refs/heads/main'],
      'branches[0]',
      '"refs/heads/main" never matches: a branch is matched by its name, without refs/heads/: write "main"',
    ],
    [
      'branches',
      ['main', 'refs/heads/release/*'],
      'branches[1]',
      '"refs/heads/release/*" never matches: a branch is matched by its name, without refs/heads/: write "release/*"',
    ],
    ['tags', ['refs/tags/v*'], 'tags[0]', '"refs/tags/v*" never matches: a tag is matched by its name, without refs/tags/: write "v*"'],
    [
      'branches',
      ['refs/tags/v1'],
      'branches[0]',
      '"refs/tags/v1" never matches: names a tag, and branches holds branch names: put "v1" in tags',
    ],
    [
      'tags',
      ['refs/heads/main'],
      'tags[0]',
      '"refs/heads/main" never matches: names a branch, and tags holds tag names: put "main" in branches',
    ],
    [
      'branches',
      ['refs/pull/*/head'],
      'branches[0]',
      '"refs/pull/*/head" never matches: a push of refs/pull/*/head is neither a branch nor a tag, and starts nothing (pull requests: the pullRequests section)',
    ],
  ])('warns on %s %j written as a full ref, naming the short name', (field, value, path, message) => {
    expect(warningsOf({ [field]: value })).toEqual([{ path, message }]);
  });

  it('warns on a pull request base branch written as a full ref', () => {
    expect(warningsOf({ sourceActionName: 'Source', pullRequests: { baseBranches: ['refs/heads/main'] } }).map((w) => w.path)).toEqual([
      'pullRequests.baseBranches[0]',
    ]);
  });

  it.each([
    ['src/*.ts', '"/*" means "any number of /"'],
    ['^docs/*', '"/*" means "any number of /"'],
    ['^src/x\\.{ts,tsx}$', '"{ts,tsx}" is that very text, not a choice'],
  ])('warns on %j, a valid regular expression that looks like a glob, with the hint to set pathSyntax', (pattern, what) => {
    expect(warningsOf({ includePaths: ['^ok/'], excludePaths: [pattern] })).toEqual([
      {
        path: 'excludePaths[0]',
        message: `${JSON.stringify(pattern)} reads as a regular expression (pathSyntax is regex), where ${what}; it looks like a glob: set "pathSyntax": "glob" (PathSyntax: glob in a template) to match it as one`,
      },
    ]);
  });

  it.each([
    [
      'regex',
      '^/services/',
      '"^/services/" never matches: changed paths have no leading "/" (services/orders/x.ts, as git lists them): write "^services/"',
    ],
    [
      'glob',
      '/services/**',
      '"/services/**" never matches: changed paths have no leading "/" (services/orders/x.ts, as git lists them): write "services/**"',
    ],
  ])('warns on a %s path pattern rooted at "/"', (pathSyntax, pattern, message) => {
    expect(warningsOf({ pathSyntax, includePaths: [pattern] })).toEqual([{ path: 'includePaths[0]', message }]);
  });

  it('names CloudFormation properties when asked to (cfnPropertyIssue)', () => {
    const parsed = parseCfnProperties({
      Repository: 'acme/platform',
      PipelineName: 'p',
      Branches: ['refs/heads/main'],
      IncludePaths: ['^a/'],
    });
    if (!parsed.ok) throw new Error('expected valid properties');
    expect(
      configWarnings(parsed.value)
        .map(cfnPropertyIssue)
        .map((w) => w.path),
    ).toEqual(['Branches[0]']);
  });
});

describe('a glob under regex syntax is an error that says to set pathSyntax (issue 30)', () => {
  it.each([
    ['services/orders/**', /invalid nested repetition operator: `\*\*`; it looks like a glob: set "pathSyntax": "glob"/],
    ['*.ts', /missing argument to repetition operator: `\*`; it looks like a glob: set "pathSyntax": "glob"/],
  ])('%j', (pattern, message) => {
    const result = validateTriggerConfig({ ...base, includePaths: [pattern] });
    expect(result).toEqual({ ok: false, issues: [{ path: 'includePaths[0]', message: expect.stringMatching(message) }] });
    // The same pattern as a glob is valid, and warns about nothing.
    expect(warningsOf({ pathSyntax: 'glob', includePaths: [pattern] })).toEqual([]);
  });

  it('adds no hint to a regular expression that is wrong for another reason', () => {
    const result = validateTriggerConfig({ ...base, includePaths: ['(a)\\1'] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).not.toMatch(/pathSyntax/);
  });
});
