import { compileTrigger } from '../decision/compiled-trigger';
import { createChangeSet } from '../decision/change-set';
import { decide, mergeQueueBaseOf } from '../decision/decide';
import { decideMergeGroup } from '../decision/decide-merge-group';
import { parseCfnProperties } from './cfn-properties.schema';
import { formatOf } from './config-format';
import { configWarnings } from './config-warnings';
import { storedConfigText, validateTriggerConfig } from './validate';

const valid = {
  version: 2,
  repository: 'acme/platform',
  pipelineName: 'orders-service',
  branches: ['main', 'release/**'],
  includePaths: ['^services/orders/'],
  excludePaths: ['\\.md$'],
  sourceActionName: 'Source',
  reportSkipped: true,
  pullRequests: {},
};

function issuesOf(input: unknown): [string, string][] {
  const result = validateTriggerConfig(input);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues.map((issue) => [issue.path, issue.message]);
}

const group = (baseRef: string) => ({ repository: 'acme/platform', baseRef, headRef: 'refs/heads/gh-readonly-queue/main/pr-7-ab12' });

describe('the mergeQueue section', () => {
  it('fills its one default (stop destroyed groups) and is written as format 2, which older readers may decide without', () => {
    const result = validateTriggerConfig({ ...valid, mergeQueue: {} });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value.mergeQueue).toEqual({ stopDestroyed: true });
    const stored = JSON.parse(storedConfigText(result.value)) as Record<string, unknown>;
    expect(stored['version']).toBe(2);
    expect('minReaderVersion' in stored).toBe(false);
    expect(formatOf(stored)).toEqual({ version: 2, minReaderVersion: 1 });
  });

  it('is refused without sourceActionName (a group is built at its head or not at all), or with excludePaths alone', () => {
    const { sourceActionName: _unused, pullRequests: _pulls, ...unpinned } = valid;
    expect(issuesOf({ ...unpinned, mergeQueue: {} })).toEqual([
      [
        'sourceActionName',
        "is required with mergeQueue: a merge group's start is pinned to its head on this source action, or it would build another commit",
      ],
    ]);
    expect(issuesOf({ ...valid, mergeQueue: { excludePaths: ['x'] } })).toEqual([
      ['mergeQueue.excludePaths', "needs includePaths beside it: a merge group's own paths replace both of the config's lists"],
    ]);
    expect(issuesOf({ ...valid, mergeQueue: { includePaths: ['^(a'] } })[0]?.[0]).toBe('mergeQueue.includePaths[0]');
  });

  it('comes from the MergeQueue property of a template, its issues named by property', () => {
    const properties = {
      Repository: 'acme/platform',
      PipelineName: 'orders-service',
      Branches: 'main',
      IncludePaths: '^services/orders/',
      SourceActionName: 'Source',
      PullRequests: {},
      MergeQueue: { BaseBranches: 'main', IncludePaths: ['^services/'], ExcludePaths: '\\.md$', StopDestroyed: 'false' },
    };
    const parsed = parseCfnProperties(properties);
    expect(parsed.ok && parsed.value.mergeQueue).toEqual({
      baseBranches: ['main'],
      includePaths: ['^services/'],
      excludePaths: ['\\.md$'],
      stopDestroyed: false,
    });
    const bad = parseCfnProperties({ ...properties, MergeQueue: { IncludePaths: ['(('] } });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['MergeQueue.IncludePaths[0]']);
  });

  it('warns when its required check could not pass on the pull requests themselves', () => {
    const parse = (input: unknown) => {
      const result = validateTriggerConfig(input);
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      return configWarnings(result.value).map((w) => w.path);
    };
    expect(parse({ ...valid, mergeQueue: {} })).toEqual([]);
    expect(parse({ ...valid, reportSkipped: false, mergeQueue: {} })).toEqual(['reportSkipped']);
    const { pullRequests: _pulls, ...noPulls } = valid;
    expect(parse({ ...noPulls, mergeQueue: {} })).toEqual(['mergeQueue']);
    expect(parse({ ...valid, mergeQueue: { baseBranches: ['refs/heads/main'] } })).toEqual(['mergeQueue.baseBranches[0]']);
  });
});

describe('decideMergeGroup', () => {
  const trigger = (extra: Record<string, unknown>) => {
    const result = validateTriggerConfig({ ...valid, ...extra });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return compileTrigger(result.value);
  };
  const changes = (...paths: string[]) => createChangeSet(paths, true);

  // Hand-written: [what, config fields, base branch, changed paths, start, reason]
  it.each([
    ['no section', {}, 'main', ['services/orders/a.ts'], false, 'mq-not-configured'],
    ['the config’s branches by default', { mergeQueue: {} }, 'release/4', ['services/orders/a.ts'], true, 'path-matched'],
    [
      'pullRequests.baseBranches before branches',
      { pullRequests: { baseBranches: ['main'] }, mergeQueue: {} },
      'release/4',
      ['services/orders/a.ts'],
      false,
      'mq-base-not-matched',
    ],
    [
      'its own baseBranches first',
      { pullRequests: { baseBranches: ['main'] }, mergeQueue: { baseBranches: ['release/*'] } },
      'release/4',
      ['services/orders/a.ts'],
      true,
      'path-matched',
    ],
    ['the config’s excludes', { mergeQueue: {} }, 'main', ['services/orders/README.md'], false, 'no-path-matched'],
    [
      'the pull request’s own paths by default',
      { pullRequests: { includePaths: ['^libs/'] }, mergeQueue: {} },
      'main',
      ['services/orders/a.ts'],
      false,
      'no-path-matched',
    ],
    [
      'its own paths first',
      { pullRequests: { includePaths: ['^libs/'] }, mergeQueue: { includePaths: ['^services/'] } },
      'main',
      ['services/orders/a.ts'],
      true,
      'path-matched',
    ],
    ['a tag is no base branch', { mergeQueue: {} }, 'refs/tags/main', ['services/orders/a.ts'], false, 'mq-base-not-matched'],
  ])('%s', (_what, extra, base, paths, start, reason) => {
    const baseRef = base.startsWith('refs/') ? base : `refs/heads/${base}`;
    const decision = decideMergeGroup(trigger(extra), group(baseRef), changes(...paths));
    expect([decision.start, decision.reason]).toEqual([start, reason]);
  });

  it('names the group and the field that decided', () => {
    const decision = decideMergeGroup(
      trigger({ mergeQueue: { includePaths: ['^services/'] } }),
      group('refs/heads/main'),
      changes('services/x'),
    );
    expect(decision.detail).toBe('services/x matches ^services/ in merge group gh-readonly-queue/main/pr-7-ab12 into main');
    expect(decision.match?.field).toBe('mergeQueue.includePaths[0]');
  });
});

describe('a push to a merge queue’s group branch', () => {
  it('starts no config that builds merge groups (its merge_group delivery does), and is a push like any other to the rest', () => {
    const compile = (extra: Record<string, unknown>) => {
      const result = validateTriggerConfig({ ...valid, branches: ['**'], ...extra });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      return compileTrigger(result.value);
    };
    const push = { repository: 'acme/platform', ref: 'refs/heads/gh-readonly-queue/main/pr-7-ab12', deleted: false };
    const changes = createChangeSet(['services/orders/a.ts'], true);
    expect(decide(compile({ mergeQueue: {} }), push, changes)).toMatchObject({ start: false, reason: 'mq-branch' });
    expect(decide(compile({}), push, changes)).toMatchObject({ start: true, reason: 'path-matched' });
    // A queue the config does not build (release's, when its mergeQueue is main's): a push like any other.
    const release = { ...push, ref: 'refs/heads/gh-readonly-queue/release/1.x/pr-9-ab12' };
    expect(decide(compile({ mergeQueue: { baseBranches: ['main'] } }), release, changes)).toMatchObject({
      start: true,
      reason: 'path-matched',
    });
    expect(decide(compile({ mergeQueue: { baseBranches: ['release/*'] } }), release, changes)).toMatchObject({ reason: 'mq-branch' });
  });

  it('reads the branch a group merges into from its branch name, slashes included', () => {
    expect(mergeQueueBaseOf('gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64')).toBe('main');
    expect(mergeQueueBaseOf('gh-readonly-queue/release/1.x/pr-9-ab12')).toBe('release/1.x');
    expect(mergeQueueBaseOf('gh-readonly-queue/main')).toBeUndefined();
    expect(mergeQueueBaseOf('feature/gh-readonly-queue/main/pr-1-ab')).toBeUndefined();
  });
});
