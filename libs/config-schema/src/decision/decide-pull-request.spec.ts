import { triggerConfigSchema, type TriggerConfigInput } from '../schema/trigger-config.schema';
import { createChangeSet } from './change-set';
import { compileTrigger } from './compiled-trigger';
import type { Decision } from './decide';
import { decidePullRequest, type PullRequestFacts } from './decide-pull-request';

function trigger(overrides: Partial<TriggerConfigInput> = {}) {
  return compileTrigger(
    triggerConfigSchema.parse({
      version: 1,
      repository: 'Acme/Platform',
      pipelineName: 'orders',
      branches: ['main', 'release/*'],
      includePaths: ['^services/orders/'],
      excludePaths: ['\\.md$'],
      sourceActionName: 'Source',
      pullRequests: {},
      ...overrides,
    }),
  );
}

const opened: PullRequestFacts = {
  repository: 'acme/platform',
  number: 7,
  event: 'opened',
  baseRef: 'refs/heads/main',
  draft: false,
  fromFork: false,
};
const ordersChange = ['services/orders/app.ts'];

interface Case {
  name: string;
  config?: Partial<TriggerConfigInput>;
  pull?: Partial<PullRequestFacts>;
  paths?: string[];
  complete?: boolean;
  expect: Partial<Decision>;
}

// Written by hand from the rules in docs/trigger-config.md ("Pull requests").
const cases: Case[] = [
  {
    name: 'starts an opened pull request into main whose files concern the config',
    expect: {
      start: true,
      reason: 'path-matched',
      refPattern: 'main',
      detail: 'services/orders/app.ts matches ^services/orders/ in pull request #7 into main',
      match: { path: 'services/orders/app.ts', pattern: '^services/orders/', field: 'includePaths[0]' },
    },
  },
  { name: 'starts on new commits (synchronize)', pull: { event: 'synchronize' }, expect: { start: true, reason: 'path-matched' } },
  { name: 'starts when reopened', pull: { event: 'reopened' }, expect: { start: true, reason: 'path-matched' } },
  { name: 'starts when a draft is made ready', pull: { event: 'ready_for_review' }, expect: { start: true, reason: 'path-matched' } },
  {
    name: 'builds no pull request for a config without the section',
    config: { pullRequests: undefined },
    expect: { start: false, reason: 'pr-not-configured' },
  },
  {
    name: 'does not build a merge unless the config names it',
    pull: { event: 'merged' },
    expect: {
      start: false,
      reason: 'pr-event-not-matched',
      detail: 'merged is not one of pullRequests.events (opened, synchronize, reopened, ready_for_review)',
    },
  },
  {
    name: 'builds a merge when the config names it',
    config: { pullRequests: { events: ['merged'] } },
    pull: { event: 'merged' },
    expect: { start: true, reason: 'path-matched' },
  },
  {
    name: 'does not build an event the config left out',
    config: { pullRequests: { events: ['opened'] } },
    pull: { event: 'synchronize' },
    expect: { start: false, reason: 'pr-event-not-matched' },
  },
  {
    name: "takes the config's branches as base branches by default",
    pull: { baseRef: 'refs/heads/release/1.2' },
    expect: { start: true, refPattern: 'release/*' },
  },
  {
    name: 'does not build a pull request into another branch',
    pull: { baseRef: 'refs/heads/develop' },
    expect: {
      start: false,
      reason: 'pr-base-not-matched',
      detail: 'pull request #7 targets develop, which matches none of main, release/*',
    },
  },
  {
    name: 'uses its own base branches when it has them',
    config: { pullRequests: { baseBranches: ['develop'] } },
    pull: { baseRef: 'refs/heads/develop' },
    expect: { start: true, refPattern: 'develop' },
  },
  {
    name: 'its own base branches replace the config branches',
    config: { pullRequests: { baseBranches: ['develop'] } },
    expect: { start: false, reason: 'pr-base-not-matched' },
  },
  { name: 'does not build a draft by default', pull: { draft: true }, expect: { start: false, reason: 'pr-draft', refPattern: 'main' } },
  {
    name: 'builds a draft when drafts is true',
    config: { pullRequests: { drafts: true } },
    pull: { draft: true },
    expect: { start: true },
  },
  {
    name: 'does not build a fork by default, and says why',
    pull: { fromFork: true },
    expect: {
      start: false,
      reason: 'pr-from-fork',
      detail:
        "pull request #7 comes from a fork: its code would run with the pipeline's permissions (set pullRequests.forks to build forks)",
    },
  },
  {
    name: 'builds a fork when forks is true',
    config: { pullRequests: { forks: true } },
    pull: { fromFork: true },
    expect: { start: true },
  },
  {
    name: 'does not build a fork draft when only forks is allowed',
    config: { pullRequests: { forks: true } },
    pull: { fromFork: true, draft: true },
    expect: { start: false, reason: 'pr-draft' },
  },
  { name: 'honours [skip ci] on the head commit', pull: { skipCi: '[skip ci]' }, expect: { start: false, reason: 'skip-ci' } },
  {
    name: 'builds a [skip ci] head when honourSkipCi is false',
    config: { honourSkipCi: false },
    pull: { skipCi: '[ci skip]' },
    expect: { start: true, reason: 'path-matched' },
  },
  {
    name: 'does not build a pull request whose files do not concern the config',
    paths: ['services/billing/app.ts'],
    expect: { start: false, reason: 'no-path-matched', detail: 'none of the 1 changed paths matches includePaths' },
  },
  {
    name: 'applies the excludes to its files',
    paths: ['services/orders/README.md'],
    expect: {
      start: false,
      reason: 'no-path-matched',
      excluded: expect.objectContaining({ path: 'services/orders/README.md', excludedBy: '\\.md$' }),
    },
  },
  {
    name: 'uses its own paths, which replace both of the config lists',
    config: { pullRequests: { includePaths: ['\\.md$'] } },
    paths: ['services/orders/README.md'],
    expect: { start: true, match: { path: 'services/orders/README.md', pattern: '\\.md$', field: 'pullRequests.includePaths[0]' } },
  },
  {
    name: 'names its own excludes when they remove a path',
    config: { pullRequests: { includePaths: ['^services/'], excludePaths: ['^services/billing/'] } },
    paths: ['services/billing/app.ts'],
    expect: {
      start: false,
      reason: 'no-path-matched',
      excluded: expect.objectContaining({ excludedByField: 'pullRequests.excludePaths[0]' }),
    },
  },
  {
    name: 'follows onIncompleteChanges (trigger) when GitHub could not list every file',
    paths: ['services/billing/app.ts'],
    complete: false,
    expect: { start: true, reason: 'changes-incomplete-trigger', incomplete: 'change-list' },
  },
  {
    name: 'follows onIncompleteChanges (skip) when GitHub could not list every file',
    config: { onIncompleteChanges: 'skip' },
    paths: [],
    complete: false,
    expect: { start: false, reason: 'changes-incomplete-skip' },
  },
  {
    name: 'starts on a known file that counts even when the list is incomplete',
    config: { onIncompleteChanges: 'skip' },
    complete: false,
    expect: { start: true, reason: 'path-matched' },
  },
  {
    name: 'ignores a pull request in another repository',
    pull: { repository: 'acme/other' },
    expect: { start: false, reason: 'repository-mismatch' },
  },
  { name: 'matches the repository case-insensitively', pull: { repository: 'ACME/PLATFORM' }, expect: { start: true } },
];

describe('decidePullRequest', () => {
  it.each(cases)('$name', ({ config, pull, paths = ordersChange, complete = true, expect: expected }) => {
    const decision = decidePullRequest(trigger(config), { ...opened, ...pull }, createChangeSet(paths, complete));
    expect(decision).toMatchObject(expected);
  });

  it('checks a merge neither for drafts, forks nor [skip ci]: it builds the merge commit, code a maintainer accepted', () => {
    const merges = trigger({ pullRequests: { events: ['merged'] } });
    const merged = { ...opened, event: 'merged', draft: true, fromFork: true, skipCi: '[skip ci]' };
    const decision = decidePullRequest(merges, merged, createChangeSet(ordersChange, true));
    expect(decision).toMatchObject({ start: true, reason: 'path-matched' });
  });
});
