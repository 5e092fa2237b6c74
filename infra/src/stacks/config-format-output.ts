import { CfnOutput } from 'aws-cdk-lib';
import { CONFIG_FORMAT } from '@monorepo-triggers/config-schema';
import type { Construct } from 'constructs';
import { NAMES } from '../names';

// Apart from function-defaults, like tagged-pipelines: only the stacks of config readers load the
// config-schema constant, so a config-schema change never redeploys the webhook stack.

/**
 * The stack output naming the trigger config format the stack's function reads (CONFIG_FORMAT of the
 * code it deploys): what cfresource and `triggers put` check before writing a later format, so a
 * writer never writes what a deployed reader cannot decide with. CloudFormation's, so a rollback of
 * the reader rolls it back too (docs/upgrading.md).
 */
export function announceConfigFormat(scope: Construct): void {
  new CfnOutput(scope, NAMES.configFormatOutput, {
    value: String(CONFIG_FORMAT),
    description: 'The trigger config format this function reads: writers check it before writing a later one (docs/upgrading.md)',
  });
}
