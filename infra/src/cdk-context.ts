import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './workspace-root';

/**
 * The context of the workspace's cdk.json (the CDK feature flags, pinned to the recommended values
 * of the aws-cdk-lib in use). The cdk CLI passes it to the app; a deploy that synthesises in-process
 * passes it itself, so both produce the same templates.
 */
export function cdkContext(root = workspaceRoot()): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}
