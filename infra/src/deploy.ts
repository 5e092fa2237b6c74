// Deploys one stack: `node dist/infra/deploy.js <shared|webhook|eval|cfresource> [--dry-run]`.
// Synthesises the CDK app, then runs `cdk deploy <stack> --exclusively`. Without AWS credentials, or
// with --dry-run, it prints the exact command and the synthesised template instead, and exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildApp, infraOptionsFromEnv } from './app';
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

function main(argv: string[]): number {
  const deployable = argv.find((a) => !a.startsWith('-')) as Deployable | undefined;
  const dryRun = argv.some((a) => a === '--dry-run' || a === '--dry-run=true' || a === '--dryRun=true');
  if (!deployable || !(deployable in STACK_BY_DEPLOYABLE)) {
    process.stderr.write(`usage: deploy.js <${Object.keys(STACK_BY_DEPLOYABLE).join('|')}> [--dry-run]\n`);
    return 2;
  }
  const stack = STACK_BY_DEPLOYABLE[deployable];
  // One cloud assembly per deployable: `nx affected -t deploy` runs several deploys in parallel.
  const outdir = join(ROOT, 'dist', 'infra', `cdk.out.${deployable}`);
  buildApp({ outdir, ...infraOptionsFromEnv() }).app.synth();
  const template = join(outdir, `${stack}.template.json`);
  const command = ['npx', 'cdk', 'deploy', stack, '--app', outdir, '--exclusively', '--require-approval', 'never'];

  const credentials = hasAwsCredentials();
  if (dryRun || !credentials) {
    const why = dryRun ? 'dry run' : 'no AWS credentials found (set AWS_PROFILE, or run in CI with OIDC)';
    process.stdout.write(`[deploy ${deployable}] ${why}: nothing deployed.\n`);
    process.stdout.write(`[deploy ${deployable}] would run: ${command.join(' ')}\n`);
    process.stdout.write(`[deploy ${deployable}] synthesised template ${template}:\n${readFileSync(template, 'utf8')}\n`);
    return 0;
  }
  process.stdout.write(`[deploy ${deployable}] ${command.join(' ')}\n`);
  const result = spawnSync(command[0] as string, command.slice(1), { stdio: 'inherit', cwd: ROOT });
  return result.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
