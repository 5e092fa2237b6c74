// Deploys one stack: `node dist/infra/deploy.js <shared|webhook|eval|cfresource> [--dry-run]`, run by
// the `<stack>-stack:deploy` Nx targets. Synthesises that stack only (so it needs that function's
// bundle only), with cdk.json's context exactly as `cdk synth` does, then runs
// `cdk deploy <stack> --exclusively`. With --dry-run it prints the exact command and the synthesised
// template instead, and exits 0; without AWS credentials it does the same outside CI, and fails in CI
// (a deploy that did not happen must not pass for one).
// `shared --if-missing` deploys the shared stack only if it does not exist yet: every function
// deploy runs it first, so a fresh account gets the config bucket before anything imports it.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildStack } from './app';
import { STACK_BY_DEPLOYABLE, type Deployable } from './names';
import { workspaceRoot } from './workspace-root';

const ROOT = workspaceRoot();

/** Whether the default credential chain has anything to work with (no network call). */
export function hasAwsCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(
    env['AWS_ACCESS_KEY_ID'] ||
    env['AWS_PROFILE'] ||
    env['AWS_WEB_IDENTITY_TOKEN_FILE'] ||
    env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ||
    env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] ||
    existsSync(join(homedir(), '.aws', 'credentials')) ||
    existsSync(join(homedir(), '.aws', 'config'))
  );
}

/** Whether a stack exists (and is not just the shell of a failed first creation). */
async function stackExists(stackName: string): Promise<boolean> {
  const client = new CloudFormationClient({});
  try {
    const stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    return !!stack && stack.StackStatus !== 'REVIEW_IN_PROGRESS' && stack.StackStatus !== 'ROLLBACK_COMPLETE';
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) return false;
    throw error;
  } finally {
    client.destroy();
  }
}

const USAGE = `usage: deploy.js <${Object.keys(STACK_BY_DEPLOYABLE).join('|')}> [--dry-run] [--if-missing]`;

/** The arguments, strictly: anything unknown is an error, so a misspelt --dry-run never deploys. */
export function parseDeployArgs(argv: string[]): { deployable: Deployable; dryRun: boolean; ifMissing: boolean } | { error: string } {
  let deployable: Deployable | undefined;
  let dryRun = false;
  let ifMissing = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = /^--(dry-run|dryRun)(?:=(true|false))?$/.exec(arg);
    if (flag) {
      // Nx may pass a flag's value as the next argument (`--dry-run true`).
      const value = flag[2] ?? (argv[i + 1] === 'true' || argv[i + 1] === 'false' ? argv[++i] : 'true');
      dryRun = value === 'true';
    } else if (arg === '--if-missing') ifMissing = true;
    else if (!arg.startsWith('-') && deployable === undefined && arg in STACK_BY_DEPLOYABLE) deployable = arg as Deployable;
    else return { error: `unknown argument ${JSON.stringify(arg)}\n${USAGE}` };
  }
  if (!deployable) return { error: USAGE };
  if (ifMissing && deployable !== 'shared') return { error: `--if-missing is for the shared stack only\n${USAGE}` };
  return { deployable, dryRun, ifMissing };
}

async function main(argv: string[]): Promise<number> {
  const args = parseDeployArgs(argv);
  if ('error' in args) {
    process.stderr.write(`deploy: ${args.error}\n`);
    return 2;
  }
  const { deployable, dryRun, ifMissing } = args;
  const stack = STACK_BY_DEPLOYABLE[deployable];
  const say = (line: string) => process.stdout.write(`[deploy ${deployable}] ${line}\n`);
  const credentials = hasAwsCredentials();
  const inCi = !!process.env['CI'] && process.env['CI'] !== 'false';
  if (!dryRun && !credentials && inCi) {
    process.stderr.write(
      `[deploy ${deployable}] no AWS credentials in CI: nothing was deployed, and this run must not pass for a deploy (use --dry-run to check without credentials).\n`,
    );
    return 1;
  }

  if (ifMissing) {
    if (dryRun || !credentials) {
      say(`${dryRun ? 'dry run' : 'no AWS credentials found'}: ${stack} would be deployed first if it does not exist yet.`);
      return 0;
    }
    if (await stackExists(stack)) {
      say(`${stack} exists: nothing to do.`);
      return 0;
    }
    say(`${stack} does not exist yet: deploying it first.`);
  }

  // One cloud assembly per deployable (`nx affected -t deploy` runs several in parallel), outside
  // dist/infra, which a rebuild of infra clears.
  const outdir = join(ROOT, 'dist', 'cdk', deployable);
  try {
    buildStack(deployable, { outdir }).app.synth();
  } catch (error) {
    process.stderr.write(`[deploy ${deployable}] ${(error as Error).message}\n`);
    return 1;
  }
  const template = join(outdir, `${stack}.template.json`);
  const command = ['npx', 'cdk', 'deploy', stack, '--app', outdir, '--exclusively', '--require-approval', 'never'];

  if (dryRun || !credentials) {
    say(`${dryRun ? 'dry run' : 'no AWS credentials found (set AWS_PROFILE, or run in CI with OIDC)'}: nothing deployed.`);
    say(`would run: ${command.join(' ')}`);
    say(`synthesised template ${template}:\n${readFileSync(template, 'utf8')}`);
    return 0;
  }
  say(command.join(' '));
  const result = spawnSync(command[0] as string, command.slice(1), { stdio: 'inherit', cwd: ROOT });
  return result.status ?? 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`deploy: ${error.name}: ${error.message}\n`);
    process.exitCode = 1;
  },
);
