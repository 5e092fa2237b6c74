import examples from '@octokit/webhooks-examples';
import { compactPushEventSchema } from '@monorepo-triggers/eval-input';
import { githubPushSchema } from './github-push';
import { GITHUB_MAX_COMMITS, GITHUB_PATH_LIST_CAP, toCompactPushEvent } from './github-push';

const pushExamples = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'push')?.examples ?? [];

const base = {
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  repository: { full_name: 'Acme/Platform', default_branch: 'main' },
};
const commit = (id: string, lists: { added?: string[]; removed?: string[]; modified?: string[] }, distinct = true) => ({
  id,
  distinct,
  added: [],
  removed: [],
  modified: [],
  ...lists,
});
const compact = (payload: unknown) => toCompactPushEvent(githubPushSchema.parse(payload), 'delivery-1');

describe('toCompactPushEvent', () => {
  it.each(pushExamples.map((p, i) => [i, p['ref'], p]))(
    'reduces @octokit/webhooks-examples push #%i (%s) to a valid compact event',
    (_i, _ref, payload) => {
      const p = payload as {
        ref: string;
        after: string;
        deleted: boolean;
        commits: { added: string[]; removed: string[]; modified: string[] }[];
        repository: { full_name: string };
      };
      const event = compact(p);
      expect(compactPushEventSchema.parse(event)).toEqual(event);
      expect(event).toMatchObject({
        type: 'push',
        deliveryId: 'delivery-1',
        repository: p.repository.full_name,
        ref: p.ref,
        after: p.after,
        deleted: p.deleted,
        commitCount: p.commits.length,
      });
      const every = new Set(p.commits.flatMap((c) => [...c.added, ...c.removed, ...c.modified]));
      expect(new Set(event.changedPaths)).toEqual(every);
      // Their head commits' messages carry no marker; the same push with one appended carries it.
      expect(event.skipCi).toBeUndefined();
      const headCommit = (payload as { head_commit?: { message: string } | null }).head_commit;
      if (headCommit && !p.deleted) {
        const marked = compact({ ...p, head_commit: { ...headCommit, message: `${headCommit.message}\n\n[no ci]` } });
        expect(compactPushEventSchema.parse(marked).skipCi).toBe('[no ci]');
      }
    },
  );

  it('takes the union of added, removed and modified over all commits, sorted and without duplicates', () => {
    const event = compact({
      ...base,
      commits: [commit('1', { added: ['b.ts', 'a.ts'] }), commit('2', { modified: ['a.ts'], removed: ['c.ts'] })],
    });
    expect(event.changedPaths).toEqual(['a.ts', 'b.ts', 'c.ts']);
    expect(event.incompleteReasons).toBeUndefined();
  });

  it.each([
    ['a forced push', { forced: true }, /forced push/],
    ['a new branch', { created: true }, /new ref/],
    ['a push without commits', { commits: [] }, /no commits/],
    [
      'a distinct commit listing no path',
      { commits: [commit('1', { added: ['a'] }), commit('2', {})] },
      /1 commit\(s\) list no changed path/,
    ],
    [
      'a path list at the cap',
      { commits: [commit('1', { modified: Array.from({ length: GITHUB_PATH_LIST_CAP }, (_, i) => `f${i}`) })] },
      /at or near GitHub's cap of about 3000 paths/,
    ],
    [
      'a commit whose three lists together reach the cap',
      {
        commits: [
          commit('1', {
            added: Array.from({ length: 2000 }, (_, i) => `a${i}`),
            modified: Array.from({ length: 1000 }, (_, i) => `m${i}`),
          }),
        ],
      },
      /1 commit\(s\) list at or near/,
    ],
    [
      'a commit list at the cap',
      { commits: Array.from({ length: GITHUB_MAX_COMMITS }, (_, i) => commit(String(i), { added: ['x'] })) },
      /2048 commits/,
    ],
  ])('marks %s as incomplete, saying why', (_name, overrides, reason) => {
    const event = compact({ ...base, commits: [commit('1', { added: ['a'] })], ...overrides });
    expect(event.incompleteReasons?.join('; ')).toMatch(reason);
  });

  it('does not count a non-distinct empty commit (already on another branch) as incomplete', () => {
    const event = compact({ ...base, commits: [commit('1', { added: ['a'] }), commit('2', {}, false)] });
    expect(event.incompleteReasons).toBeUndefined();
  });

  it('keeps the commit an annotated tag points at, which differs from the tag object in after', () => {
    const event = compact({ ...base, ref: 'refs/tags/v1', after: 't'.repeat(40), head_commit: { id: 'c'.repeat(40) }, commits: [] });
    expect(event).toMatchObject({ after: 't'.repeat(40), headCommit: 'c'.repeat(40) });
  });

  it("carries the [skip ci] marker of the head commit's message (the head commit's only, as GitHub Actions reads it)", () => {
    const head = (message: string) => ({ id: 'c'.repeat(40), message });
    expect(compact({ ...base, head_commit: head('docs: typo\n\n[skip ci]') }).skipCi).toBe('[skip ci]');
    expect(compact({ ...base, head_commit: head('feat: build me') }).skipCi).toBeUndefined();
    expect(compact({ ...base, head_commit: { id: 'c'.repeat(40) } }).skipCi).toBeUndefined();
    expect(compact({ ...base, deleted: true, commits: [], after: '0'.repeat(40), head_commit: head('[ci skip]') }).skipCi).toBeUndefined();
  });

  it('never marks a deleted ref incomplete', () => {
    expect(compact({ ...base, deleted: true, commits: [], after: '0'.repeat(40) }).incompleteReasons).toBeUndefined();
  });

  it('accepts null lists and a missing default branch', () => {
    const event = compact({
      ...base,
      repository: { full_name: 'a/b' },
      commits: [{ id: '1', added: null, modified: ['x'] }],
      head_commit: null,
    });
    expect(event).toMatchObject({ repository: 'a/b', changedPaths: ['x'] });
    expect('defaultBranch' in event).toBe(false);
  });

  it('rejects a payload without ref or repository, naming the field', () => {
    const result = githubPushSchema.safeParse({ before: 'a', after: 'b' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['ref', 'repository']);
  });
});
