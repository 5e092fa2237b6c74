import { GitRepo } from '@monorepo-triggers/test-harness';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { triggersAsync } from './cli';
import { startStack, type StartedStack } from './local-stack';

/**
 * Issue 30, "the CLI misleads in places": each defect a new user met, on a fresh local stack (the
 * five example configs seeded; acme/platform has billing-service, docs-site, orders-service and
 * web-app). Expected lines are written by hand from the example configs and payloads.
 */
describe('the CLI says what happened (issue 30), on the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-truths-'));
  const env = { TRIGGERS_LOCAL_DIR: dataDir };
  let stack: StartedStack | undefined;
  const repo = GitRepo.create('acme/platform');
  const lines = (stdout: string) => stdout.split('\n');
  /** The local executions so far, as `pipeline@BRANCH_NAME or TAG_NAME@commit`. */
  const executions = () =>
    existsSync(join(dataDir, 'executions.jsonl'))
      ? readFileSync(join(dataDir, 'executions.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { pipelineName: string; variables: { name: string; value: string }[] })
          .map((e) => {
            const variable = (name: string) => e.variables.find((v) => v.name === name)?.value;
            return `${e.pipelineName}@${variable('BRANCH_NAME') ?? variable('TAG_NAME')}@${variable('COMMIT_ID')?.slice(0, 7)}`;
          })
      : [];
  /** Deliveries the webhook took: one `delivery` log line each, written before it answers. */
  const deliveries = () =>
    existsSync(join(dataDir, 'logs.jsonl'))
      ? readFileSync(join(dataDir, 'logs.jsonl'), 'utf8')
          .split('\n')
          .filter((l) => l.includes('"msg":"delivery"')).length
      : 0;

  beforeAll(async () => {
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: 'truths-secret' } });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    repo.remove();
  });

  it('send --fail or --fail-start with a pipeline no config names: an error naming those it could fail, exit 2, nothing sent', async () => {
    const before = deliveries();
    const failing = await triggersAsync(['send', 'examples/pushes/orders-change.json', '--fail', 'no-such-pipeline'], { env });
    expect(failing).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringContaining(
        'error: --fail no-such-pipeline: no config of acme/platform in the local stack names that pipeline; the pipelines it could fail: billing-service, docs-site, orders-service, web-app. Nothing was sent.\n',
      ),
    });
    const refusing = await triggersAsync(
      ['send', 'examples/pushes/orders-change.json', '--fail', 'orders-service', '--fail-start', 'Orders-Service'],
      { env },
    );
    expect(refusing.code).toBe(2);
    expect(refusing.stderr).toMatch(
      /(^|\n)error: --fail-start Orders-Service: no config of acme\/platform in the local stack names that pipeline;/,
    );
    expect(deliveries()).toBe(before);
    expect(executions()).toEqual([]);
  });

  it('re-sending a push says the pipeline was already started for it, claims no new start or status change, and says --fail had no effect', async () => {
    const first = await triggersAsync(['send', 'examples/pushes/orders-change.json'], { env });
    expect(first.code).toBe(0);
    expect(lines(first.stdout)).toContainEqual(expect.stringMatching(/^ {2}▶ orders-service +started +path-matched: /));
    const execution = /▶ orders-service .*\(execution ([0-9a-f-]{36})\)/.exec(first.stdout)?.[1] as string;
    const delivery = /\(delivery ([0-9a-f-]{36})\)/.exec(first.stdout)?.[1] as string;
    expect(lines(first.stdout)).toContain(`  pipeline/orders-service: pending → success  execution ${execution} succeeded`);

    const again = await triggersAsync(['send', 'examples/pushes/orders-change.json', '--fail', 'orders-service'], { env });
    expect(again.code).toBe(0);
    const shown = lines(again.stdout);
    // Nothing new started, and no line says so.
    expect(shown.filter((l) => l.startsWith('  ▶'))).toEqual([]);
    expect(shown).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^ {2}▷ orders-service +already started path-matched: services/orders/src/totals\\.ts matches \\^services/orders/ on branch main \\(execution ${execution}, started by delivery ${delivery} at \\S+: CodePipeline returned it, nothing new ran\\)$`,
        ),
      ),
    );
    expect(shown.filter((l) => l.includes('pipeline/orders-service'))).toEqual([
      `  pipeline/orders-service: success  execution ${execution} succeeded (unchanged: posted for the earlier delivery; nothing new ran)`,
    ]);
    expect(shown).toContain(
      `--fail orders-service had no effect: its execution for this push had already run (${execution}), and CodePipeline gave it back: nothing new ran, so nothing failed; push a new commit to see a failure`,
    );
    expect(executions()).toEqual(['orders-service@main@b2b2b2b']);

    // No failure was left planned for that commit: the release tag of the same commit builds it, and succeeds.
    const tag = await triggersAsync(['send', 'examples/pushes/orders-release-tag.json'], { env });
    expect(lines(tag.stdout)).toContainEqual(expect.stringMatching(/^ {2}▶ orders-service +started +tag-matched: /));
    expect(lines(tag.stdout)).toContainEqual(
      expect.stringMatching(/^ {2}pipeline\/orders-service: pending → success {2}execution [0-9a-f-]{36} succeeded$/),
    );
    expect(executions()).toEqual(['orders-service@main@b2b2b2b', 'orders-service@orders-v1.4.0@b2b2b2b']);

    // why tells the two deliveries of the push apart the same way.
    const why = await triggersAsync(['why', 'b2b2b2b', '--repo', 'acme/platform', '--pipeline', 'orders-service'], { env });
    expect(lines(why.stdout).filter((l) => /^ {2}[▶▷]/.test(l))).toEqual([
      expect.stringMatching(
        new RegExp(`^ {2}▶ orders-service +started +path-matched: .*\\(execution ${execution}\\) → execution Succeeded$`),
      ),
      expect.stringMatching(new RegExp(`^ {2}▷ orders-service +already started path-matched: .*started by delivery ${delivery} at `)),
      expect.stringMatching(/^ {2}▶ orders-service +started +tag-matched: .* → execution Succeeded$/),
    ]);
  });

  it('says an excluded path once', async () => {
    const sent = await triggersAsync(['send', 'examples/pushes/docs-only-change.json'], { env });
    const orders = lines(sent.stdout).filter((l) => l.includes(' orders-service '));
    expect(orders).toEqual([
      '  · orders-service           skipped       no-path-matched: no changed path counts: services/orders/README.md matches ^services/orders/ but is excluded by \\.md$',
    ]);
  });

  describe('why for a commit that was inside a push, not its head', () => {
    let commits: string[] = [];
    let cwd = '';
    beforeAll(async () => {
      // c1 is where main was; one push brings c2, c3 and c4 (an orders change in c2, a file no config looks at in c3, billing in c4).
      commits = [
        repo.commit('base', { 'services/orders/src/a.ts': 'v1' }),
        repo.commit('orders', { 'services/orders/src/b.ts': 'v1' }),
        repo.commit('notes', { 'notes/readme.txt': 'v1' }),
        repo.commit('billing', { 'services/billing/src/c.ts': 'v1' }),
      ];
      const payload = join(dataDir, 'three-commits.json');
      writeFileSync(
        payload,
        JSON.stringify(repo.pushPayload({ ref: 'refs/heads/main', before: commits[0] as string, after: commits[3] as string })),
      );
      const sent = await triggersAsync(['send', payload], { env });
      expect(sent.code).toBe(0);
      cwd = mkdtempSync(join(tmpdir(), 'not-a-clone-'));
    });
    afterAll(() => rmSync(cwd, { recursive: true, force: true }));
    const short = (i: number) => (commits[i] as string).slice(0, 7);

    it('finds the push that carried it through a clone (--cwd), and prints that push’s decisions', async () => {
      const why = await triggersAsync(['why', short(1), '--repo', 'acme/platform', '--cwd', repo.dir], { env, cwd });
      expect(why.code).toBe(0);
      const shown = lines(why.stdout);
      expect(shown[0]).toMatch(
        new RegExp(
          `^${short(1)} \\(${commits[1]}\\) was no push's head: it came in 1 push\\(es\\) of acme/platform \\(the clone in ${repo.dir} says which; `,
        ),
      );
      expect(shown[1]).toMatch(new RegExp(`^push to main ${short(0)}…${short(3)}, delivery `));
      expect(shown.filter((l) => l.startsWith('  ▶')).map((l) => l.trim().split(/ +/)[1])).toEqual(['billing-service', 'orders-service']);
      expect(shown).toContainEqual(
        expect.stringMatching(/^ {2}▶ orders-service +started +path-matched: services\/orders\/src\/b\.ts matches /),
      );
    });

    it('uses the current directory when it is a clone of the repository', async () => {
      repo.git('remote', 'add', 'origin', 'git@github.com:acme/platform.git');
      const why = await triggersAsync(['why', short(2), '--repo', 'acme/platform', '--json'], { env, cwd: repo.dir });
      expect(why.code).toBe(0);
      expect((JSON.parse(why.stdout) as { commit: string; before: string }[]).map((r) => [r.before, r.commit])).toEqual([
        [commits[0], commits[3]],
      ]);
    });

    it('without a clone, says the commit was no push’s head, how to find the push, and the latest heads (exit 1)', async () => {
      const why = await triggersAsync(['why', short(1), '--repo', 'acme/platform'], { env, cwd });
      expect(why.code).toBe(1);
      const shown = lines(why.stdout);
      expect(shown[0]).toMatch(
        new RegExp(
          `^no decision record for acme/platform @ ${short(1)} in local stack .*: no push in the last 90 days had it as its head commit \\(records are kept by head commit\\)`,
        ),
      );
      expect(shown[1]).toBe('  to find a push that carried it inside, run this in a clone of acme/platform or pass --cwd CLONE');
      expect(shown[2]).toBe('  the latest pushes of the repository, by head commit:');
      expect(shown[3]).toMatch(new RegExp(`^ {4}${short(3)} {2}main {2}\\d{4}-`));
    });

    it('does not take the push that started from it for one that carried it (exit 1)', async () => {
      const why = await triggersAsync(['why', short(0), '--repo', 'acme/platform', '--cwd', repo.dir], { env, cwd });
      expect(why.code).toBe(1);
      expect(lines(why.stdout)).toContain(
        `  in the clone in ${repo.dir}, none of the 3 commit(s) after it was the head of a recorded push that carried it`,
      );
    });
  });

  it('after the stack restarts, why says in words that this stack does not know the execution', async () => {
    await stack?.stop();
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: 'truths-secret' } });
    const why = await triggersAsync(['why', 'b2b2b2b', '--repo', 'acme/platform', '--pipeline', 'orders-service'], { env });
    expect(why.code).toBe(0);
    const started = lines(why.stdout).filter((l) => /^ {2}[▶▷]/.test(l));
    expect(started).toHaveLength(3);
    for (const line of started)
      expect(line).toMatch(
        / → execution not known to this local stack: an earlier run of it started the execution \(its CodePipeline forgets executions when it stops\)$/,
      );
    expect(why.stdout).not.toMatch(/Exception/);
  });
});
