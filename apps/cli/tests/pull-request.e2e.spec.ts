import { GitRepo } from '@monorepo-triggers/test-harness';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { triggersAsync } from './cli';
import { startStack, type StartedStack } from './local-stack';

/** A variable of an execution the local CodePipeline started. */
type Execution = { pipelineName: string; variables: { name: string; value: string }[]; sourceRevisions?: { revisionValue: string }[] };

describe('a pull request through the local stack (triggers send --pr, explain --pr, why)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-pr-'));
  const env = { TRIGGERS_LOCAL_DIR: dataDir };
  let stack: StartedStack | undefined;
  let repo: GitRepo;
  const executions = (): Execution[] => {
    const file = join(dataDir, 'executions.jsonl');
    return existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Execution)
      : [];
  };
  const variable = (e: Execution | undefined, name: string) => e?.variables.find((v) => v.name === name)?.value;
  /** The pipelines a `send` printed as started. */
  const started = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('  ▶'))
      .map((l) => l.trim().split(/ +/)[1]);

  beforeAll(async () => {
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: 'pr-secret' } });
    // acme/platform as the example configs know it; a feature branch off main.
    repo = GitRepo.create('acme/platform');
    repo.commit('base', { 'services/orders/a.ts': 'a', 'services/billing/b.ts': 'b', 'docs/index.md': 'd' });
    repo.checkout('feature', 'main');
  });
  afterAll(async () => {
    await stack?.stop();
    repo?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (...args: string[]) =>
    triggersAsync(['send', '--pr', 'main...feature', '--cwd', repo.dir, '--repo', 'acme/platform', ...args], { env });

  it('starts exactly the pipelines its files concern, pinned to its head commit, and posts their statuses there', async () => {
    // orders: a source file; billing: only a README, which its excludes remove. main moves on meanwhile.
    const head = repo.commit('orders and billing docs', { 'services/orders/a.ts': 'a2', 'services/billing/README.md': 'r' });
    repo.checkout('main');
    repo.commit('main: billing', { 'services/billing/b.ts': 'b2' });
    repo.checkout('feature');

    const sent = await send('--number', '5');
    expect(sent.code).toBe(0);
    expect(started(sent.stdout)).toEqual(['orders-service']);
    expect(sent.stdout).toMatch(
      // The exclusion once, as the decision says it (issue 30: it was said a second time).
      /^ {2}· billing-service +skipped +no-path-matched: no changed path counts: services\/billing\/README\.md matches services\/billing\/\*\* but is excluded by \*\*\/\*\.md$/m,
    );
    expect(sent.stdout).toMatch(/^ {2}· docs-site +skipped +pr-not-configured/m);
    expect(sent.stdout).toContain(`GitHub statuses on ${head.slice(0, 7)} (local stand-in)`);
    expect(sent.stdout).toMatch(/^ {2}pipeline\/orders-service: pending → success {2}execution [0-9a-f-]+ succeeded$/m);
    expect(sent.stdout).toContain('check run monorepo-triggers (pull request): 1 of 4 pipelines started (neutral)');

    const [execution] = executions();
    expect(executions()).toHaveLength(1);
    expect(execution?.pipelineName).toBe('orders-service');
    expect(execution?.sourceRevisions?.map((r) => r.revisionValue)).toEqual([head]);
    expect(variable(execution, 'COMMIT_ID')).toBe(head);
    expect(variable(execution, 'PULL_REQUEST_NUMBER')).toBe('5');
    expect(variable(execution, 'BRANCH_NAME')).toBe('feature');
    expect(variable(execution, 'BASE_BRANCH_NAME')).toBe('main');
    expect(variable(execution, 'BASE_COMMIT_ID')).toBe(repo.git('rev-parse', 'main').trim());

    const why = await triggersAsync(['why', head.slice(0, 10), '--repo', 'acme/platform'], { env });
    expect(why.stdout).toMatch(/^pull request #5 \(opened\) feature → main /m);
    expect(why.stdout).toMatch(
      /▶ orders-service +started +path-matched: services\/orders\/a\.ts matches \^services\/orders\/ in pull request #5 into main/,
    );
  });

  it('explain --pr reads the same pull request from the stand-in and says the same', async () => {
    const explained = await triggersAsync(['explain', '--pr', '5', '--repo', 'acme/platform', '--event', 'synchronize'], { env });
    expect(explained.code).toBe(0);
    const lines = explained.stdout.split('\n');
    expect(lines[0]).toMatch(/^acme\/platform pull request #5 from feature into main \(synchronize\): 2 changed path\(s\);/);
    expect(lines).toContain('1 of 4 pipeline(s) would start');
    expect(lines.filter((l) => l.startsWith('START'))).toEqual([
      expect.stringMatching(/^START orders-service: services\/orders\/a\.ts matches/),
    ]);
  });

  it('explain --payload takes a real pull_request delivery, and says plainly when its action starts nothing', async () => {
    const payload = (action: string) => {
      const path = join(dataDir, `${action}.json`);
      writeFileSync(path, JSON.stringify(repo.pullRequestPayload({ number: 5, action, base: 'main', head: 'feature' })));
      return path;
    };
    const explained = await triggersAsync(['explain', '--payload', payload('reopened'), '--json'], { env });
    expect(explained.code).toBe(0);
    const json = JSON.parse(explained.stdout) as {
      pullRequest: { number: number; event: string; paths: number };
      decisions: { pipeline: string; decision: { start: boolean } }[];
    };
    expect(json.pullRequest).toMatchObject({ number: 5, event: 'reopened', paths: 2 });
    expect(json.decisions.filter((d) => d.decision.start).map((d) => d.pipeline)).toEqual(['orders-service']);
    const closed = await triggersAsync(['explain', '--payload', payload('closed')], { env });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/action closed without a merge starts no pipeline/);
  });

  it('a synchronize of the same head starts nothing new; a force-push builds the new head', async () => {
    const again = await send('--number', '5', '--action', 'synchronize');
    expect(again.code).toBe(0);
    expect(executions()).toHaveLength(1); // same head, same token: CodePipeline answers with the same execution

    repo.git('commit', '-q', '--amend', '-m', 'orders, reworded');
    const rewritten = repo.head();
    const pushed = await send('--number', '5', '--action', 'synchronize');
    expect(started(pushed.stdout)).toEqual(['orders-service']);
    expect(executions().map((e) => variable(e, 'COMMIT_ID'))).toEqual([expect.any(String), rewritten]);
  });

  it('a draft starts nothing (the decision says why); the same code made ready does', async () => {
    const draft = await send('--number', '6', '--draft');
    expect(started(draft.stdout)).toEqual([]);
    expect(draft.stdout).toMatch(/· orders-service +skipped +pr-draft: pull request #6 is a draft/);
    const ready = await send('--number', '6', '--action', 'ready_for_review');
    expect(started(ready.stdout)).toEqual(['orders-service']);
  });

  it('an action that starts nothing is answered 202 and ignored, and nothing is evaluated', async () => {
    const labeled = await send('--number', '5', '--action', 'labeled');
    expect(labeled.code).toBe(0);
    expect(labeled.stdout).toMatch(/^202 .*"ignored":true/);
    expect(labeled.stdout).not.toMatch(/pull request #5/);
  });
});
