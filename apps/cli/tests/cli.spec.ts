import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  GitRepo,
  localS3ClientConfig,
  runBundle,
  startLocalCodePipeline,
  startRecordingServer,
  startS3Server,
  type LocalCodePipeline,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, triggers, triggersAsync } from './cli';

describe('triggers (built CLI, as a subprocess)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triggers-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it.each(['start', 'validate', 'explain', 'list', 'get', 'put', 'delete', 'send', 'why', 'history'])(
    '%s --help shows usage and an example, exit 0',
    (command) => {
      const { code, stdout } = triggers([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage/m);
      expect(stdout).toMatch(/Examples?:/);
    },
  );

  it('exits 2 with the command list for an unknown command or option', () => {
    expect(triggers(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command 'frobnicate'/) });
    expect(triggers(['validate', '--frob', 'x'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--frob/) });
  });

  describe('validate', () => {
    it('accepts valid configs (exit 0)', () => {
      const { code, stdout } = triggers([
        'validate',
        'examples/configs/acme-platform-orders.json',
        'examples/configs/acme-platform-billing.json',
      ]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/✓ examples\/configs\/acme-platform-orders.json/);
    });

    it('names the file, the field and the rule for a bad config (exit 1)', () => {
      const bad = file(
        'bad.json',
        JSON.stringify({ version: 1, repository: 'acme/platform', pipelineName: 'x', branches: [], includePaths: ['(a)\\1'] }),
      );
      const { code, stdout } = triggers(['validate', bad]);
      expect(code).toBe(1);
      // The file is one line of JSON: every issue is on line 1.
      expect(stdout).toContain(`${bad}:1: branches: needs at least one branch glob`);
      expect(stdout).toMatch(/bad\.json:1: includePaths\[0\]: .*uses a back-reference/);
    });

    it('names the line of each problem in a multi-line JSON config, all in one pass, with did-you-mean', () => {
      const config = file(
        'lines.json',
        [
          '{',
          '  "version": 1,',
          '  "repository": "acme/platform",',
          '  "pipelineName": "x",',
          '  "Branch": ["main"],',
          '  "includePaths": [',
          '    "^ok/",',
          '    "(a)\\\\1"',
          '  ]',
          '}',
          '',
        ].join('\n'),
      );
      const { code, stdout } = triggers(['validate', config]);
      expect(code).toBe(1);
      expect(stdout.trim().split('\n')).toEqual([
        `✗ ${config}:1: branches: is required (a list)`,
        `✗ ${config}:5: Branch: is not a known field; did you mean branches?`,
        expect.stringMatching(/^✗ .*lines\.json:8: includePaths\[1\]: .*uses a back-reference/),
      ]);
    });

    it('names the line of each problem in a pullRequests section, of a JSON config and of a template', () => {
      const config = file(
        'pulls.json',
        [
          '{',
          '  "version": 1,',
          '  "repository": "acme/platform",',
          '  "pipelineName": "x",',
          '  "branches": ["main"],',
          '  "includePaths": ["^ok/"],',
          '  "pullRequests": {',
          '    "events": ["opened", "closed"],',
          '    "fork": true',
          '  }',
          '}',
          '',
        ].join('\n'),
      );
      const json = triggers(['validate', config]);
      expect(json.code).toBe(1);
      expect(json.stdout).toMatch(/pulls\.json:8: pullRequests\.events\[1\]: .*expected one of "opened"/);
      expect(json.stdout).toContain(`${config}:9: pullRequests.fork: is not a known field`);
      const template = file(
        'pulls.yaml',
        `Resources:
  Trigger:
    Type: Custom::PipelineTrigger
    Properties:
      ServiceToken: arn:aws:lambda:eu-west-1:123456789012:function:cfresource
      Repository: acme/platform
      PipelineName: orders
      Branches: [main]
      IncludePaths: ['^ok/']
      PullRequests:
        ExcludePaths: ['\\.md$']
`,
      );
      const yaml = triggers(['validate', template]);
      expect(yaml.code).toBe(1);
      expect(yaml.stdout).toContain(`✗ ${template}:11: resource Trigger: PullRequests.ExcludePaths: needs includePaths beside it`);
    });

    it('checks the Custom::PipelineTrigger resources of a YAML template, naming file, resource, field and rule', () => {
      const template = file(
        'stack.yaml',
        `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Service: { Type: String }
Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties: { Name: !Sub '\${Service}-pipeline' }
  GoodTrigger:
    Type: Custom::PipelineTrigger
    Properties:
      ServiceToken: !ImportValue monorepo-triggers-cfresource-arn
      Repository: acme/platform
      PipelineName: !Ref Pipeline
      Branches: [main]
      IncludePaths:
        - ^services/orders/
        - !Sub '^services/\${Service}/'
  BadTrigger:
    Type: Custom::PipelineTrigger
    Properties:
      ServiceToken: !ImportValue monorepo-triggers-cfresource-arn
      Repository: acme/platform
      PipelineName: billing
      Branches: main
      IncludePaths: ['^ok/', '(?<=x)y']
      PathSyntax: pcre
`,
      );
      const { code, stdout } = triggers(['validate', template]);
      expect(code).toBe(1);
      expect(stdout).toContain(`✓ ${template}: resource GoodTrigger`);
      expect(stdout).toMatch(/GoodTrigger\n {2}not checked \(set at deploy time\): PipelineName, IncludePaths\[1\]\n/);
      // Lines of the template above: IncludePaths on 25, PathSyntax on 26.
      expect(stdout).toContain(`✗ ${template}:26: resource BadTrigger: PathSyntax:`);
      expect(stdout).toContain(`✗ ${template}:25: resource BadTrigger: IncludePaths[1]:`);
      const json = JSON.parse(triggers(['validate', '--json', template]).stdout);
      expect(json.valid).toBe(false);
      expect(json.files[0].resources.map((r: { resource: string; issues: unknown[] }) => [r.resource, r.issues.length])).toEqual([
        ['GoodTrigger', 0],
        ['BadTrigger', 2],
      ]);
      expect(stdout).toMatch(/resource BadTrigger: IncludePaths\[1\]: .*uses a lookbehind/);
    });

    it('reports a file that is neither JSON nor YAML', () => {
      const { code, stdout } = triggers(['validate', file('broken.yaml', 'a: [1, 2\nb: }')]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/broken\.yaml: not JSON or YAML/);
    });
  });

  describe('validate --stored (before an upgrade: which stored configs the new rules refuse)', () => {
    let s3: S3Server;
    beforeAll(async () => {
      s3 = await startS3Server({ buckets: ['stored'] });
      const client = createS3Client(localS3ClientConfig(s3.endpoint));
      const put = (pipeline: string, includePaths: string[]) =>
        client.send(
          new PutObjectCommand({
            Bucket: 'stored',
            Key: `mono-repo/config/acme/platform/${pipeline}.json`,
            Body: JSON.stringify({ version: 1, repository: 'acme/platform', pipelineName: pipeline, branches: ['main'], includePaths }),
          }),
        );
      // Written by an older version, straight to S3: JavaScript regexes that RE2 syntax refuses.
      await Promise.all([
        put('fine', ['^services/fine/', '^(a+)+$']),
        put('lookahead', ['^services/(?!legacy/)']),
        put('backref', ['^(a|b)\\1/']),
      ]);
      client.destroy();
    });
    afterAll(() => s3.stop());

    it('lists every stored config the RE2 syntax refuses, with the construct, and exits 1', () => {
      const { code, stdout } = triggers(['validate', '--bucket', 'stored'], { env: s3.env });
      expect(code).toBe(1);
      expect(stdout).toContain('✓ mono-repo/config/acme/platform/fine.json');
      expect(stdout).toMatch(/✗ mono-repo\/config\/acme\/platform\/lookahead\.json: includePaths\[0\]: .*uses a lookahead \(\(\?!\)/);
      expect(stdout).toMatch(/✗ mono-repo\/config\/acme\/platform\/backref\.json: includePaths\[0\]: .*uses a back-reference \(\\1\)/);
      expect(stdout).toMatch(/1 valid, 2 invalid config\(s\) in s3:\/\/stored\/mono-repo\/config\//);
    });

    it('gives the same answer as JSON for scripts', () => {
      const { code, stdout } = triggers(['validate', '--stored', '--bucket', 'stored', '--json'], { env: s3.env });
      expect(code).toBe(1);
      const json = JSON.parse(stdout);
      expect(json).toMatchObject({ valid: false, configs: ['mono-repo/config/acme/platform/fine.json'] });
      expect(json.invalid.map((i: { key: string }) => i.key)).toEqual([
        'mono-repo/config/acme/platform/backref.json',
        'mono-repo/config/acme/platform/lookahead.json',
      ]);
    });

    it('refuses files and --stored together', () => {
      expect(triggers(['validate', '--stored', 'x.json'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/files or --stored, not both/),
      });
    });

    it('puts nothing when one of the files is not a valid config (no partial write)', () => {
      const good = join(ROOT, 'examples/configs/acme-platform-web.json');
      const bad = file('bad-put.json', JSON.stringify({ version: 1, repository: 'acme/platform', pipelineName: 'x', Branch: ['main'] }));
      const env = { ...s3.env };
      const put = triggers(['put', good, bad, '--bucket', 'stored'], { env });
      expect(put.code).toBe(1);
      expect(put.stdout).toMatch(/✗ .*bad-put\.json: /);
      expect(put.stdout).toMatch(/nothing written: 1 of 2 file\(s\) are not valid configs/);
      const listed = JSON.parse(triggers(['list', '--repo', 'acme/platform', '--bucket', 'stored', '--json'], { env }).stdout);
      expect(listed.configs.map((c: { config: { pipelineName: string } }) => c.config.pipelineName)).not.toContain('web-app');
      expect(triggers(['put', good, '--bucket', 'stored'], { env }).code).toBe(0);
      expect(triggers(['delete', 'acme/platform', 'web-app', '--bucket', 'stored'], { env })).toMatchObject({ code: 0 });
    });
  });

  describe('validate and put warn on configs that can never start (issue 30)', () => {
    const config = (name: string, fields: Record<string, unknown>) =>
      file(
        name,
        JSON.stringify(
          { version: 1, repository: 'acme/platform', pipelineName: 'never', branches: ['main'], includePaths: ['^a/'], ...fields },
          null,
          2,
        ) + '\n',
      );
    const REF = '"refs/heads/main" never matches: a branch is matched by its name, without refs/heads/: write "main"';
    const GLOB =
      '"src/*.ts" reads as a regular expression (pathSyntax is regex), where "/*" means "any number of /"; it looks like a glob: set "pathSyntax": "glob" (PathSyntax: glob in a template) to match it as one';

    it('warns, at the line, on a branch written as a full ref and a glob under regex syntax, and gives no ✓ (exit 0; --strict: exit 1)', () => {
      const never = config('never.json', { branches: ['refs/heads/main'], includePaths: ['src/*.ts'] });
      const run = triggers(['validate', never]);
      // Lines of the file: branches' first item on 6, includePaths' on 9 (two-space JSON).
      expect(run).toMatchObject({ code: 0, stdout: `! ${never}:6: branches[0]: ${REF}\n! ${never}:9: includePaths[0]: ${GLOB}\n` });
      const strict = triggers(['validate', '--strict', never]);
      expect(strict.code).toBe(1);
      expect(strict.stdout).toContain('failed: warnings with --strict');
      const json = JSON.parse(triggers(['validate', '--json', never]).stdout);
      expect(json).toMatchObject({ valid: true, warned: true });
      expect(json.files[0].resources[0].warnings.map((w: { path: string }) => w.path)).toEqual(['branches[0]', 'includePaths[0]']);
      // A config without anything to warn about passes --strict.
      expect(triggers(['validate', '--strict', 'examples/configs/acme-platform-orders.json']).code).toBe(0);
    });

    it('warns on a template resource under its property names', () => {
      const template = file(
        'never.yaml',
        `Resources:
  T:
    Type: Custom::PipelineTrigger
    Properties:
      Repository: acme/platform
      PipelineName: never
      Branches: [refs/heads/main]
      IncludePaths: ['^a/']
`,
      );
      expect(triggers(['validate', template]).stdout).toBe(`! ${template}:7: resource T: Branches[0]: ${REF}\n`);
    });

    it('says to set pathSyntax when a glob under regex syntax does not compile', () => {
      const run = triggers(['validate', config('glob.json', { includePaths: ['services/orders/**'] })]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /includePaths\[0\]: "services\/orders\/\*\*" is not valid RE2 syntax: invalid nested repetition operator: `\*\*`; it looks like a glob: set "pathSyntax": "glob"/,
      );
    });

    describe('a repository GitHub does not know, when a credential is at hand (GITHUB_TOKEN)', () => {
      let github: Awaited<ReturnType<typeof startRecordingServer>>;
      // GitHub's answers to GET /repos/{owner}/{repo} with a token: the repository, the one it was
      // renamed to (GitHub follows the redirect to it), or 404 Not Found; 401 without the token.
      beforeAll(async () => {
        github = await startRecordingServer((request) => {
          if (request.headers.authorization !== 'Bearer ghp_test') return { status: 401, body: { message: 'Bad credentials' } };
          if (request.path === '/repos/acme/platform') return { status: 200, body: { full_name: 'acme/platform' } };
          if (request.path === '/repos/acme/old-name') return { status: 200, body: { full_name: 'acme/new-name' } };
          return { status: 404, body: { message: 'Not Found' } };
        });
      });
      afterAll(() => github.stop());
      const files = () => [
        config('known.json', {}),
        config('unknown.json', { repository: 'acme/no-such-repo' }),
        config('renamed.json', { repository: 'acme/old-name' }),
      ];

      it('warns on the unknown and the renamed one, asking GitHub once per repository', async () => {
        const run = await triggersAsync(['validate', ...files()], { env: { GITHUB_TOKEN: 'ghp_test', GITHUB_API_URL: github.endpoint } });
        expect(run.code).toBe(0);
        expect(run.stdout.split('\n')).toEqual([
          `✓ ${join(dir, 'known.json')}`,
          `! ${join(dir, 'unknown.json')}: repository: GitHub does not know acme/no-such-repo (or the token cannot see it): no push of it will come`,
          `! ${join(dir, 'renamed.json')}: repository: GitHub knows acme/old-name as acme/new-name now (renamed or transferred): its pushes name acme/new-name, so this config never matches them; write "repository": "acme/new-name"`,
          '',
        ]);
        expect(github.requests.map((r) => r.path).sort()).toEqual([
          '/repos/acme/no-such-repo',
          '/repos/acme/old-name',
          '/repos/acme/platform',
        ]);
      });

      it('says which repositories it could not check (a bad token), without warning about them', async () => {
        const run = await triggersAsync(['validate', '--strict', ...files()], {
          env: { GITHUB_TOKEN: 'ghp_wrong', GITHUB_API_URL: github.endpoint },
        });
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(`  could not ask ${github.endpoint} about acme/no-such-repo: GitHub answered 401: `);
        expect(run.stdout).not.toMatch(/^!/m);
      });

      it('asks nothing without a credential', async () => {
        github.requests.length = 0;
        const run = await triggersAsync(['validate', '--strict', ...files()], {
          env: { GITHUB_TOKEN: '', GITHUB_API_URL: github.endpoint },
        });
        expect(run.code).toBe(0);
        expect(github.requests).toEqual([]);
      });
    });

    describe('in the store', () => {
      let s3: S3Server;
      beforeAll(async () => {
        s3 = await startS3Server({ buckets: ['warned'] });
      });
      afterAll(() => s3.stop());

      it('put prints the same warnings and writes the config; --strict writes nothing', () => {
        const never = config('put-never.json', { branches: ['refs/heads/main'] });
        const put = triggers(['put', never, '--bucket', 'warned'], { env: s3.env });
        expect(put.code).toBe(0);
        expect(put.stdout.split('\n').slice(0, 2)).toEqual([
          `! ${never}: branches[0]: ${REF}`,
          `✓ ${never} → s3://warned/mono-repo/config/acme/platform/never.json`,
        ]);
        const strict = config('put-strict.json', { pipelineName: 'strict', includePaths: ['src/*.ts'] });
        expect(triggers(['put', '--strict', strict, '--bucket', 'warned'], { env: s3.env })).toMatchObject({
          code: 1,
          stdout: `! ${strict}: includePaths[0]: ${GLOB}\nnothing written: 1 of 1 file(s) have warnings (--strict)\n`,
        });
        expect(triggers(['get', 'acme/platform', 'strict', '--bucket', 'warned'], { env: s3.env }).code).toBe(1);
      });

      it('validate --stored warns on the stored config and counts it; --strict fails', () => {
        const run = triggers(['validate', '--bucket', 'warned'], { env: s3.env });
        expect(run).toMatchObject({
          code: 0,
          stdout: `! mono-repo/config/acme/platform/never.json: branches[0]: ${REF}\n1 valid (1 with warnings), 0 invalid config(s) in s3://warned/mono-repo/config/\n`,
        });
        expect(triggers(['validate', '--bucket', 'warned', '--strict'], { env: s3.env }).code).toBe(1);
        const json = JSON.parse(triggers(['validate', '--bucket', 'warned', '--json'], { env: s3.env }).stdout);
        expect(json.warnings).toEqual([{ key: 'mono-repo/config/acme/platform/never.json', path: 'branches[0]', message: REF }]);
      });
    });
  });

  describe('each command has its own options (issue 18)', () => {
    it("refuses another command's option, naming it and pointing at this command's help (exit 2)", () => {
      const run = triggers(['validate', '--port', '99', '--git', 'x', 'examples/configs/acme-platform-orders.json']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/unknown option '--port'/);
      expect(run.stderr).toMatch(/see triggers validate --help/);
      expect(run.stdout).toBe('');
    });

    it('answers a malformed repository with a plain error, never a stack trace (exit 2)', () => {
      const run = triggers(['list', '--repo', 'nope']);
      expect(run).toMatchObject({ code: 2, stderr: expect.stringMatching(/option '--repo <owner\/name>' argument 'nope' is invalid/) });
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  });

  describe('explain says when there is nothing to explain, and reads CloudFormation templates (issue 18)', () => {
    it('warns and exits 1 when no config is for the repository, naming the ones it has', () => {
      const run = triggers([
        'explain',
        '--payload',
        'examples/pushes/orders-change.json',
        '--configs',
        'examples/configs',
        '--repo',
        'other/repo',
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /warning: no config in examples\/configs is for other\/repo \(it has configs for .*acme\/platform.*: pass --repo OWNER\/NAME\)/,
      );
      expect(run.stdout).not.toMatch(/0 of 0/);
    });

    it("takes the Custom::PipelineTrigger resources of templates in --configs, with the templates' parameter defaults", () => {
      const run = triggers([
        'explain',
        '--payload',
        'examples/pushes/orders-change.json',
        '--configs',
        'infra/dogfood',
        '--repo',
        'monorepo-triggers/monorepo-triggers',
        '--json',
      ]);
      expect(run.code).toBe(0);
      const json = JSON.parse(run.stdout) as { decisions: { key: string; pipeline: string }[]; invalid: unknown[] };
      // The pipelines' names as the six dogfood templates write them (Name: of each pipeline).
      expect(json.decisions.map((d) => d.pipeline).sort()).toEqual([
        'monorepo-triggers-cfresource',
        'monorepo-triggers-eval',
        'monorepo-triggers-reconcile',
        'monorepo-triggers-shared',
        'monorepo-triggers-statuses',
        'monorepo-triggers-webhook',
      ]);
      expect(json.decisions.map((d) => d.key)).toContainEqual('infra/dogfood/eval-pipeline.yaml#Trigger');
      expect(json.invalid).toEqual([]);
    });

    it('validate checks !Ref and !Sub values with the parameter defaults, and says which', () => {
      const template = file(
        'sub.yaml',
        [
          'Parameters:',
          '  Repo: { Type: String, Default: acme/platform }',
          '  Area: { Type: String, Default: services }',
          '  Token: { Type: String }',
          'Resources:',
          '  Trigger:',
          '    Type: Custom::PipelineTrigger',
          '    Properties:',
          '      ServiceToken: !ImportValue monorepo-triggers-cfresource-arn',
          '      Repository: !Ref Repo',
          '      PipelineName: orders',
          '      Branches: [main]',
          "      IncludePaths: [!Sub '^${Area}/orders/(']",
          '      Variables: { TOKEN: !Ref Token }',
          '',
        ].join('\n'),
      );
      const run = triggers(['validate', template]);
      // The default makes the pattern checkable, and it is broken: a deploy would fail the same way.
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/✗ .*sub\.yaml:13: resource Trigger: IncludePaths\[0\]: /);
      expect(run.stdout).toMatch(
        /checked with the template's own values \(parameter defaults, resource names\): Repository, IncludePaths\[0\]/,
      );
      expect(run.stdout).toMatch(/not checked \(set at deploy time\): Variables\.TOKEN/);
    });
  });

  describe('names and secrets', () => {
    it('refuses dot-segment repository and pipeline names before touching any store', () => {
      expect(triggers(['get', '../..', 'orders'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/value '\.\.\/\.\.' is invalid for argument 'repository'\. the repository must be "owner\/name"/),
      });
      expect(triggers(['delete', 'acme/platform', '..'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/value '\.\.' is invalid for argument 'pipeline'\. the pipeline name .*not be "\." or "\.\."/),
      });
    });

    it('takes the webhook secret from a file or the environment, never from an argument', async () => {
      const server = await startRecordingServer(() => ({ status: 202, body: { message: 'accepted' } }));
      try {
        const secretFile = file('secret', 'from-a-file\n');
        const payload = 'examples/pushes/orders-change.json';
        const body = readFileSync(join(ROOT, payload));
        const expected = (secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
        expect(await triggersAsync(['send', payload, '--url', server.endpoint, '--secret-file', secretFile])).toMatchObject({ code: 0 });
        expect(server.requests[0]?.headers['x-hub-signature-256']).toBe(expected('from-a-file'));
        expect(
          await triggersAsync(['send', payload, '--url', server.endpoint], { env: { WEBHOOK_SECRET: 'from-the-environment' } }),
        ).toMatchObject({ code: 0 });
        expect(server.requests[1]?.headers['x-hub-signature-256']).toBe(expected('from-the-environment'));
        // With GitHub's headers, as GitHub sends a delivery.
        expect(server.requests[1]?.headers).toMatchObject({
          'x-github-event': 'push',
          'x-github-delivery': expect.stringMatching(/^[0-9a-f-]{36}$/),
          'content-type': 'application/json',
        });
        expect(triggers(['send', payload, '--url', server.endpoint, '--secret', 'visible-in-ps'])).toMatchObject({
          code: 2,
          stderr: expect.stringMatching(/--secret/),
        });
        expect(server.requests).toHaveLength(2);
      } finally {
        await server.stop();
      }
    });
  });

  describe('send --push', () => {
    it('builds the push GitHub sends from a clone: the commits new to the ref and their paths, forced or created as GitHub says', async () => {
      const repo = GitRepo.create('acme/platform');
      const server = await startRecordingServer(() => ({ status: 202, body: { message: 'accepted' } }));
      try {
        const b0 = repo.commit('base', { 'services/orders/a.ts': 'a', 'services/billing/b.ts': 'b' });
        const a1 = repo.commit('one', { 'services/orders/a.ts': 'a1', 'docs/x.md': 'x' });
        const a2 = repo.commit('two', { 'services/orders/a.ts': null, 'services/billing/b.ts': 'b2' });
        repo.checkout('rewrite', b0);
        const r1 = repo.commit('rewritten', { 'services/billing/b.ts': 'r1' });
        /** What eval reads of a push, and what GitHub's lists say of each commit. */
        const shape = (payload: unknown) => {
          const p = payload as Record<string, unknown> & { commits: Record<string, unknown>[]; head_commit: { id: string } };
          return {
            ...Object.fromEntries(['ref', 'before', 'after', 'created', 'deleted', 'forced'].map((k) => [k, p[k]])),
            head: p.head_commit.id,
            commits: p.commits.map((c) => ({
              id: c['id'],
              distinct: c['distinct'],
              added: c['added'],
              removed: c['removed'],
              modified: c['modified'],
            })),
          };
        };
        const send = async (range: string, ...args: string[]) => {
          const run = await triggersAsync(
            ['send', '--push', range, '--cwd', repo.dir, '--repo', 'acme/platform', '--url', server.endpoint, ...args],
            {
              env: { WEBHOOK_SECRET: 's' },
            },
          );
          expect(run).toMatchObject({ code: 0 });
          const request = server.requests.at(-1);
          expect(request?.headers['x-github-event']).toBe('push');
          return shape(request?.json);
        };
        // Written out by hand from the commits above and GitHub's rules: the commits new to the ref
        // (for a new ref, those on no other ref), each commit's lists against its first parent, and
        // `distinct` when no other ref has the commit.
        const commit = (id: string, distinct: boolean, lists: { added?: string[]; removed?: string[]; modified?: string[] }) => ({
          id,
          distinct,
          added: lists.added ?? [],
          removed: lists.removed ?? [],
          modified: lists.modified ?? [],
        });
        const push = { created: false, deleted: false, forced: false };
        expect(await send(`${b0}..main`)).toEqual({
          ...push,
          ref: 'refs/heads/main',
          before: b0,
          after: a2,
          head: a2,
          commits: [
            commit(a1, true, { added: ['docs/x.md'], modified: ['services/orders/a.ts'] }),
            commit(a2, true, { removed: ['services/orders/a.ts'], modified: ['services/billing/b.ts'] }),
          ],
        });
        expect(await send(`${a2}..${r1}`, '--ref', 'main')).toEqual({
          ...push,
          forced: true,
          ref: 'refs/heads/main',
          before: a2,
          after: r1,
          head: r1,
          commits: [commit(r1, false, { modified: ['services/billing/b.ts'] })],
        });
        expect(await send(`${'0'.repeat(40)}..rewrite`)).toEqual({
          ...push,
          created: true,
          ref: 'refs/heads/rewrite',
          before: '0'.repeat(40),
          after: r1,
          head: r1,
          commits: [commit(r1, true, { modified: ['services/billing/b.ts'] })],
        });
      } finally {
        await server.stop();
        repo.remove();
      }
    });
  });

  describe('explain', () => {
    const repo = join(dir, 'clone');
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        stdio: 'pipe',
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
      });
    beforeAll(() => {
      mkdirSync(join(repo, 'services/orders'), { recursive: true });
      mkdirSync(join(repo, 'libs/money'), { recursive: true });
      git('init', '-q', '-b', 'main');
      git('remote', 'add', 'origin', 'git@github.com:acme/platform.git');
      writeFileSync(join(repo, 'services/orders/app.ts'), 'v1');
      writeFileSync(join(repo, 'libs/money/index.ts'), 'v1');
      git('add', '.');
      git('commit', '-q', '-m', 'one');
      writeFileSync(join(repo, 'libs/money/index.ts'), 'v2');
      writeFileSync(join(repo, 'README.md'), 'hi');
      git('add', '.');
      git('commit', '-q', '-m', 'two');
    });

    it('--git BASE..HEAD explains every config from git diff in a local clone (--json)', () => {
      const { code, stdout } = triggers(['explain', '--git', 'HEAD~1..HEAD', '--cwd', repo, '--configs', 'examples/configs', '--json']);
      expect(code).toBe(0);
      const json = JSON.parse(stdout);
      expect(json.push).toMatchObject({ repository: 'acme/platform', ref: 'refs/heads/main', paths: 2, complete: true });
      const byPipeline = Object.fromEntries(json.decisions.map((d: { pipeline: string; decision: object }) => [d.pipeline, d.decision]));
      expect(Object.keys(byPipeline).sort()).toEqual(['billing-service', 'docs-site', 'orders-service', 'web-app']);
      expect(byPipeline['orders-service']).toMatchObject({
        start: true,
        reason: 'path-matched',
        match: { path: 'libs/money/index.ts', pattern: '^libs/money/' },
      });
      expect(byPipeline['docs-site']).toMatchObject({ start: true, match: { path: 'README.md', pattern: '^README\\.md$' } });
      expect(byPipeline['web-app']).toMatchObject({ start: false, reason: 'no-path-matched' });
    });

    it("--git honours [skip ci] in the head commit's message, as eval does, and says so", () => {
      const repo = GitRepo.create('acme/platform');
      try {
        repo.commit('base', { 'services/orders/app.ts': 'v1' });
        repo.commit('orders: tidy\n\n[ci skip]', { 'services/orders/app.ts': 'v2' });
        const run = (extra: string[] = []) =>
          triggers([
            'explain',
            '--git',
            'HEAD~1..HEAD',
            '--cwd',
            repo.dir,
            '--configs',
            'examples/configs',
            '--repo',
            'acme/platform',
            ...extra,
          ]);
        const json = JSON.parse(run(['--json']).stdout);
        expect(json.push.skipCi).toBe('[ci skip]');
        expect(json.decisions.find((d: { pipeline: string }) => d.pipeline === 'orders-service').decision).toMatchObject({
          start: false,
          reason: 'skip-ci',
        });
        expect(run().stdout).toMatch(
          /^skip {2}orders-service: the head commit's message says \[ci skip\] \(set honourSkipCi to false to build such pushes\) \[skip-ci\]$/m,
        );
      } finally {
        repo.remove();
      }
    });

    describe('follows the rule eval follows for what a push changed', () => {
      const configs = join(dir, 'rule-configs');
      const repo = GitRepo.create('acme/platform');
      let oldFeature = '';
      beforeAll(() => {
        mkdirSync(configs);
        for (const app of ['a', 'b', 'c'])
          writeFileSync(
            join(configs, `${app}.json`),
            JSON.stringify({
              version: 1,
              repository: 'acme/platform',
              pipelineName: app,
              branches: ['**'],
              includePaths: [`^apps/${app}/`],
            }),
          );
        writeFileSync(
          join(configs, 'release.json'),
          JSON.stringify({
            version: 1,
            repository: 'acme/platform',
            pipelineName: 'release',
            branches: ['**'],
            includePaths: ['^never/'],
            onNewBranch: 'always',
          }),
        );
        const base = repo.commit('B', { 'apps/a/base.ts': 'a', 'apps/b/base.ts': 'b', 'apps/c/base.ts': 'c' });
        repo.checkout('feature', base);
        oldFeature = repo.commit('a', { 'apps/a/x.ts': 'x' });
        repo.checkout('main');
        repo.commit('b', { 'apps/b/y.ts': 'y' });
      });
      afterAll(() => repo.remove());
      const starting = (range: string, extra: string[] = []) => {
        const { code, stdout } = triggers([
          'explain',
          '--git',
          range,
          ...extra,
          '--cwd',
          repo.dir,
          '--configs',
          configs,
          '--repo',
          'acme/platform',
          '--ref',
          'feature',
          '--json',
        ]);
        expect(code).toBe(0);
        return JSON.parse(stdout)
          .decisions.filter((d: { decision: { start: boolean } }) => d.decision.start)
          .map((d: { pipeline: string }) => d.pipeline)
          .sort();
      };

      it('BASE...HEAD is what a new branch changed since its merge base; BASE..HEAD also counts what the base did meanwhile', () => {
        expect(starting('main...feature')).toEqual(['a']);
        expect(starting('main..feature')).toEqual(['a', 'b']);
      });

      it('--new-branch explains the push as creating the branch: onNewBranch always starts', () => {
        expect(starting('main...feature', ['--new-branch'])).toEqual(['a', 'release']);
      });

      it('a rebased branch explained against its old head gives the answer eval gives for the forced push', () => {
        repo.checkout('feature');
        repo.git('rebase', '-q', 'main');
        expect(starting(`${oldFeature}..feature`)).toEqual(['b']); // as eval's test of the same push
      });
    });

    it('prints a readable explanation with --payload', () => {
      const { code, stdout } = triggers(['explain', '--payload', 'examples/pushes/docs-only-change.json', '--configs', 'examples/configs']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/0 of 4 pipeline\(s\) would start/);
      expect(stdout).toMatch(
        /skip {2}orders-service: no changed path counts: services\/orders\/README.md matches \^services\/orders\/ but is excluded by \\\.md\$/,
      );
    });

    it('says what is wrong with a bad range or a missing push', () => {
      expect(triggers(['explain', '--git', 'nonsense', '--cwd', repo, '--configs', 'examples/configs'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/BASE\.\.HEAD/),
      });
      expect(triggers(['explain', '--git', 'nope..HEAD', '--cwd', repo, '--configs', 'examples/configs'])).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/git diff nope HEAD failed/),
      });
      expect(triggers(['explain', '--git', 'nope...HEAD', '--cwd', repo, '--configs', 'examples/configs'])).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/git diff nope\.\.\.HEAD failed/),
      });
      expect(triggers(['explain', '--configs', 'examples/configs'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/exactly one of --payload/),
      });
    });

    it('asks for the local stack or a bucket when neither is given', () => {
      const { code, stderr } = triggers(['list'], { env: { TRIGGERS_LOCAL_DIR: join(dir, 'nothing-here') } });
      expect(code).toBe(1);
      expect(stderr).toMatch(/no local stack is running: start it with `npm start`/);
    });
  });

  describe('why and history, from the decision records eval wrote (eval bundle, s3rver, local CodePipeline)', () => {
    const BUCKET = 'why-records';
    const sha = (c: string) => c.repeat(40);
    let s3: S3Server;
    let codepipeline: LocalCodePipeline;
    let env: Record<string, string>;

    beforeAll(async () => {
      codepipeline = await startLocalCodePipeline();
      s3 = await startS3Server({ buckets: [BUCKET] });
      const client = createS3Client(localS3ClientConfig(s3.endpoint));
      const store = new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' });
      const includePaths = { orders: ['^services/orders/'], billing: ['^services/billing/', '^libs/shared/'], web: ['^services/web/'] };
      for (const [name, paths] of Object.entries(includePaths)) {
        await store.put({ version: 1, repository: 'acme/platform', pipelineName: name, branches: ['main'], includePaths: paths });
      }
      client.destroy();
      // billing's pipeline cannot be started: its start fails on every attempt.
      codepipeline.fail('billing', { status: 400, type: 'PipelineNotFoundException', times: Infinity });
      const push = {
        type: 'push',
        version: 1,
        deliveryId: 'why-1',
        repository: 'acme/platform',
        ref: 'refs/heads/main',
        before: sha('1'),
        after: sha('2'),
        created: false,
        deleted: false,
        forced: false,
        changedPaths: ['libs/shared/x.ts', 'services/orders/a.ts'],
        commitCount: 1,
      };
      const later = { ...push, deliveryId: 'why-2', before: sha('2'), after: sha('3'), changedPaths: ['services/web/index.ts'] };
      const bucketEnv = { ...s3.env, CONFIG_BUCKET: BUCKET, AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint, GITHUB_TOKEN: '' };
      const run = await runBundle(join(ROOT, 'dist/apps/eval/main.js'), [{ event: push }, { event: later }], bucketEnv);
      expect(run.results.map((r) => r.ok)).toEqual([false, true]);
      // orders' execution then fails; web's succeeds. `why` asks CodePipeline how they stand.
      const executionOf = (name: string) => codepipeline.starts.find((s) => s.pipelineName === name)?.executionId as string;
      await codepipeline.finish(executionOf('orders'), 'Failed');
      await codepipeline.finish(executionOf('web'), 'Succeeded');
      env = { ...s3.env, S3_FORCE_PATH_STYLE: 'true', AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint };
    });
    afterAll(async () => {
      await Promise.all([s3.stop(), codepipeline.stop()]);
    });

    it('explains a started (whose execution failed), a skipped and a failed-to-start pipeline for a commit, by abbreviated SHA', async () => {
      const { code, stdout } = await triggersAsync(['why', '2222222', '--repo', 'acme/platform', '--bucket', BUCKET], { env });
      expect(code).toBe(0);
      const lines = stdout.split('\n');
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^ {2}▶ orders +started +path-matched: .*services\/orders\/a\.ts.* \(execution [0-9a-f-]+\) → execution Failed$/,
        ),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}✗ billing +start failed +path-matched: .*libs\/shared\/x\.ts.*; PipelineNotFoundException: /),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}· web +skipped +no-path-matched: none of the 2 changed paths matches includePaths$/),
      );
      const one = await triggersAsync(['why', sha('2'), '--repo', 'acme/platform', '--pipeline', 'web', '--bucket', BUCKET], { env });
      expect(one.stdout.split('\n').filter((l) => l.startsWith('  '))).toEqual([
        '  changed paths: 2 (complete, from payload)',
        expect.stringMatching(/^ {2}· web +skipped/),
      ]);
      const web = await triggersAsync(['why', '3333333', '--repo', 'acme/platform', '--pipeline', 'web', '--bucket', BUCKET], { env });
      expect(web.stdout).toMatch(/▶ web +started +path-matched: .* \(execution [0-9a-f-]+\) → execution Succeeded\n/);
    });

    it('says when CodePipeline cannot tell how an execution stands, and still explains the decision', async () => {
      codepipeline.fail('orders', { status: 400, type: 'AccessDeniedException', operation: 'GetPipelineExecution', times: 1 });
      const { code, stdout } = await triggersAsync(
        ['why', '2222222', '--repo', 'acme/platform', '--pipeline', 'orders', '--bucket', BUCKET],
        {
          env,
        },
      );
      expect(code).toBe(0);
      expect(stdout).toMatch(/▶ orders +started +path-matched: .* → execution status unknown \(AccessDeniedException: /);
    });

    it('says so when no push of that commit was recorded (exit 1), and refuses what is not a SHA (exit 2)', async () => {
      expect(await triggersAsync(['why', 'abcdef1', '--repo', 'acme/platform', '--bucket', BUCKET], { env })).toMatchObject({
        code: 1,
        stdout: expect.stringMatching(/no decision record for acme\/platform @ abcdef1/),
      });
      expect(await triggersAsync(['why', 'main', '--repo', 'acme/platform', '--bucket', BUCKET], { env })).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/"main" is not a commit SHA/),
      });
      expect(await triggersAsync(['why', '2222222', '--bucket', BUCKET], { env })).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/required option '--repo <owner\/name>' not specified/),
      });
    });

    it('says in words when CodePipeline does not know an execution (issue 30)', async () => {
      // The stand-in forgets its executions, as CodePipeline does past its history.
      codepipeline.reset();
      const { code, stdout } = await triggersAsync(
        ['why', '2222222', '--repo', 'acme/platform', '--pipeline', 'orders', '--bucket', BUCKET],
        { env },
      );
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /▶ orders +started +path-matched: .* → CodePipeline does not know this execution of orders \(past its execution history, or the pipeline was re-created\)\n/,
      );
      expect(stdout).not.toMatch(/Exception/);
    });

    it('lists recent pushes newest first, and one pipeline across them', async () => {
      const all = await triggersAsync(['history', '--repo', 'acme/platform', '--bucket', BUCKET], { env });
      const rows = all.stdout.split('\n').filter((l) => /^\d{4}-/.test(l));
      expect(rows).toEqual([
        expect.stringMatching(/ 3333333 {2}main {2}1\/3 started: web$/),
        expect.stringMatching(/ 2222222 {2}main {2}1\/3 started: orders; failed: billing$/),
      ]);
      const web = await triggersAsync(['history', '--repo', 'acme/platform', '--pipeline', 'web', '--limit', '1', '--bucket', BUCKET], {
        env,
      });
      expect(web.stdout.split('\n').filter((l) => /^\d{4}-/.test(l))).toEqual([
        expect.stringMatching(/ 3333333 {2}main {2}started: path-matched$/),
      ]);
      const json = JSON.parse(
        (await triggersAsync(['history', '--repo', 'acme/platform', '--json', '--bucket', BUCKET], { env })).stdout,
      ) as { deliveryId: string }[];
      expect(json.map((r) => r.deliveryId)).toEqual(['why-2', 'why-1']);
    });
  });
});
