import { GitRepo } from '@monorepo-triggers/test-harness';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { triggersAsync } from './cli';
import { startStack, type StartedStack } from './local-stack';

/**
 * Issue 30, security probe: git allows control characters in file names and bidirectional overrides
 * in branch names. A push of such a repository goes through `triggers send` and `why` (and the other
 * commands that print what it did), and no output may act on the terminal: no raw ESC, CR, BEL, C1
 * control or bidirectional override, whether NO_COLOR is set or not; each shows as its escape.
 */
describe('terminal output cannot be forged (issue 30): a hostile repository through the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-hostile-'));
  const env = { TRIGGERS_LOCAL_DIR: dataDir };
  const repo = GitRepo.create('acme/hostile');
  let stack: StartedStack | undefined;

  // The names, and how each must print (written by hand).
  const ERASE_AND_FAKE = '\x1b[2K\r ▶ deploy-prod started';
  const WINDOW_TITLE = '\x1b]0;pwned\x07';
  const REVERSED = 'evil\u202egnp.js';
  const BRANCH = 'feat\u202eevil';
  const SHOWN = {
    erase: '\\x1b[2K\\r ▶ deploy-prod started',
    title: '\\x1b]0;pwned\\x07',
    reversed: 'evil\\u202egnp.js',
    branch: 'feat\\u202eevil',
  };
  /** Anything a terminal acts on or hides; only line breaks may be raw. */
  // eslint-disable-next-line no-control-regex -- exactly what must never be printed raw
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
  let head = '';

  beforeAll(async () => {
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: 'hostile-secret' } });
    const base = repo.commit('base', { 'README.txt': 'hello' });
    repo.checkout(BRANCH, base);
    head = repo.commit(`${WINDOW_TITLE}fix\r`, { [ERASE_AND_FAKE]: 'a', [WINDOW_TITLE]: 'b', [REVERSED]: 'c' });
    // Three configs, each naming one of the files: started (its path shown), skipped with the path
    // excluded (shown), started on the reversed name (path and pattern shown).
    const configs = [
      { pipelineName: 'hostile-build', includePaths: ['^\\x1b\\[2K'], sourceActionName: 'Source', pullRequests: { baseBranches: ['**'] } },
      { pipelineName: 'hostile-title', includePaths: ['^\\x1b\\]0;'], excludePaths: ['.'] },
      { pipelineName: 'hostile-bidi', includePaths: ['\u202e'] },
    ].map((c, i) => {
      const file = join(dataDir, `hostile-${i}.json`);
      writeFileSync(file, JSON.stringify({ version: 1, repository: 'acme/hostile', branches: ['**'], ...c }));
      return file;
    });
    expect((await triggersAsync(['put', ...configs], { env })).code).toBe(0);
    const payload = join(dataDir, 'hostile-push.json');
    writeFileSync(payload, JSON.stringify(repo.pushPayload({ ref: `refs/heads/${BRANCH}`, before: base, after: head })));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    repo.remove();
  });

  /** Runs a command with NO_COLOR set and without it: the same harmless output either way. */
  async function harmless(args: string[], options: { cwd?: string } = {}) {
    const runs = [];
    for (const colour of [{ NO_COLOR: '1' }, { NO_COLOR: undefined }]) {
      const run = await triggersAsync(args, { ...options, env: { ...env, ...colour } });
      expect({ args, colour, raw: RAW.exec(run.stdout)?.[0] }).toEqual({ args, colour, raw: undefined });
      expect({ args, colour, raw: RAW.exec(run.stderr.replace(/^\(node:\d+\) Warning: .*\n.*\n/, ''))?.[0] }).toEqual({
        args,
        colour,
        raw: undefined,
      });
      expect(run.code).toBe(0);
      runs.push(run);
    }
    return runs[0] as Awaited<ReturnType<typeof triggersAsync>>;
  }

  it('send: the push, its decisions, paths, patterns and branch, all shown escaped', async () => {
    const sent = await harmless(['send', join(dataDir, 'hostile-push.json')]);
    const lines = sent.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^push to feat\\u202eevil [0-9a-f]{7}…[0-9a-f]{7}, delivery /));
    expect(lines).toContainEqual(
      `  ▶ hostile-build            started       path-matched: ${SHOWN.erase} matches ^\\x1b\\[2K on branch ${SHOWN.branch} (execution ${/hostile-build .*\(execution ([0-9a-f-]{36})/.exec(sent.stdout)?.[1]})`,
    );
    expect(lines).toContainEqual(
      `  · hostile-title            skipped       no-path-matched: no changed path counts: ${SHOWN.title} matches ^\\x1b\\]0; but is excluded by .`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}▶ hostile-bidi +started +path-matched: evil\\u202egnp\.js matches \\u202e on branch feat\\u202eevil /),
    );
  });

  it('why, history and explain print the same, escaped; --json keeps the exact names as JSON escapes', async () => {
    const why = await harmless(['why', head.slice(0, 10), '--repo', 'acme/hostile']);
    expect(why.stdout).toContain(SHOWN.erase);
    expect(why.stdout).toContain(SHOWN.title);
    expect(why.stdout).toContain(SHOWN.reversed);
    const json = await harmless(['why', head, '--repo', 'acme/hostile', '--json']);
    const [record] = JSON.parse(json.stdout) as { ref: string; configs: { pipeline: string; detail: string }[] }[];
    expect(record?.ref).toBe(`refs/heads/${BRANCH}`);
    expect(record?.configs.find((c) => c.pipeline === 'hostile-build')?.detail).toContain(ERASE_AND_FAKE);
    const history = await harmless(['history', '--repo', 'acme/hostile']);
    expect(history.stdout).toMatch(new RegExp(`${head.slice(0, 7)} {2}feat\\\\u202eevil {2}2/3 started: `));
    const explain = await harmless(['explain', '--git', `main...${BRANCH}`, '--cwd', repo.dir, '--repo', 'acme/hostile']);
    expect(explain.stdout).toContain(`START hostile-build: ${SHOWN.erase} matches ^\\x1b\\[2K on branch ${SHOWN.branch}`);
    expect(explain.stdout).toContain(`acme/hostile refs/heads/${SHOWN.branch}: 3 changed path(s)`);
  });

  it('send --pr: a pull request from the hostile branch, its files as the stand-in GitHub serves them from the clone', async () => {
    const sent = await harmless(['send', '--pr', `main...${BRANCH}`, '--cwd', repo.dir, '--repo', 'acme/hostile', '--number', '7']);
    expect(sent.stdout).toContain(`pull request #7 (opened) ${SHOWN.branch} → main`);
    expect(sent.stdout).toContain(`path-matched: ${SHOWN.erase} matches ^\\x1b\\[2K in pull request #7 into main`);
  });

  it('list and validate name the hostile patterns escaped too', async () => {
    const listed = await harmless(['list', '--repo', 'acme/hostile']);
    expect(listed.stdout).toContain('acme/hostile hostile-bidi: ** · 1 include, 0 exclude');
    const hostileConfig = join(dataDir, 'hostile-validate.json');
    writeFileSync(
      hostileConfig,
      JSON.stringify({
        version: 1,
        repository: 'acme/hostile',
        pipelineName: 'x',
        branches: ['refs/heads/\u202emain'],
        includePaths: ['^a/'],
      }),
    );
    const validate = await triggersAsync(['validate', hostileConfig], { env });
    expect(RAW.exec(validate.stdout)?.[0]).toBeUndefined();
    expect(validate.stdout).toContain(
      `branches[0]: "refs/heads/\\u202emain" never matches: a branch is matched by its name, without refs/heads/: write "\\u202emain"`,
    );
  });
});
