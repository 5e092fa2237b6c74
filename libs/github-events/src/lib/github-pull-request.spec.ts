import { compactPullRequestEventSchema } from '@monorepo-triggers/eval-input';
import examples from '@octokit/webhooks-examples';
import { githubPullRequestSchema } from './github-pull-request';
import { toCompactPullRequestEvent } from './github-pull-request';

type Payload = {
  action: string;
  number: number;
  pull_request: {
    draft: boolean;
    merged: boolean;
    base: { ref: string; sha: string; repo: { full_name: string } };
    head: { ref: string; sha: string; repo: { full_name: string } | null };
  };
  repository: { full_name: string; default_branch: string };
};
const pullRequests = ((examples as { name: string; examples: Payload[] }[]).find((e) => e.name === 'pull_request')?.examples ??
  []) as Payload[];
const compact = (payload: unknown) => toCompactPullRequestEvent(githubPullRequestSchema.parse(payload), 'delivery-1');
/** Written by hand from GitHub's docs: the actions that bring code to build. */
const BUILDS = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);

describe('toCompactPullRequestEvent', () => {
  it('has real @octokit/webhooks-examples payloads of every action it starts for', () => {
    for (const action of [...BUILDS, 'closed']) expect(pullRequests.some((p) => p.action === action)).toBe(true);
  });

  it.each(pullRequests.map((p, i) => [i, p.action, p]))(
    'reduces @octokit/webhooks-examples pull_request #%i (%s)',
    (_i, action, payload) => {
      const p = payload as Payload;
      const event = compact(p);
      if (!BUILDS.has(action as string)) {
        // Labels, reviews, assignees, a draft conversion, a close without merge: nothing to build.
        expect(event).toBeUndefined();
        return;
      }
      expect(compactPullRequestEventSchema.parse(event)).toEqual(event);
      expect(event).toEqual({
        type: 'pull_request',
        version: 1,
        deliveryId: 'delivery-1',
        repository: p.repository.full_name,
        defaultBranch: p.repository.default_branch,
        number: p.number,
        event: action,
        draft: p.pull_request.draft,
        baseRef: `refs/heads/${p.pull_request.base.ref}`,
        baseSha: p.pull_request.base.sha,
        headRef: `refs/heads/${p.pull_request.head.ref}`,
        headSha: p.pull_request.head.sha,
        headRepository: p.pull_request.head.repo?.full_name,
        fromFork: false,
      });
    },
  );

  const closed = () => structuredClone(pullRequests.find((p) => p.action === 'closed') as Payload);

  it('a close without merge starts nothing; a merged one is the opt-in event merged, with its merge commit', () => {
    expect(compact(closed())).toBeUndefined();
    const merged = closed();
    merged.pull_request.merged = true;
    (merged.pull_request as { merge_commit_sha?: string }).merge_commit_sha = 'm'.repeat(40);
    expect(compact(merged)).toMatchObject({ event: 'merged', mergeCommit: 'm'.repeat(40), headSha: merged.pull_request.head.sha });
  });

  it('a merge GitHub names no merge commit for starts nothing: there is no commit of the base branch to build', () => {
    const merged = closed();
    merged.pull_request.merged = true;
    (merged.pull_request as { merge_commit_sha?: string | null }).merge_commit_sha = null;
    expect(compact(merged)).toBeUndefined();
  });

  it("knows a fork's pull request: another head repository, or one that was deleted (case of the name aside)", () => {
    const opened = () => structuredClone(pullRequests.find((p) => p.action === 'opened') as Payload);
    const fork = opened();
    fork.pull_request.head.repo = { full_name: 'stranger/Hello-World' };
    expect(compact(fork)).toMatchObject({ fromFork: true, headRepository: 'stranger/Hello-World' });
    const gone = opened();
    gone.pull_request.head.repo = null;
    const event = compact(gone);
    expect(event).toMatchObject({ fromFork: true });
    expect(event).not.toHaveProperty('headRepository');
    const sameRepo = opened();
    sameRepo.pull_request.head.repo = { full_name: sameRepo.pull_request.base.repo.full_name.toUpperCase() };
    expect(compact(sameRepo)).toMatchObject({ fromFork: false });
  });

  it('keeps a draft a draft (a config decides whether drafts count)', () => {
    const draft = structuredClone(pullRequests.find((p) => p.action === 'opened') as Payload);
    draft.pull_request.draft = true;
    expect(compact(draft)).toMatchObject({ event: 'opened', draft: true });
  });
});
