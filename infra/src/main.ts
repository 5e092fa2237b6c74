// CDK app entry point (`cdk --app 'node dist/infra/main.js'`); tools/deploy.mjs runs it too.
import { buildApp, infraOptionsFromEnv } from './app';

const { app } = buildApp({
  ...(process.env['CDK_OUTDIR'] ? { outdir: process.env['CDK_OUTDIR'] } : {}),
  ...infraOptionsFromEnv(),
  env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] ?? process.env['AWS_REGION'] },
});
app.synth();
