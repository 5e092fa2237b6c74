import { RE2JS } from 're2js';
import { LIMITS } from '../schema/limits';
import { triggerConfigSchema, type TriggerConfigInput } from '../schema/trigger-config.schema';
import { createChangeSet } from './change-set';
import { compileTrigger } from './compiled-trigger';
import { awaitsFullChangeList, decide, decidedOnIncompleteChanges, type Decision } from './decide';

function trigger(overrides: Partial<TriggerConfigInput> = {}) {
  return compileTrigger(
    triggerConfigSchema.parse({
      version: 1,
      repository: 'Acme/Platform',
      pipelineName: 'orders',
      branches: ['main', 'release/*'],
      includePaths: ['^services/orders/', '^libs/money/'],
      excludePaths: ['\\.md$'],
      ...overrides,
    }),
  );
}

interface Case {
  name: string;
  config?: Partial<TriggerConfigInput>;
  ref?: string;
  repository?: string;
  deleted?: boolean;
  created?: boolean;
  paths?: string[];
  complete?: boolean;
  expect: Partial<Decision>;
}

const cases: Case[] = [
  {
    name: 'starts when a service file changes on main',
    paths: ['services/orders/src/app.ts'],
    expect: {
      start: true,
      reason: 'path-matched',
      match: { path: 'services/orders/src/app.ts', pattern: '^services/orders/', field: 'includePaths[0]' },
      refPattern: 'main',
    },
  },
  {
    name: 'starts when a shared lib changes',
    paths: ['README.md', 'libs/money/index.ts'],
    expect: {
      start: true,
      reason: 'path-matched',
      match: { path: 'libs/money/index.ts', pattern: '^libs/money/', field: 'includePaths[1]' },
    },
  },
  {
    name: 'skips a docs-only change that the exclude removes',
    paths: ['services/orders/README.md'],
    expect: {
      start: false,
      reason: 'no-path-matched',
      excluded: {
        path: 'services/orders/README.md',
        pattern: '^services/orders/',
        field: 'includePaths[0]',
        excludedBy: '\\.md$',
        excludedByField: 'excludePaths[0]',
      },
    },
  },
  {
    name: 'starts when one file of many counts despite excluded siblings',
    paths: ['services/orders/README.md', 'services/orders/x.ts'],
    expect: { start: true, match: { path: 'services/orders/x.ts', pattern: '^services/orders/', field: 'includePaths[0]' } },
  },
  { name: 'skips changes to another service', paths: ['services/billing/app.ts'], expect: { start: false, reason: 'no-path-matched' } },
  {
    name: 'respects the ^ anchor (the prefix must be at the start)',
    paths: ['old/services/orders/app.ts'],
    expect: { start: false, reason: 'no-path-matched' },
  },
  {
    name: 'unanchored regexes match anywhere in the path',
    config: { includePaths: ['orders/'] },
    paths: ['old/services/orders/app.ts'],
    expect: { start: true },
  },
  {
    name: 'does not treat a sibling directory with a longer name as the same prefix',
    paths: ['services/orders-legacy/app.ts'],
    expect: { start: false },
  },
  {
    name: 'matches branch globs: * within one segment',
    ref: 'refs/heads/release/1.2',
    paths: ['libs/money/a.ts'],
    expect: { start: true, refPattern: 'release/*' },
  },
  {
    name: 'branch * does not cross /',
    ref: 'refs/heads/release/1.2/hotfix',
    paths: ['libs/money/a.ts'],
    expect: { start: false, reason: 'branch-not-matched' },
  },
  {
    name: 'branch ** crosses /',
    config: { branches: ['release/**'] },
    ref: 'refs/heads/release/1.2/hotfix',
    paths: ['libs/money/a.ts'],
    expect: { start: true, refPattern: 'release/**' },
  },
  {
    name: 'skips other branches',
    ref: 'refs/heads/feature/x',
    paths: ['libs/money/a.ts'],
    expect: { start: false, reason: 'branch-not-matched' },
  },
  {
    name: 'branch names are case-sensitive',
    ref: 'refs/heads/Main',
    paths: ['libs/money/a.ts'],
    expect: { start: false, reason: 'branch-not-matched' },
  },
  {
    name: 'starts on a matching tag without looking at paths',
    config: { tags: ['orders-v*'] },
    ref: 'refs/tags/orders-v1.4.0',
    paths: [],
    expect: { start: true, reason: 'tag-matched', refPattern: 'orders-v*' },
  },
  {
    name: 'skips a tag when the config has no tags',
    ref: 'refs/tags/v1',
    paths: ['libs/money/a.ts'],
    expect: { start: false, reason: 'tag-not-matched' },
  },
  {
    name: 'matches semver tag globs',
    config: { tags: ['v*.*.*'] },
    ref: 'refs/tags/v1.20.3',
    expect: { start: true, reason: 'tag-matched' },
  },
  {
    name: 'matches a long ref name (1,024 characters)',
    config: { tags: ['v*'] },
    ref: `refs/tags/v${'1'.repeat(1023)}`,
    expect: { start: true, reason: 'tag-matched' },
  },
  {
    name: 'never matches a ref name over 1,024 characters',
    config: { tags: ['v*'] },
    ref: `refs/tags/v${'1'.repeat(1024)}`,
    expect: { start: false, reason: 'tag-not-matched' },
  },
  {
    name: 'a path over 4,096 characters is matched by plain-text patterns, which cost nothing',
    paths: [`services/orders/${'x'.repeat(5000)}`],
    expect: { start: true, reason: 'path-matched' },
  },
  {
    name: 'a path over 4,096 characters is not run through the engine: a config it could concern decides as if the list were incomplete',
    config: { includePaths: ['^services/[^/]+/src/'] },
    paths: [`services/orders/src/${'x'.repeat(4077)}`],
    expect: { start: true, reason: 'changes-incomplete-trigger', incomplete: 'path-too-long' },
  },
  {
    name: 'a path over 4,096 characters under another prefix does not concern the config',
    config: { includePaths: ['^services/[^/]+/src/'] },
    paths: [`apps/other/${'x'.repeat(4086)}`],
    expect: { start: false, reason: 'no-path-matched' },
  },
  {
    name: 'a path of exactly 4,096 characters goes through the engine',
    config: { includePaths: ['^services/[^/]+/src/'] },
    paths: [`services/orders/src/${'x'.repeat(4076)}`],
    expect: { start: true, reason: 'path-matched' },
  },
  {
    name: 'a path over 4,096 characters with onIncompleteChanges skip: skipped, with the reason',
    config: { includePaths: ['^libs/[^/]+/'], onIncompleteChanges: 'skip' },
    paths: [`libs/money/${'y'.repeat(4090)}`],
    expect: { start: false, reason: 'changes-incomplete-skip', incomplete: 'path-too-long' },
  },
  {
    name: 'an exclude that needs the engine cannot judge a path too long for it',
    config: { excludePaths: ['^services/[^/]+/test/'], onIncompleteChanges: 'skip' },
    paths: [`services/orders/${'x'.repeat(5000)}`],
    expect: { start: false, reason: 'changes-incomplete-skip', incomplete: 'path-too-long' },
  },
  {
    name: 'a counting path wins over a path too long to match',
    config: { includePaths: ['^services/[^/]+/src/', '^libs/money/'] },
    paths: [`services/orders/src/${'x'.repeat(4081)}`, 'libs/money/a.ts'],
    expect: { start: true, reason: 'path-matched' },
  },
  {
    name: 'skips a non-matching tag',
    config: { tags: ['orders-v*'] },
    ref: 'refs/tags/billing-v1',
    expect: { start: false, reason: 'tag-not-matched' },
  },
  {
    name: 'a branch glob never matches a tag of the same name',
    config: { tags: [] },
    ref: 'refs/tags/main',
    paths: ['libs/money/a.ts'],
    expect: { start: false, reason: 'tag-not-matched' },
  },
  { name: 'never starts for a deleted branch', deleted: true, paths: ['libs/money/a.ts'], expect: { start: false, reason: 'ref-deleted' } },
  {
    name: 'never starts for a deleted tag',
    config: { tags: ['*'] },
    ref: 'refs/tags/v1',
    deleted: true,
    expect: { start: false, reason: 'ref-deleted' },
  },
  {
    name: 'ignores refs that are neither branches nor tags',
    ref: 'refs/pull/1/head',
    paths: ['libs/money/a.ts'],
    expect: { start: false, reason: 'ref-not-branch-or-tag' },
  },
  { name: 'matches the repository case-insensitively', repository: 'ACME/platform', paths: ['libs/money/a.ts'], expect: { start: true } },
  {
    name: 'skips a config for another repository',
    repository: 'acme/other',
    paths: ['libs/money/a.ts'],
    expect: { start: false, reason: 'repository-mismatch' },
  },
  {
    name: 'incomplete list with a counting path starts regardless of the policy',
    config: { onIncompleteChanges: 'skip' },
    paths: ['libs/money/a.ts'],
    complete: false,
    expect: { start: true, reason: 'path-matched' },
  },
  {
    name: 'incomplete list without a counting path triggers by default',
    paths: ['docs/x'],
    complete: false,
    expect: { start: true, reason: 'changes-incomplete-trigger' },
  },
  {
    name: 'incomplete list without a counting path skips when asked',
    config: { onIncompleteChanges: 'skip' },
    paths: [],
    complete: false,
    expect: { start: false, reason: 'changes-incomplete-skip' },
  },
  {
    name: 'incomplete list still honours the branch filter',
    ref: 'refs/heads/dev',
    paths: [],
    complete: false,
    expect: { start: false, reason: 'branch-not-matched' },
  },
  { name: 'an empty complete list starts nothing', paths: [], expect: { start: false, reason: 'no-path-matched' } },
  {
    name: 'glob * stays in one segment',
    config: { pathSyntax: 'glob', includePaths: ['services/*/package.json'], excludePaths: [] },
    paths: ['services/a/b/package.json'],
    expect: { start: false },
  },
  {
    name: 'glob ** crosses segments',
    config: { pathSyntax: 'glob', includePaths: ['services/**/package.json'], excludePaths: [] },
    paths: ['services/a/b/package.json'],
    expect: { start: true, match: { path: 'services/a/b/package.json', pattern: 'services/**/package.json', field: 'includePaths[0]' } },
  },
  {
    name: 'glob matches the whole path, not a part',
    config: { pathSyntax: 'glob', includePaths: ['orders/**'], excludePaths: [] },
    paths: ['services/orders/a.ts'],
    expect: { start: false },
  },
  {
    name: 'glob includes dot files',
    config: { pathSyntax: 'glob', includePaths: ['.github/**'], excludePaths: [] },
    paths: ['.github/workflows/ci.yml'],
    expect: { start: true },
  },
  {
    name: 'glob excludes apply',
    config: { pathSyntax: 'glob', includePaths: ['services/orders/**'], excludePaths: ['**/*.md'] },
    paths: ['services/orders/docs/a.md'],
    expect: { start: false, reason: 'no-path-matched' },
  },
  {
    name: 'glob *.md at the root does not match nested files',
    config: { pathSyntax: 'glob', includePaths: ['*.md'], excludePaths: [] },
    paths: ['docs/a.md'],
    expect: { start: false },
  },
  {
    name: 'regex with a top-level alternative is not cut short by a prefix',
    config: { includePaths: ['^services/a/|^libs/'] },
    paths: ['libs/x.ts'],
    expect: { start: true },
  },
  {
    name: 'regex with an optional character keeps working',
    config: { includePaths: ['^libs?/money'] },
    paths: ['lib/money/a.ts'],
    expect: { start: true },
  },
  {
    name: 'a new branch with onNewBranch always starts whatever changed',
    config: { onNewBranch: 'always' },
    created: true,
    paths: [],
    complete: true,
    expect: { start: true, reason: 'new-branch', refPattern: 'main' },
  },
  {
    name: 'a new branch with onNewBranch changes decides on its changes',
    created: true,
    paths: ['docs/x.md'],
    expect: { start: false, reason: 'no-path-matched' },
  },
  {
    name: 'onNewBranch always does not apply to pushes to an existing branch',
    config: { onNewBranch: 'always' },
    paths: ['docs/x.md'],
    expect: { start: false, reason: 'no-path-matched' },
  },
  {
    name: 'onNewBranch always still needs a matching branch',
    config: { onNewBranch: 'always' },
    created: true,
    ref: 'refs/heads/dev',
    expect: { start: false, reason: 'branch-not-matched' },
  },
  {
    name: 'unicode paths',
    config: { includePaths: ['^docs/日本/'], excludePaths: [] },
    paths: ['docs/日本/ü.md'],
    expect: { start: true },
  },
];

describe('decide', () => {
  it.each(cases)('$name', (c) => {
    const decision = decide(
      trigger(c.config),
      {
        repository: c.repository ?? 'acme/platform',
        ref: c.ref ?? 'refs/heads/main',
        deleted: c.deleted ?? false,
        created: c.created ?? false,
      },
      createChangeSet(c.paths ?? [], c.complete ?? true),
    );
    expect(decision).toMatchObject(c.expect);
    expect(decision.detail.length).toBeGreaterThan(0);
  });

  describe('[skip ci] in the head commit message', () => {
    const main = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false, skipCi: '[skip ci]' };
    const changes = createChangeSet(['services/orders/a.ts'], true);
    it('starts nothing on a branch push, and says which marker and how to opt out', () => {
      expect(decide(trigger(), main, changes)).toEqual({
        start: false,
        reason: 'skip-ci',
        detail: "the head commit's message says [skip ci] (set honourSkipCi to false to build such pushes)",
        refPattern: 'main',
      });
    });
    it('decides as usual for a config with honourSkipCi false (a security scan), and on a branch it does not build', () => {
      expect(decide(trigger({ honourSkipCi: false }), main, changes)).toMatchObject({ start: true, reason: 'path-matched' });
      expect(decide(trigger(), { ...main, ref: 'refs/heads/feature' }, changes)).toMatchObject({ reason: 'branch-not-matched' });
    });
    it('never skips a tag push: a tag is a release', () => {
      expect(decide(trigger({ tags: ['v*'] }), { ...main, ref: 'refs/tags/v1' }, changes)).toMatchObject({
        start: true,
        reason: 'tag-matched',
      });
    });
    it('wins over onNewBranch always: the pusher asked for no build', () => {
      expect(decide(trigger({ onNewBranch: 'always' }), { ...main, created: true }, changes)).toMatchObject({ reason: 'skip-ci' });
    });
  });

  it("explains a skip by the first included-but-excluded path in the push's order", () => {
    const d = decide(
      trigger(),
      { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false },
      createChangeSet(['services/orders/b.md', 'services/orders/a.md'], true),
    );
    expect(d.detail).toBe('no changed path counts: services/orders/b.md matches ^services/orders/ but is excluded by \\.md$');
  });

  it("reports the first path in the push's order that counts, whichever include it falls under", () => {
    const d = decide(
      trigger(),
      { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false },
      createChangeSet(['docs/x.md', 'libs/money/b.ts', 'services/orders/a.ts'], true),
    );
    expect(d).toMatchObject({ start: true, match: { path: 'libs/money/b.ts', pattern: '^libs/money/', field: 'includePaths[1]' } });
  });
});

describe('decide: the matching work per config is bounded', () => {
  const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };

  it('stops a config built to be slow at its work limit, deciding as with an incomplete list, and charges exactly instructions × characters', () => {
    const heavy = '[a-z]{1000}x'; // 1,000 counted repetitions: a large program, no literal prefix
    const t = trigger({ includePaths: [heavy], excludePaths: [] });
    const paths = Array.from({ length: 50 }, (_, i) => `${'a'.repeat(3999)}${String(i).padStart(3, '0')}`);
    const d = decide(t, push, createChangeSet(paths, true));
    expect(d).toMatchObject({
      start: true,
      reason: 'changes-incomplete-trigger',
      detail: expect.stringMatching(/work limit \(16,777,216 pattern instructions × path characters\)/),
    });
    // Expected cost from the engine itself: each test costs program size × (path length + 1).
    const perTest = RE2JS.compile(heavy).programSize() * (4002 + 1);
    expect(d.work).toBe(Math.floor(LIMITS.matchWorkPerConfig / perTest) * perTest);
    const skip = decide(
      trigger({ includePaths: [heavy], excludePaths: [], onIncompleteChanges: 'skip' }),
      push,
      createChangeSet(paths, true),
    );
    expect(skip).toMatchObject({ start: false, reason: 'changes-incomplete-skip' });
  });

  // Three patterns that every path reaches (no literal prefix to rule paths out), none matching.
  const unanchored = () =>
    trigger({
      includePaths: ['(^|/)package\\.json$', '^services/[^/]+/docs/', '\\.(md|txt)$'],
      excludePaths: ['^services/[^/]+/test/'],
      onIncompleteChanges: 'skip',
    });
  const manyPaths = (n: number) => Array.from({ length: n }, (_, i) => `services/s${i % 500}/src/module-${i % 17}/file-${i}.ts`);

  it('leaves ordinary configs within the limit on a push of 10,000 paths', () => {
    const d = decide(unanchored(), push, createChangeSet(manyPaths(10_000), true));
    expect(d).toMatchObject({ start: false, reason: 'no-path-matched' });
    expect(d.work).toBeLessThan(LIMITS.matchWorkPerConfig);
  });

  it('on a push of 100,000 paths that its unanchored patterns all test, follows onIncompleteChanges and says why (the documented envelope)', () => {
    const d = decide(unanchored(), push, createChangeSet(manyPaths(100_000), true));
    expect(d).toMatchObject({ start: false, reason: 'changes-incomplete-skip', detail: expect.stringMatching(/work limit/) });
    // Paths are judged in the push's order: one that counts is found when it comes before the limit,
    // and one that comes after it is not judged, so onIncompleteChanges decides.
    const paths = manyPaths(100_000);
    const found = decide(unanchored(), push, createChangeSet([...paths.slice(0, 10_000), 'package.json', ...paths.slice(10_000)], true));
    expect(found).toMatchObject({ start: true, reason: 'path-matched', match: { path: 'package.json' } });
    const late = decide(unanchored(), push, createChangeSet([...paths, 'package.json'], true));
    expect(late).toMatchObject({ start: false, reason: 'changes-incomplete-skip' });
  });

  it('after the work limit, still matches with plain-text includes, which cost nothing', () => {
    const t = trigger({
      includePaths: ['^services/[^/]+/docs/', '\\.(md|txt)$', '^orders/'],
      excludePaths: [],
      onIncompleteChanges: 'skip',
    });
    const d = decide(t, push, createChangeSet([...manyPaths(20_000), 'orders/x.ts'], true));
    expect(d).toMatchObject({ start: true, reason: 'path-matched', match: { path: 'orders/x.ts', pattern: '^orders/' } });
  });

  it('a decision at the work limit or with a path too long is final: more paths from GitHub would not change it', () => {
    const exhausted = decide(unanchored(), push, createChangeSet(manyPaths(100_000), true));
    expect(exhausted).toMatchObject({ incomplete: 'work-limit' });
    expect(awaitsFullChangeList(exhausted)).toBe(false);
    const partial = decide(unanchored(), push, createChangeSet(['a.ts'], false));
    expect(partial).toMatchObject({ incomplete: 'change-list' });
    expect(awaitsFullChangeList(partial)).toBe(true);
  });

  it('charges nothing for plain-text patterns, which never reach the engine', () => {
    const d = decide(trigger(), push, createChangeSet(['services/orders/a.ts'], true));
    expect(d).toMatchObject({ start: true, work: 0 });
  });
});

describe('decidedOnIncompleteChanges', () => {
  const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };
  const heavy = '[a-z]{1000}x'; // stops at the work limit on the paths below (see above)
  const heavyPaths = Array.from({ length: 50 }, (_, i) => `${'a'.repeat(3999)}${String(i).padStart(3, '0')}`);

  it.each([
    {
      name: 'an incomplete change list, triggering',
      decision: () => decide(trigger(), push, createChangeSet(['docs/x'], false)),
      incomplete: 'change-list',
    },
    {
      name: 'an incomplete change list, skipping',
      decision: () => decide(trigger({ onIncompleteChanges: 'skip' }), push, createChangeSet([], false)),
      incomplete: 'change-list',
    },
    {
      name: 'the work limit, triggering',
      decision: () => decide(trigger({ includePaths: [heavy], excludePaths: [] }), push, createChangeSet(heavyPaths, true)),
      incomplete: 'work-limit',
    },
    {
      name: 'the work limit, skipping',
      decision: () =>
        decide(trigger({ includePaths: [heavy], excludePaths: [], onIncompleteChanges: 'skip' }), push, createChangeSet(heavyPaths, true)),
      incomplete: 'work-limit',
    },
    {
      name: 'a path too long for the engine, triggering',
      decision: () =>
        decide(
          trigger({ includePaths: ['^services/[^/]+/src/'] }),
          push,
          createChangeSet([`services/orders/src/${'x'.repeat(4077)}`], true),
        ),
      incomplete: 'path-too-long',
    },
    {
      name: 'a path too long for the engine, skipping',
      decision: () =>
        decide(
          trigger({ includePaths: ['^libs/[^/]+/'], onIncompleteChanges: 'skip' }),
          push,
          createChangeSet([`libs/money/${'y'.repeat(4090)}`], true),
        ),
      incomplete: 'path-too-long',
    },
  ])('is true when onIncompleteChanges decided: $name', ({ decision, incomplete }) => {
    const d = decision();
    expect(d.incomplete).toBe(incomplete);
    expect(decidedOnIncompleteChanges(d)).toBe(true);
  });

  it.each([
    { name: 'a path counts on a complete list', decision: () => decide(trigger(), push, createChangeSet(['libs/money/a.ts'], true)) },
    {
      name: 'a path counts on an incomplete list',
      decision: () => decide(trigger({ onIncompleteChanges: 'skip' }), push, createChangeSet(['libs/money/a.ts'], false)),
    },
    { name: 'no path counts on a complete list', decision: () => decide(trigger(), push, createChangeSet(['docs/x'], true)) },
    {
      name: 'the branch does not match, on an incomplete list',
      decision: () => decide(trigger(), { ...push, ref: 'refs/heads/dev' }, createChangeSet([], false)),
    },
    {
      name: 'a tag matches',
      decision: () => decide(trigger({ tags: ['v*'] }), { ...push, ref: 'refs/tags/v1' }, createChangeSet([], false)),
    },
    {
      name: 'a new branch starts with onNewBranch always',
      decision: () => decide(trigger({ onNewBranch: 'always' }), { ...push, created: true }, createChangeSet([], false)),
    },
    { name: 'the ref was deleted', decision: () => decide(trigger(), { ...push, deleted: true }, createChangeSet([], false)) },
  ])('is false when something else decided: $name', ({ decision }) => {
    const d = decision();
    expect(d.incomplete).toBeUndefined();
    expect(decidedOnIncompleteChanges(d)).toBe(false);
  });

  it('agrees with the reason codes and with `incomplete` on every decision of the table above', () => {
    for (const c of cases) {
      const d = decide(
        trigger(c.config),
        {
          repository: c.repository ?? 'acme/platform',
          ref: c.ref ?? 'refs/heads/main',
          deleted: c.deleted ?? false,
          created: c.created ?? false,
        },
        createChangeSet(c.paths ?? [], c.complete ?? true),
      );
      expect({ name: c.name, decided: decidedOnIncompleteChanges(d) }).toEqual({
        name: c.name,
        decided: d.reason.startsWith('changes-incomplete'),
      });
      expect({ name: c.name, decided: decidedOnIncompleteChanges(d) }).toEqual({ name: c.name, decided: d.incomplete !== undefined });
    }
  });
});
