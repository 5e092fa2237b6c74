// Deploys one stack: `node dist/infra/deploy.js <shared|webhook|eval|cfresource> [--dry-run]`, run by
// the `<stack>-stack:deploy` Nx targets. Synthesises that stack only (so it needs that function's
// bundle only), then runs `cdk deploy <stack> --exclusively`. Without AWS credentials, or with
// --dry-run, it prints the exact command and the synthesised template instead, and exits 0.
// `shared --if-missing` deploys the shared stack only if it does not exist yet: every function
// deploy runs it first, so a fresh account gets the config bucket before anything imports it.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildStack, infraOptionsFromEnv } from './app';
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

async function main(argv: string[]): Promise<number> {
  const deployable = argv.find((a) => !a.startsWith('-')) as Deployable | undefined;
  const dryRun = argv.some((a) => a === '--dry-run' || a === '--dry-run=true' || a === '--dryRun=true' || a === '--dryRun');
  const ifMissing = argv.includes('--if-missing');
  if (!deployable || !(deployable in STACK_BY_DEPLOYABLE)) {
    process.stderr.write(`usage: deploy.js <${Object.keys(STACK_BY_DEPLOYABLE).join('|')}> [--dry-run] [--if-missing]\n`);
    return 2;
  }
  const stack = STACK_BY_DEPLOYABLE[deployable];
  const say = (line: string) => process.stdout.write(`[deploy ${deployable}] ${line}\n`);
  const credentials = hasAwsCredentials();

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

  // One cloud assembly per deployable: `nx affected -t deploy` runs several deploys in parallel.
  const outdir = join(ROOT, 'dist', 'infra', `cdk.out.${deployable}`);
  try {
    buildStack(deployable, { outdir, ...infraOptionsFromEnv() }).app.synth();
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
