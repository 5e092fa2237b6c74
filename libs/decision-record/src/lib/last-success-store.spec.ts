import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import {
  GitRepo,
  localS3ClientConfig,
  startConditionalS3Proxy,
  startS3Server,
  type ConditionalS3Proxy,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { LastSuccessStore, type Ancestry, type CommitRelation } from './last-success-store';

const BUCKET = 'last-success';

/** Git's own answer to how two commits relate: the independent source the store's rules are checked against. */
function gitAncestry(repo: GitRepo): Ancestry & { asked: string[] } {
  const isAncestor = (a: string, b: string) => {
    try {
      repo.git('merge-base', '--is-ancestor', a, b);
      return true;
    } catch {
      return false;
    }
  };
  const asked: string[] = [];
  return {
    asked,
    async relation(_repository, older, newer): Promise<CommitRelation> {
      asked.push(`relation ${older.slice(0, 7)} ${newer.slice(0, 7)}`);
      if (older === newer) return 'same';
      if (isAncestor(older, newer)) return 'descendant';
      return isAncestor(newer, older) ? 'ancestor' : 'diverged';
    },
    async onBranch(_repository, commit, branch) {
      asked.push(`onBranch ${commit.slice(0, 7)} ${branch}`);
      return isAncestor(commit, repo.head(branch));
    },
  };
}

describe('LastSuccessStore against s3rver with S3’s conditional writes (real S3 client)', () => {
  let server: S3Server;
  let proxy: ConditionalS3Proxy;
  let client: S3Client;
  let repo: GitRepo;
  let n = 0;
  const newStore = () => new LastSuccessStore({ client, bucket: BUCKET, prefix: `s${++n}/mono-repo/last-success` });
  const success = (commit: string, executionId = `e-${commit.slice(0, 4)}`) => ({
    repository: 'Acme/Platform',
    pipeline: 'orders',
    branch: 'main',
    commit,
    kind: 'success',
    executionId,
  });

  beforeAll(async () => {
    server = await startS3Server({ buckets: [BUCKET] });
    proxy = await startConditionalS3Proxy(server.endpoint);
    client = createS3Client(localS3ClientConfig(proxy.endpoint));
    repo = GitRepo.create('acme/platform');
  });
  afterAll(async () => {
    client.destroy();
    repo.remove();
    await proxy.stop();
    await server.stop();
  });

  it('moves forwards only: a newer success replaces, an older one arriving late and a repeated one do not', async () => {
    const store = newStore();
    const ancestry = gitAncestry(repo);
    const c1 = repo.commit('one', { 'a.ts': '1' });
    const c2 = repo.commit('two', { 'a.ts': '2' });
    const c3 = repo.commit('three', { 'a.ts': '3' });
    expect(await store.advance(success(c2), ancestry)).toEqual({ moved: true });
    expect(await store.advance(success(c3), ancestry)).toEqual({ moved: true, from: c2 });
    expect(await store.advance(success(c1), ancestry)).toMatchObject({ moved: false, current: c3 });
    expect(await store.advance(success(c3), ancestry)).toEqual({ moved: false, why: 'already recorded', current: c3 });
    expect((await store.get('acme/platform', 'orders', 'main')).record).toMatchObject({
      commit: c3,
      kind: 'success',
      executionId: `e-${c3.slice(0, 4)}`,
    });
  });

  it('a baseline only seeds an empty record, and the first success at or after it replaces it', async () => {
    const store = newStore();
    const ancestry = gitAncestry(repo);
    const base = repo.commit('base', { 'b.ts': '1' });
    const next = repo.commit('next', { 'b.ts': '2' });
    expect(await store.advance({ ...success(base), kind: 'baseline' }, ancestry)).toEqual({ moved: true });
    expect(await store.advance({ ...success(next), kind: 'baseline' }, ancestry)).toMatchObject({ moved: false, current: base });
    expect(await store.advance(success(base), ancestry)).toEqual({ moved: true, from: base });
    expect((await store.get('Acme/Platform', 'orders', 'main')).record).toMatchObject({ commit: base, kind: 'success' });
  });

  it('after a force-push that removed the recorded commit, the rewritten branch’s success replaces it; a dead end’s late success never does', async () => {
    const store = newStore();
    const ancestry = gitAncestry(repo);
    const fork = repo.head('main');
    const old = repo.commit('to be rewritten', { 'c.ts': 'old' });
    expect(await store.advance(success(old), ancestry)).toEqual({ moved: true });
    repo.git('reset', '-q', '--hard', fork);
    const rewritten = repo.commit('rewritten', { 'c.ts': 'new' });
    expect(await store.advance(success(rewritten), ancestry)).toEqual({ moved: true, from: old });
    // The old line's success arriving now: not in main's history after the recorded commit.
    expect(await store.advance(success(old), ancestry)).toMatchObject({ moved: false, current: rewritten });
  });

  it('concurrent writers of successes in any order leave the newest commit, whatever wins each race', async () => {
    const store = newStore();
    const ancestry = gitAncestry(repo);
    const commits = Array.from({ length: 6 }, (_, i) => repo.commit(`c${i}`, { 'd.ts': String(i) }));
    const shuffled = [commits[3], commits[0], commits[5], commits[1], commits[4], commits[2]] as string[];
    await Promise.all(shuffled.map((c) => store.advance(success(c), ancestry)));
    expect((await store.get('acme/platform', 'orders', 'main')).record?.commit).toBe(commits[5]);
  });

  it('keys by repository (any case), pipeline and branch (slashes included); a damaged record reads as none and is replaced', async () => {
    const store = newStore();
    const ancestry = gitAncestry(repo);
    const c = repo.head('main');
    expect(store.keyOf('Acme/Platform', 'orders', 'release/1.x')).toBe(
      `s${n}/mono-repo/last-success/acme/platform/orders/release%2F1.x.json`,
    );
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: store.keyOf('acme/platform', 'orders', 'release/1.x'), Body: '{"not":"one"}' }),
    );
    expect(await store.get('acme/platform', 'orders', 'release/1.x')).toMatchObject({
      unreadable: expect.stringMatching(/is not a last-success record$/),
    });
    expect(await store.advance({ ...success(c), branch: 'release/1.x' }, ancestry)).toEqual({ moved: true });
    expect((await store.get('acme/platform', 'orders', 'release/1.x')).record?.commit).toBe(c);
    expect((await store.get('acme/platform', 'orders', 'release/2.x')).record).toBeUndefined();
  });

  it('after a rollback (a force-push back to an older commit), that commit’s success replaces the one that left the branch', async () => {
    const store = newStore();
    const ancestry = gitAncestry(repo);
    const older = repo.commit('older', { 'e.ts': '1' });
    repo.commit('newer', { 'e.ts': '2' });
    const newest = repo.commit('newest', { 'e.ts': '3' });
    expect(await store.advance(success(newest), ancestry)).toEqual({ moved: true });
    // While the recorded commit is in the branch, an older success is refused…
    expect(await store.advance(success(older), ancestry)).toMatchObject({ moved: false, current: newest });
    repo.git('reset', '-q', '--hard', older);
    // … and once the branch was rolled back past it, the older commit is the branch's, and counts.
    expect(await store.advance(success(older), ancestry)).toEqual({ moved: true, from: newest });
  });

  it('marks the commit an execution is building, forwards only; a failure of it ends the mark, a success covering it too', async () => {
    const store = newStore();
    const ancestry = gitAncestry(repo);
    const before = repo.commit('before', { 'f.ts': '0' });
    const s1 = repo.commit('s1', { 'f.ts': '1' });
    const s2 = repo.commit('s2', { 'f.ts': '2' });
    const key = { repository: 'acme/platform', pipeline: 'orders', branch: 'main' };
    // No record: the commit before the push becomes the base, and the pushed one is marked.
    expect(await store.markStarted({ ...key, commit: s1, baseline: before }, ancestry)).toEqual({ marked: true });
    expect((await store.get('acme/platform', 'orders', 'main')).record).toMatchObject({
      kind: 'baseline',
      commit: before,
      started: { commit: s1 },
    });
    expect(await store.markStarted({ ...key, commit: s2 }, ancestry)).toEqual({ marked: true });
    // A push decided late never takes the mark back.
    expect(await store.markStarted({ ...key, commit: s1 }, ancestry)).toMatchObject({ marked: false });
    // The failure of an execution of another commit leaves the mark; of the marked one, ends it.
    expect(await store.clearStarted('acme/platform', 'orders', 'main', s1)).toEqual({ cleared: false });
    expect(await store.clearStarted('acme/platform', 'orders', 'main', s2)).toEqual({ cleared: true });
    expect((await store.get('acme/platform', 'orders', 'main')).record?.started).toBeUndefined();
    // A success of a later commit than the mark ends it; of an earlier one, keeps it.
    await store.markStarted({ ...key, commit: s1 }, ancestry);
    expect(await store.advance(success(before), ancestry)).toMatchObject({ moved: true });
    expect((await store.get('acme/platform', 'orders', 'main')).record).toMatchObject({
      commit: before,
      kind: 'success',
      started: { commit: s1 },
    });
    expect(await store.advance(success(s2), ancestry)).toEqual({ moved: true, from: before });
    expect((await store.get('acme/platform', 'orders', 'main')).record?.started).toBeUndefined();
  });

  it('without a record or a commit before the push (a new branch), marks nothing', async () => {
    const store = newStore();
    const head = repo.head('main');
    expect(
      await store.markStarted({ repository: 'acme/platform', pipeline: 'orders', branch: 'new', commit: head }, gitAncestry(repo)),
    ).toMatchObject({ marked: false });
    expect((await store.get('acme/platform', 'orders', 'new')).record).toBeUndefined();
  });
});
