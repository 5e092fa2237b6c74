import { parseCfnProperties } from './cfn-properties.schema';
import { LIMITS } from './limits';
import { validateTriggerConfig } from './validate';

const valid = {
  version: 1,
  repository: 'acme/platform',
  pipelineName: 'orders-service',
  branches: ['main'],
  includePaths: ['^services/orders/'],
  sourceActionName: 'Source',
};

function issuesOf(input: unknown): [string, string][] {
  const result = validateTriggerConfig(input);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues.map((issue) => [issue.path, issue.message]);
}

describe('the pullRequests section', () => {
  it('is absent by default: a config builds no pull request unless it says so', () => {
    const result = validateTriggerConfig(valid);
    expect(result.ok && result.value.pullRequests).toBeUndefined();
  });

  it('fills its documented defaults: the four "new code" events, no drafts, no forks, the config\'s own paths and branches', () => {
    const result = validateTriggerConfig({ ...valid, pullRequests: {} });
    expect(result.ok && result.value.pullRequests).toEqual({
      events: ['opened', 'synchronize', 'reopened', 'ready_for_review'],
      drafts: false,
      forks: false,
    });
  });

  it('takes every field a person may write', () => {
    const pullRequests = {
      events: ['opened', 'synchronize', 'merged'],
      baseBranches: ['main', 'release/**'],
      drafts: true,
      forks: true,
      includePaths: ['^services/orders/', '^libs/'],
      excludePaths: ['\\.md$'],
    };
    const result = validateTriggerConfig({ ...valid, pullRequests });
    expect(result.ok && result.value.pullRequests).toEqual(pullRequests);
  });

  it.each([
    ['an unknown event', { events: ['closed'] }, 'pullRequests.events[0]', /expected one of "opened"/],
    ['no event', { events: [] }, 'pullRequests.events', /at least one event/],
    ['an event twice', { events: ['opened', 'opened'] }, 'pullRequests.events', /twice/],
    ['no base branch', { baseBranches: [] }, 'pullRequests.baseBranches', /at least one branch glob/],
    ['a bad base glob', { baseBranches: ['[main'] }, 'pullRequests.baseBranches[0]', /"\[main"/],
    ['drafts not a boolean', { drafts: 'yes' }, 'pullRequests.drafts', /must be true or false/],
    ['a misspelt field', { fork: true }, 'pullRequests.fork', /not a known field/],
    ['excludes without includes', { excludePaths: ['\\.md$'] }, 'pullRequests.excludePaths', /needs includePaths beside it/],
    ['a pattern that does not compile', { includePaths: ['(?=x)'] }, 'pullRequests.includePaths[0]', /lookahead/],
    ['an empty include list', { includePaths: [] }, 'pullRequests.includePaths', /at least one pattern/],
  ])('refuses %s, naming the field', (_name, pullRequests, path, message) => {
    const issues = issuesOf({ ...valid, pullRequests });
    expect(issues.map(([p]) => p)).toContain(path);
    expect(issues.find(([p]) => p === path)?.[1]).toMatch(message);
  });

  it(`keeps its own lists within the documented limits (${LIMITS.refPatterns} base globs, ${LIMITS.pathPatterns} patterns each)`, () => {
    const globs = (n: number) => Array.from({ length: n }, (_, i) => `b${i}`);
    const paths = (n: number) => Array.from({ length: n }, (_, i) => `^p${i}/`);
    expect(
      validateTriggerConfig({ ...valid, pullRequests: { baseBranches: globs(100), includePaths: paths(500), excludePaths: paths(500) } })
        .ok,
    ).toBe(true);
    expect(issuesOf({ ...valid, pullRequests: { baseBranches: globs(101) } }).map(([p]) => p)).toEqual(['pullRequests.baseBranches']);
    expect(issuesOf({ ...valid, pullRequests: { includePaths: paths(501) } }).map(([p]) => p)).toEqual(['pullRequests.includePaths']);
  });

  it("counts its patterns towards the config's compiled size, so a heavy section cannot bypass the limit", () => {
    const heavy = (n: number) => Array.from({ length: n }, (_, i) => `^p${i}/[a-z]{900}$`); // 907 instructions each
    // 6 in the config's own lists and 6 in the section: the 12th crosses 10,000, wherever it is.
    const issues = issuesOf({ ...valid, includePaths: heavy(6), pullRequests: { includePaths: heavy(6) } });
    expect(issues).toEqual([['pullRequests.includePaths[5]', expect.stringMatching(/more than 10000 instructions/)]]);
    expect(validateTriggerConfig({ ...valid, includePaths: heavy(5), pullRequests: { includePaths: heavy(6) } }).ok).toBe(true);
  });

  it('reports its pattern errors together with structural errors elsewhere, so one run shows every problem', () => {
    const issues = issuesOf({ ...valid, branch: ['main'], pullRequests: { includePaths: ['(a)\\1'] } });
    expect(issues.map(([p]) => p)).toEqual(expect.arrayContaining(['branch', 'pullRequests.includePaths[0]']));
  });

  it('reserves the pull request variables in a config that builds pull requests, and only there', () => {
    for (const name of ['PULL_REQUEST_NUMBER', 'BASE_BRANCH_NAME', 'BASE_COMMIT_ID']) {
      expect(issuesOf({ ...valid, pullRequests: {}, variables: { [name]: 'x' } })[0]?.[0]).toBe(`variables.${name}`);
      // A config written before pull requests existed keeps its own variable of that name.
      expect(validateTriggerConfig({ ...valid, variables: { [name]: 'x' } }).ok).toBe(true);
    }
  });

  it("leaves room for the 6 variables a pull request's start sets within CodePipeline's 50 per start (3 for a push)", () => {
    const variables = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`V${i}`, 'x']));
    expect(validateTriggerConfig({ ...valid, pullRequests: {}, variables: variables(44) }).ok).toBe(true);
    expect(issuesOf({ ...valid, pullRequests: {}, variables: variables(45) })).toEqual([
      ['variables', "at most 44 variables with pullRequests (a pull request's start sets 6 of CodePipeline's 50)"],
    ]);
    expect(validateTriggerConfig({ ...valid, variables: variables(47) }).ok).toBe(true);
    expect(issuesOf({ ...valid, variables: variables(48) })).toEqual([['variables', 'at most 47 variables']]);
  });

  it('needs sourceActionName: unpinned, a start would build the source branch, not the pull request', () => {
    const unpinned: Record<string, unknown> = { ...valid };
    delete unpinned['sourceActionName'];
    expect(issuesOf({ ...unpinned, pullRequests: {} })).toEqual([
      ['sourceActionName', expect.stringMatching(/^is required with pullRequests/)],
    ]);
    expect(validateTriggerConfig(unpinned).ok).toBe(true);
  });
});

describe('the PullRequests CloudFormation property', () => {
  const props = {
    Repository: 'Acme/Platform',
    PipelineName: 'orders-service',
    Branches: ['main'],
    IncludePaths: ['^services/orders/'],
    SourceActionName: 'Source',
  };

  it('maps its PascalCase properties, strings as CloudFormation sends them', () => {
    const result = parseCfnProperties({
      ...props,
      PullRequests: {
        Events: ['opened', 'merged'],
        BaseBranches: 'main',
        Drafts: 'true',
        Forks: 'false',
        IncludePaths: ['^services/'],
        ExcludePaths: '\\.md$',
      },
    });
    expect(result.ok && result.value.pullRequests).toEqual({
      events: ['opened', 'merged'],
      baseBranches: ['main'],
      drafts: true,
      forks: false,
      includePaths: ['^services/'],
      excludePaths: ['\\.md$'],
    });
  });

  it('takes an empty PullRequests as the defaults', () => {
    const result = parseCfnProperties({ ...props, PullRequests: {} });
    expect(result.ok && result.value.pullRequests).toEqual({
      events: ['opened', 'synchronize', 'reopened', 'ready_for_review'],
      drafts: false,
      forks: false,
    });
  });

  it('names the CloudFormation properties in its errors, nested ones included', () => {
    const bad = parseCfnProperties({ ...props, PullRequests: { Events: ['pushed'], IncludePaths: ['(?<=x)'] } });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['PullRequests.Events[0]', 'PullRequests.IncludePaths[0]']);
    const notBoolean = parseCfnProperties({ ...props, PullRequests: { Forks: 'maybe', IncludePaths: ['(?<=x)'] } });
    expect(notBoolean.ok ? [] : notBoolean.issues.map((i) => i.path)).toEqual(['PullRequests.Forks', 'PullRequests.IncludePaths[0]']);
    const misspelt = parseCfnProperties({ ...props, PullRequests: { Fork: 'true', IncludePaths: ['(a)\\1'] } });
    expect(misspelt.ok ? [] : misspelt.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['PullRequests.Fork', 'PullRequests.IncludePaths[0]']),
    );
  });
});
