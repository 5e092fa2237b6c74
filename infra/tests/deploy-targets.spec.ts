import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderLine, readersOf, writersFor } from '../src/deploy-order';
import type { Deployable } from '../src/names';
import { workspaceRoot } from '../src/workspace-root';

const ROOT = workspaceRoot();
const DEPLOY = join(ROOT, 'dist/infra/deploy.js');

/** Runs the built deploy script in its own process, without blocking this one (a stand-in may have to answer it). */
function deploy(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEPLOY, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The one line a deploy without credentials prints, whatever it was asked to deploy. */
const noCredentialsLine = (deployable: string) =>
  new RegExp(
    `^\\[deploy ${deployable}\\] no AWS credentials: the AWS SDK's default chain found none \\(it tried environment variables .*, SSO, profiles and credential_process in ~/\\.aws \\(AWS_PROFILE\\), .* and EC2 instance metadata: [^\\n]+\\); nothing was deployed\\. Set credentials \\([^\\n]*\\), or check without them with --dry-run\\.\\n$`,
  );

describe('deploy.js: only an explicit --dry-run deploys nothing and passes', () => {
  // A machine with no AWS credentials anywhere: an empty home (no ~/.aws), no AWS_* variables, and
  // no EC2 instance metadata to ask (the default chain's last link; its own bound is tested below).
  const home = mkdtempSync(join(tmpdir(), 'home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const nothing = { PATH: process.env['PATH'] ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true' };

  it('with --dry-run and no credentials at all, prints the exact cdk command and the synthesised template, and exits 0', async () => {
    const result = await deploy(['eval', '--dry-run'], nothing);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toContain('[deploy eval] dry run: nothing deployed.');
    expect(result.stdout).toMatch(
      /would run: npx cdk deploy MonorepoTriggers-Eval --app \S+\/dist\/cdk\/eval --exclusively --require-approval never/,
    );
    const template = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
    expect(Object.values(template.Resources).map((r) => (r as { Type: string }).Type)).toContain('AWS::Lambda::Function');
  });

  it.each([
    { where: 'outside CI', args: ['shared'], ci: {} },
    { where: 'outside CI', args: ['eval'], ci: {} },
    { where: 'outside CI', args: ['shared', '--if-missing'], ci: {} },
    { where: 'in CI', args: ['shared'], ci: { CI: 'true' } },
    { where: 'in CI', args: ['cfresource'], ci: { CI: 'true' } },
  ])(
    'without AWS credentials $where, `$args` fails with one line naming what the SDK tried and --dry-run, and synthesises nothing',
    async ({ args, ci }) => {
      const result = await deploy(args, { ...nothing, ...ci });
      expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: '' });
      expect(result.stderr).toMatch(noCredentialsLine(args[0] as string));
    },
  );

  // What the old check took for credentials: a variable or a file, whatever was in it.
  it.each([
    { what: 'an AWS_PROFILE naming no profile', env: { AWS_PROFILE: 'no-such-profile' }, files: {} },
    { what: 'a ~/.aws/config with no credentials in it', env: {}, files: { config: '[default]\nregion = eu-west-1\n' } },
    { what: 'an access key id without its secret', env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' }, files: {} },
  ])('takes $what for no credentials: the SDK decides, not the presence of a setting', async ({ env, files }) => {
    const own = mkdtempSync(join(tmpdir(), 'home-'));
    try {
      mkdirSync(join(own, '.aws'));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(own, '.aws', name), text);
      const result = await deploy(['webhook'], { ...nothing, HOME: own, ...env });
      expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: '' });
      expect(result.stderr).toMatch(noCredentialsLine('webhook'));
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("asks EC2 instance metadata last, within the SDK default chain's bounds: a metadata endpoint that never answers still ends in the one line", async () => {
    // A listener that accepts connections and never answers: without a timeout the probe would wait forever.
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const result = await deploy(['shared'], { PATH: nothing.PATH, HOME: home, AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint });
      expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: '' });
      expect(result.stderr).toMatch(noCredentialsLine('shared'));
      // It did ask (the token request first, then IMDSv1): the probe is part of the chain, not skipped.
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  describe('with credentials the default chain finds (a profile in ~/.aws/credentials)', () => {
    // A stand-in for the one CloudFormation call the shared stack's check makes (DescribeStacks, Query
    // protocol), so the real client goes all the way with the credentials the chain found.
    let server: Server;
    const authorizations: string[] = [];
    beforeAll(async () => {
      server = createServer((request, response) => {
        authorizations.push(String(request.headers['authorization']));
        request.resume().on('end', () => {
          response
            .writeHead(200, { 'content-type': 'text/xml' })
            .end(
              `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/MonorepoTriggers-Shared/1</StackId><StackName>MonorepoTriggers-Shared</StackName><CreationTime>2026-11-25T12:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></DescribeStacksResponse>`,
            );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('goes on to deploy: `shared --if-missing` asks CloudFormation, signed with that profile, and finds the stack', async () => {
      const own = mkdtempSync(join(tmpdir(), 'home-'));
      try {
        mkdirSync(join(own, '.aws'));
        writeFileSync(join(own, '.aws', 'credentials'), '[deployer]\naws_access_key_id = AKIDDEPLOYER\naws_secret_access_key = secret\n');
        const result = await deploy(['shared', '--if-missing'], {
          ...nothing,
          HOME: own,
          AWS_PROFILE: 'deployer',
          AWS_REGION: 'eu-west-1',
          AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        });
        expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
        expect(result.stdout).toBe(
          "[deploy shared] AWS credentials from the SDK's default chain (CREDENTIALS_PROFILE)\n[deploy shared] MonorepoTriggers-Shared exists: nothing to do.\n",
        );
        expect(authorizations).toEqual([expect.stringContaining('Credential=AKIDDEPLOYER/')]);
      } finally {
        rmSync(own, { recursive: true, force: true });
      }
    });
  });

  it.each([
    { args: ['webhook', '--dryrun'] },
    { args: ['webhook', '--dry-run=yes'] },
    { args: ['webhook', '--dry'] },
    { args: ['webhook', 'eval'] },
    { args: ['webhook', '--if-missing'] },
    { args: [] },
  ])('refuses $args before doing anything: a misspelt dry run never deploys', async ({ args }) => {
    const result = await deploy(args, { ...nothing, AWS_PROFILE: 'would-be-used' });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: '' });
    expect(result.stderr).toMatch(/^deploy: .*\nusage: deploy\.js|^deploy: usage: deploy\.js/);
  });

  it.each([{ flags: ['--dry-run'] }, { flags: ['--dry-run=true'] }, { flags: ['--dryRun'] }, { flags: ['--dry-run', 'true'] }])(
    'takes $flags as a dry run',
    async ({ flags }) => {
      const result = await deploy(['shared', ...flags], nothing);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('[deploy shared] dry run: nothing deployed.');
    },
  );

  it('takes --dry-run=false for a real deploy, which needs credentials', async () => {
    const result = await deploy(['shared', '--dry-run=false'], nothing);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: '' });
    expect(result.stderr).toMatch(noCredentialsLine('shared'));
  });
});

describe('readers deploy before writers (docs/deploy.md#order)', () => {
  const STACKS: Deployable[] = ['shared', 'webhook', 'eval', 'cfresource', 'statuses', 'reconcile'];
  // Written out by hand from what each function writes and who reads it: cfresource writes configs
  // (eval, statuses read them), webhook and reconcile the hand-over event (eval), eval the decision
  // records (statuses).
  const READERS: Record<Deployable, Deployable[]> = {
    shared: [],
    statuses: [],
    eval: ['statuses'],
    webhook: ['eval'],
    reconcile: ['eval'],
    cfresource: ['eval', 'statuses'],
  };

  it.each(STACKS)('%s: its deploy target waits for the deploy targets of its readers, with the dry run forwarded', (stack) => {
    expect(readersOf(stack)).toEqual(READERS[stack]);
    const project = JSON.parse(readFileSync(join(ROOT, 'infra/deploy', stack, 'project.json'), 'utf8'));
    const deployDependencies = (project.targets.deploy.dependsOn as { target: string }[]).filter((d) => d.target === 'deploy');
    expect(deployDependencies).toEqual(
      READERS[stack].length === 0
        ? []
        : [{ projects: READERS[stack].map((reader) => `${reader}-stack`), target: 'deploy', params: 'forward' }],
    );
  });

  it('knows which writers wait for each reader', () => {
    expect(Object.fromEntries(STACKS.map((stack) => [stack, writersFor(stack)]))).toEqual({
      shared: [],
      webhook: [],
      eval: ['webhook', 'reconcile', 'cfresource'],
      cfresource: [],
      statuses: ['eval', 'cfresource'],
      reconcile: [],
    });
  });

  it("a writer's deploy says, before it deploys, what it writes, who reads it and that their stacks went first", () => {
    expect(orderLine('cfresource', true)).toBe(
      'cfresource writes trigger configs that eval and statuses read: their stacks deployed first (docs/deploy.md#order)',
    );
    expect(orderLine('webhook', true)).toBe(
      'webhook writes the eval hand-over event that eval reads: its stack deployed first (docs/deploy.md#order)',
    );
    expect(orderLine('eval', true)).toBe(
      'eval writes decision records that statuses reads: its stack deployed first (docs/deploy.md#order)',
    );
    expect(orderLine('statuses', true)).toBeUndefined();
    expect(orderLine('shared', true)).toBeUndefined();
  });

  it('run other than through its Nx target (as a rollback runs it), a writer says its readers were not deployed first', async () => {
    expect(orderLine('cfresource', false)).toBe(
      'cfresource writes trigger configs that eval and statuses read: run directly, this deploy did not deploy their stacks first (`npx nx run cfresource-stack:deploy` does; a rollback deploys them after: docs/deploy.md#order)',
    );
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    try {
      const result = await deploy(['cfresource', '--dry-run'], { PATH: process.env['PATH'] ?? '', HOME: home });
      expect(result.status).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe(`[deploy cfresource] ${orderLine('cfresource', false)}`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
