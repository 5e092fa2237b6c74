import { sign } from '@monorepo-triggers/github-signature';
import examples from '@octokit/webhooks-examples';
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, triggers, triggersAsync } from './cli';
import { startStack } from './local-stack';

const SECRET = 'e2e-secret';
type Push = { ref: string; after: string; deleted: boolean; commits: { added: string[]; modified: string[]; removed: string[] }[] };
const pushExamples = ((examples as { name: string; examples: Push[] }[]).find((e) => e.name === 'push')?.examples ?? []) as Push[];
const examplePush = (name: string) => JSON.parse(readFileSync(join(ROOT, 'examples/pushes', `${name}.json`), 'utf8')) as Push;

async function deliver(url: string, body: string, delivery: string, event = 'push') {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': sign(SECRET, body),
    },
    body,
  });
  return response.status;
}

describe('the local stack (npm start) end to end', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-local-'));
  const executionsFile = join(dataDir, 'executions.jsonl');
  let stack: Awaited<ReturnType<typeof startStack>>;
  const executions = () =>
    existsSync(executionsFile)
      ? readFileSync(executionsFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  const summarise = () =>
    executions()
      .map((e: { pipelineName: string; variables: { name: string; value: string }[] }) => {
        const variable = (name: string) => e.variables.find((v) => v.name === name)?.value;
        return `${e.pipelineName}@${variable('BRANCH_NAME') ?? variable('TAG_NAME')}@${variable('COMMIT_ID')?.slice(0, 6)}`;
      })
      .sort();
  /** Waits until eval has finished `count` pushes (one summary log line each). */
  async function waitForEvaluations(count: number) {
    const summaries = () =>
      readFileSync(join(dataDir, 'logs.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"msg":"summary"')).length;
    // No wait of its own: a stack that never gets there fails on the test's timeout, however loaded the machine.
    while (summaries() < count) await new Promise((r) => setTimeout(r, 50));
    expect(summaries()).toBe(count);
  }

  beforeAll(async () => {
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: SECRET } });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the URL, the secret source and the command that sends an example push', () => {
    expect(stack.output()).toMatch(/secret: +from WEBHOOK_SECRET/);
    expect(stack.output()).toMatch(/5 config\(s\), 5 seeded from examples\/configs/);
    expect(stack.output()).toMatch(/npx triggers send examples\/pushes\/orders-change.json/);
  });

  it('starts exactly the expected pipelines for every @octokit/webhooks-examples push and a monorepo scenario', async () => {
    const deliveries: [string, string][] = [
      ...pushExamples.map((p, i): [string, string] => [JSON.stringify(p), `octokit-${i}`]),
      ...['orders-change', 'shared-lib-change', 'docs-only-change', 'orders-release-tag'].map((name): [string, string] => [
        JSON.stringify(examplePush(name)),
        name,
      ]),
    ];
    const statuses = await Promise.all(deliveries.map(([body, id]) => deliver(stack.url, body, id)));
    expect(statuses).toEqual(deliveries.map(() => 202));

    // Expected, from the example configs: Hello-World's tag and README pushes (the two identical
    // master pushes are one execution), and the monorepo scenario.
    const helloWorld = new Set(
      pushExamples
        .filter(
          (p) =>
            !p.deleted &&
            (p.ref.startsWith('refs/tags/simple-') ||
              (p.ref === 'refs/heads/master' && p.commits.some((c) => c.added.includes('README.md')))),
        )
        .map((p) => `hello-world@${p.ref.replace(/^refs\/(heads|tags)\//, '')}@${p.after.slice(0, 6)}`),
    );
    const at = (name: string) => {
      const p = examplePush(name);
      return `${p.ref.replace(/^refs\/(heads|tags)\//, '')}@${p.after.slice(0, 6)}`;
    };
    const expected = [
      ...helloWorld,
      `orders-service@${at('orders-change')}`,
      `orders-service@${at('shared-lib-change')}`,
      `billing-service@${at('shared-lib-change')}`,
      `orders-service@${at('orders-release-tag')}`,
    ].sort();
    expect(helloWorld.size).toBe(2);
    await waitForEvaluations(deliveries.length);
    expect(summarise()).toEqual(expected);
    expect(stack.output()).toMatch(
      /▶ started billing-service \(execution [0-9a-f]{7}…\): libs\/money\/src\/chf.ts matches libs\/money\/\*\*/,
    );

    // Redelivering everything starts nothing new (same clientRequestToken per repository, ref, commit, pipeline).
    await Promise.all(deliveries.map(([body, id]) => deliver(stack.url, body, id)));
    await waitForEvaluations(2 * deliveries.length);
    expect(summarise()).toEqual(expected);
  });

  it('closes the loop: send prints each decision, the statuses and the check run GitHub got; why explains them', async () => {
    const env = { TRIGGERS_LOCAL_DIR: dataDir };
    const sent = await triggersAsync(['send', 'examples/pushes/orders-change.json'], { env });
    expect(sent.code).toBe(0);
    const lines = sent.stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}▷ orders-service +already started path-matched: services\/orders\/src\/totals\.ts matches/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}· billing-service +skipped +no-path-matched/));
    // examples/configs/acme-platform-billing.json opts in to "skipped" statuses (context pipeline/billing-service).
    // The same commit was pushed as a tag earlier in this suite: its "skipped" status stands, never overwritten.
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}pipeline\/billing-service: success {2}skipped: /));
    // This push was delivered before in this suite (delivery orders-change): CodePipeline answered with
    // the same execution, so send says nothing new ran, and shows its status as it stands, not as a
    // transition this delivery caused (issue 30).
    const started = /▷ orders-service .*\(execution ([0-9a-f-]+), started by delivery orders-change at /.exec(sent.stdout)?.[1];
    expect(lines).toContainEqual(
      `  pipeline/orders-service: success  execution ${started} succeeded (unchanged: posted for the earlier delivery; nothing new ran)`,
    );
    expect(lines.filter((l) => l.includes('pending →'))).toEqual([]);
    expect(lines.filter((l) => l.includes('pipeline/docs-site') || l.includes('pipeline/web-app'))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^check run monorepo-triggers: 1 of 4 pipelines started \(neutral\)$/));
    const payload = JSON.parse(readFileSync(join(ROOT, 'examples/pushes/orders-change.json'), 'utf8')) as { after: string };
    const why = await triggersAsync(['why', payload.after.slice(0, 10), '--repo', 'acme/platform', '--pipeline', 'orders-service'], {
      env,
    });
    expect(why.code).toBe(0);
    expect(why.stdout).toMatch(/▶ orders-service +started +path-matched/);
  });

  it('send --fail: the execution fails, its status goes pending → failure, and why says the execution failed', async () => {
    const env = { TRIGGERS_LOCAL_DIR: dataDir };
    // A new commit, so this push's statuses are the only ones on it.
    const commit = 'f00d'.repeat(10);
    const payload = JSON.parse(readFileSync(join(ROOT, 'examples/pushes/orders-change.json'), 'utf8'));
    payload.after = commit;
    payload.head_commit.id = commit;
    payload.commits[0].id = commit;
    const file = join(dataDir, 'failing-push.json');
    writeFileSync(file, JSON.stringify(payload));
    const sent = await triggersAsync(['send', file, '--fail', 'orders-service'], { env });
    expect(sent.code).toBe(0);
    const lines = sent.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}▶ orders-service +started +path-matched/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}pipeline\/orders-service: pending → failure {2}execution [0-9a-f-]+ failed$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}pipeline\/billing-service: success {2}skipped: /));
    expect(lines).toContainEqual(expect.stringMatching(/^check run monorepo-triggers: 1 of 4 pipelines started \(neutral\)$/));
    const why = await triggersAsync(['why', commit.slice(0, 8), '--repo', 'acme/platform'], { env });
    expect(why.code).toBe(0);
    const explained = why.stdout.split('\n');
    expect(explained).toContainEqual(expect.stringMatching(/^ {2}▶ orders-service +started +path-matched: .* → execution Failed$/));
    expect(explained).toContainEqual(expect.stringMatching(/^ {2}· billing-service +skipped +no-path-matched: /));
    // Only the local CodePipeline can be told how an execution ends.
    expect(await triggersAsync(['send', file, '--fail', 'no-such-pipeline', '--url', stack.url], { env })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--fail needs the local stack/),
    });
  });

  it('send --no-wait prints the webhook answer only', async () => {
    const sent = await triggersAsync(['send', 'examples/pushes/shared-lib-change.json', '--no-wait'], {
      env: { TRIGGERS_LOCAL_DIR: dataDir },
    });
    expect(sent.code).toBe(0);
    expect(sent.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^202 .*\(delivery [0-9a-f-]+\)$/)]);
  });

  it('rejects an unsigned delivery with 401', async () => {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });

  it('lets the CLI put, list, get and delete configs in the running stack', () => {
    const env = { TRIGGERS_LOCAL_DIR: dataDir };
    const put = triggers(['put', 'examples/configs/acme-platform-web.json'], { env });
    expect(put).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /✓ examples\/configs\/acme-platform-web.json → s3:\/\/monorepo-triggers-local\/mono-repo\/config\/acme\/platform\/web-app.json/,
      ),
    });
    const listed = JSON.parse(triggers(['list', '--repo', 'acme/platform', '--json'], { env }).stdout);
    expect(listed.configs.map((c: { config: { pipelineName: string } }) => c.config.pipelineName).sort()).toEqual([
      'billing-service',
      'docs-site',
      'orders-service',
      'web-app',
    ]);
    expect(JSON.parse(triggers(['get', 'acme/platform', 'web-app'], { env }).stdout)).toMatchObject({
      pipelineName: 'web-app',
      includePaths: ['^apps/web/', '^libs/ui/'],
    });
    expect(triggers(['delete', 'acme/platform', 'web-app'], { env })).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^deleted s3:/),
    });
    expect(triggers(['delete', 'acme/platform', 'web-app'], { env })).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^nothing to delete/),
    });
    expect(triggers(['get', 'acme/platform', 'web-app'], { env })).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no config for acme\/platform \/ web-app/),
    });
    expect(triggers(['put', 'examples/configs/acme-platform-web.json'], { env }).code).toBe(0);
  });

  it('runs the README walkthrough verbatim on a fresh stack, and each command does what the README says it does', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- walkthrough -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block.split('\n').filter((line) => line.startsWith('npx triggers'));
    // What the README's prose after the block states, command by command (written here by hand from
    // the example configs, not from the code): which pipelines start, and what explain shows.
    const stated: Record<string, (lines: string[]) => void> = {
      'npx triggers send examples/pushes/orders-change.json': (lines) => {
        expect(lines.filter((l) => l.startsWith('  ▶')).map((l) => l.split(/ +/)[2])).toEqual(['orders-service']);
        expect(lines).toContainEqual(
          expect.stringMatching(/^ {2}pipeline\/orders-service: pending → success {2}execution [0-9a-f-]+ succeeded$/),
        );
        expect(lines).toContainEqual(expect.stringMatching(/^check run monorepo-triggers: 1 of 4 pipelines started/));
      },
      'npx triggers send examples/pushes/shared-lib-change.json': (lines) => {
        expect(lines.filter((l) => l.startsWith('  ▶')).map((l) => l.split(/ +/)[2])).toEqual(['billing-service', 'orders-service']);
        expect(lines).toContainEqual(expect.stringMatching(/^check run monorepo-triggers: 2 of 4 pipelines started/));
      },
      'npx triggers explain --payload examples/pushes/docs-only-change.json': (lines) => {
        expect(lines).toContain('0 of 4 pipeline(s) would start');
        // Each .md path is excluded by the config that would otherwise have started.
        expect(lines).toContainEqual(
          expect.stringMatching(/^skip {2}orders-service: .*services\/orders\/README\.md .* but is excluded by \\\.md\$/),
        );
        expect(lines).toContainEqual(
          expect.stringMatching(/^skip {2}billing-service: .*services\/billing\/docs\/api\.md .* but is excluded by \*\*\/\*\.md/),
        );
      },
      'npx triggers list --repo acme/platform': (lines) => {
        expect(lines[0]).toMatch(/^4 config\(s\) in local stack/);
        expect(lines.slice(1, 5).map((l) => l.split(/[ :]/)[1])).toEqual(['billing-service', 'docs-site', 'orders-service', 'web-app']);
      },
    };
    expect(commands).toEqual(Object.keys(stated));
    // A stack of its own, as a reader has right after npm start: this suite's stack got these pushes
    // already, and a push sent again is said to have started nothing new (issue 30).
    const freshDir = mkdtempSync(join(tmpdir(), 'triggers-walkthrough-'));
    const fresh = await startStack(freshDir, { env: { WEBHOOK_SECRET: SECRET } });
    try {
      for (const command of commands) {
        const output = execSync(command, {
          cwd: ROOT,
          env: { ...process.env, TRIGGERS_LOCAL_DIR: freshDir, NO_COLOR: '1' },
          encoding: 'utf8',
        });
        stated[command]?.(output.split('\n'));
      }
    } finally {
      await fresh.stop();
      rmSync(freshDir, { recursive: true, force: true });
    }
  });

  it('refuses a busy port with a clear error', async () => {
    const port = new URL(stack.url).port;
    const otherDir = mkdtempSync(join(tmpdir(), 'triggers-busy-'));
    try {
      await expect(startStack(otherDir, { port: Number(port), env: { WEBHOOK_SECRET: SECRET } })).rejects.toThrow(
        new RegExp(`port ${port} is busy: stop what uses it, or pick another with --port N`),
      );
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses a second start on the same data directory before starting anything, and the first keeps running', async () => {
    const second = triggers(['start', '--port', '0', '--data-dir', dataDir], { env: { WEBHOOK_SECRET: SECRET } });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`a local stack already runs from .* \\(pid ${stack.child.pid}, webhook ${stack.url.replace(/[/.]/g, '\\$&')}\\)`),
    );
    // The running stack is untouched: its stack.json is there and the CLI still finds it.
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(true);
    expect(triggers(['list', '--repo', 'acme/platform'], { env: { TRIGGERS_LOCAL_DIR: dataDir } }).code).toBe(0);
  });

  it('takes its S3 server down with it when killed with SIGKILL (no orphan left listening), and its lock is taken over', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'triggers-kill-'));
    const other = await startStack(otherDir, { env: { WEBHOOK_SECRET: SECRET } });
    let again: Awaited<ReturnType<typeof startStack>> | undefined;
    try {
      const pid = other.child.pid as number;
      // The stack's children, as the operating system lists them: s3rver is one of them.
      const children = execSync(`pgrep -P ${pid}`, { encoding: 'utf8' }).trim().split('\n').map(Number);
      expect(children.length).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      await other.stop();
      const alive = (p: number) => {
        try {
          process.kill(p, 0);
          return true;
        } catch {
          return false;
        }
      };
      // Each child sees its channel to the dead parent close and exits; polled, not timed (a child that
      // never exits fails on the test's timeout, however loaded the machine).
      while (children.some(alive)) await new Promise((r) => setTimeout(r, 50));
      expect(children.filter(alive)).toEqual([]);
      // The killed run left its lock and stack.json behind; the next start takes them over.
      expect(existsSync(join(otherDir, 'lock'))).toBe(true);
      again = await startStack(otherDir, { env: { WEBHOOK_SECRET: SECRET } });
      expect(await again.stop()).toBe(0);
      expect(existsSync(join(otherDir, 'lock'))).toBe(false);
    } finally {
      // Whatever happened above, nothing this test started outlives it.
      await other.stop();
      await again?.stop();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on SIGTERM and forgets its endpoints', async () => {
    expect(await stack.stop()).toBe(0);
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    expect(stack.output()).toMatch(/stopped/);
  });
});
