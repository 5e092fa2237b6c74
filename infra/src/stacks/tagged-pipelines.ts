import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ENTITLEMENT_TAG } from '@monorepo-triggers/config-schema';
import type { Construct } from 'constructs';
import { pipelineArnPrefix } from './function-defaults';

// Apart from function-defaults: only the stacks that act on pipelines by their tag load the
// config-schema constant, so a config-schema change never redeploys the webhook stack.

/**
 * `actions` on the account's pipelines that carry the entitlement tag only: AWS itself refuses the
 * others, whatever the function's code does.
 */
export function onTaggedPipelines(scope: Construct, actions: string[]): PolicyStatement {
  return new PolicyStatement({
    actions,
    resources: [`${pipelineArnPrefix(scope)}*`],
    conditions: { Null: { [`aws:ResourceTag/${ENTITLEMENT_TAG}`]: 'false' } },
  });
}
