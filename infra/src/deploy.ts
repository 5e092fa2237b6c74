// Deploys one stack: `node dist/infra/deploy.js <shared|webhook|eval|cfresource|statuses|reconcile> [--dry-run]`,
// run by the `<stack>-stack:deploy` Nx targets. Synthesises that stack only (so it needs that
// function's bundle only), with cdk.json's context exactly as `cdk synth` does, then runs
// `cdk deploy <stack> --exclusively`. Only an explicit --dry-run deploys nothing and exits 0 (it
// prints the exact command and the synthesised template instead); otherwise the AWS SDK's default
// credential chain must find credentials, or the deploy fails, on a laptop as in CI: a deploy that
// did not happen must never pass for one.
// Readers deploy before writers (docs/deploy.md#order): a writer's Nx target depends on its
// readers' deploy targets, and the deploy says so; a reader pulled in that way by `nx affected`
// deploys nothing when none of its files changed between NX_BASE and NX_HEAD, and says why.
// `shared --if-missing` deploys the shared stack only if it does not exist yet: every function
// deploy runs it first, so a fresh account gets the config bucket before anything imports it.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAwsCredentials, DEFAULT_CHAIN } from './aws-credentials';
import { inWords, orderLine, writersFor } from './deploy-order';
import { STACK_BY_DEPLOYABLE, type Deployable } from './names';
import { changedStackFiles } from './stack-changes';
import { workspaceRoot } from './workspace-root';

const ROOT = workspaceRoot();

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

/**
 * Whether a reader's deploy has anything to deploy. Every writer's deploy target waits for its
 * readers' (docs/deploy.md#order), so `nx affected -t deploy` also runs a reader none of whose files
 * changed; with NX_BASE and NX_HEAD set (as CI sets them: the last successful deploy and this
 * commit), such a reader is already deployed as it is here and deploys nothing. Without them, or
 * when it cannot tell, it deploys: `cdk deploy` leaves a stack whose template did not change as it is.
 */
async function readerScope(deployable: Deployable, env: NodeJS.ProcessEnv): Promise<{ skip: boolean; line: string }> {
  const writers = inWords(writersFor(deployable));
  const base = env['NX_BASE'];
  const head = env['NX_HEAD'];
  if (!base || !head)
    return {
      skip: false,
      line: `deploys before ${writers}, changed or not (no NX_BASE and NX_HEAD to compare; cdk deploy leaves an unchanged stack as it is)`,
    };
  let files: string[];
  try {
    files = await changedStackFiles(ROOT, deployable, base, head);
  } catch (error) {
    const reason = ((error as Error).message.split('\n')[0] ?? '').trim();
    return {
      skip: false,
      line: `cannot tell whether it changed between NX_BASE and NX_HEAD (${reason}): deploying it (cdk deploy leaves an unchanged stack as it is)`,
    };
  }
  if (files.length === 0)
    return {
      skip: true,
      line: `none of its files changed between NX_BASE ${base} and NX_HEAD ${head}: nothing to deploy (it runs before ${writers} whenever they deploy, changed or not: docs/deploy.md#order)`,
    };
  return {
    skip: false,
    line: `${files.length} of its files changed between NX_BASE and NX_HEAD (${files[0]}${files.length > 1 ? '…' : ''})`,
  };
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

  // Only --dry-run may deploy nothing and pass; anything else needs what `cdk deploy` will use.
  if (!dryRun) {
    const credentials = await findAwsCredentials();
    if (!credentials.found) {
      process.stderr.write(
        `[deploy ${deployable}] no AWS credentials: the AWS SDK's default chain found none (it tried ${DEFAULT_CHAIN}: ${credentials.reason}); nothing was deployed. Set credentials (AWS_PROFILE, SSO, OIDC in CI), or check without them with --dry-run.\n`,
      );
      return 1;
    }
    say(`AWS credentials from the SDK's default chain (${credentials.source})`);
  }

  if (ifMissing) {
    if (dryRun) {
      say(`dry run: ${stack} would be deployed first if it does not exist yet.`);
      return 0;
    }
    if (await stackExists(stack)) {
      say(`${stack} exists: nothing to do.`);
      return 0;
    }
    say(`${stack} does not exist yet: deploying it first.`);
  }

  // Run as its Nx target, the deploy's dependsOn has run the readers' deploys first; run any other
  // way, nothing has, and it says so.
  const throughNx = process.env['NX_TASK_TARGET_PROJECT'] === `${deployable}-stack` && process.env['NX_TASK_TARGET_TARGET'] === 'deploy';
  if (!ifMissing && throughNx && writersFor(deployable).length > 0) {
    const scope = await readerScope(deployable, process.env);
    say(scope.line);
    if (scope.skip) return 0;
  }
  const order = ifMissing ? undefined : orderLine(deployable, throughNx);
  if (order) say(order);

  // One cloud assembly per deployable (`nx affected -t deploy` runs several in parallel), outside
  // dist/infra, which a rebuild of infra clears.
  const outdir = join(ROOT, 'dist', 'cdk', deployable);
  try {
    // Loaded only here: the CDK library takes a while to load, and a deploy that stops earlier
    // (no credentials, a reader with nothing to deploy, the shared stack's check) never needs it.
    const { buildStack } = await import('./app');
    buildStack(deployable, { outdir }).app.synth();
  } catch (error) {
    process.stderr.write(`[deploy ${deployable}] ${(error as Error).message}\n`);
    return 1;
  }
  const template = join(outdir, `${stack}.template.json`);
  const command = ['npx', 'cdk', 'deploy', stack, '--app', outdir, '--exclusively', '--require-approval', 'never'];

  if (dryRun) {
    say('dry run: nothing deployed.');
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
