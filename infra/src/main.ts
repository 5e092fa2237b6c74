// The CDK app the cdk CLI runs (cdk.json: `npx cdk synth`, `npx cdk diff`): every stack. It builds the
// bundles first through Nx; run directly, a missing bundle is one line naming the build to run.
import { buildApp, infraOptionsFromEnv } from './app';

try {
  const { app } = buildApp({
    ...(process.env['CDK_OUTDIR'] ? { outdir: process.env['CDK_OUTDIR'] } : {}),
    ...infraOptionsFromEnv(),
    env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] ?? process.env['AWS_REGION'] },
  });
  app.synth();
} catch (error) {
  process.stderr.write(`infra: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
