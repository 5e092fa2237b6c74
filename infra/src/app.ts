import { App, type Environment } from 'aws-cdk-lib';
import { NAMES } from './names';
import { CfResourceStack } from './stacks/cfresource-stack';
import { EvalStack } from './stacks/eval-stack';
import { SharedStack } from './stacks/shared-stack';
import { WebhookStack } from './stacks/webhook-stack';

export interface InfraOptions {
  outdir?: string;
  env?: Environment;
  /** Secrets Manager name of a GitHub token for eval's compare API calls (optional). */
  githubTokenSecretName?: string;
}

/** The CDK app: one stack per deployable plus the shared one. */
export function buildApp(options: InfraOptions = {}) {
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}) });
  const env = options.env;
  const stacks = {
    shared: new SharedStack(app, NAMES.sharedStack, { env }),
    eval: new EvalStack(app, NAMES.evalStack, { env, ...(options.githubTokenSecretName ? { githubTokenSecretName: options.githubTokenSecretName } : {}) }),
    webhook: new WebhookStack(app, NAMES.webhookStack, { env }),
    cfresource: new CfResourceStack(app, NAMES.cfresourceStack, { env }),
  };
  return { app, stacks };
}
