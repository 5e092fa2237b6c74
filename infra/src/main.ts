// The CDK app the cdk CLI runs (cdk.json: `npx cdk synth`, `npx cdk diff`): every stack. It builds the
// bundles first through Nx; run directly, a missing bundle is one line naming the build to run.
// Like every deploy, it synthesises environment-agnostic stacks (the account and region come from the
// credentials at deploy time), so `cdk diff` compares what a deploy would really send.
import { buildApp } from './app';

try {
  const { app } = buildApp(process.env['CDK_OUTDIR'] ? { outdir: process.env['CDK_OUTDIR'] } : {});
  app.synth();
} catch (error) {
  process.stderr.write(`infra: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
