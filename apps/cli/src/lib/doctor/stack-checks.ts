import {
  CloudFormationClient,
  ListStackResourcesCommand,
  ListStacksCommand,
  StackStatus,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { mapLimit } from '@monorepo-triggers/lambda-runtime';
import type { InvalidConfig, StoredConfig } from '@monorepo-triggers/s3-config-store';
import type { Finding } from './findings';

const TRIGGER_TYPE = 'Custom::PipelineTrigger';

/** A `Custom::PipelineTrigger` resource of a live stack, as CloudFormation lists it. */
export interface TriggerResource {
  stackId: string;
  stackName: string;
  logicalResourceId: string;
  physicalResourceId?: string;
  resourceStatus: string;
}

/** What a sweep found: the live stacks (id → name) and their trigger resources. */
export interface StackSweep {
  stacks: Map<string, string>;
  triggers: TriggerResource[];
  /**
   * `arn:<partition>:cloudformation:<region>:<account>:`, the account and region swept: an owner
   * elsewhere cannot be judged from here (undefined: judge every owner).
   */
  scope?: string;
}

/** The `arn:<partition>:cloudformation:<region>:<account>:` of a stack id. */
export const stackScopeOf = (stackId: string) => /^(arn:[^:]+:cloudformation:[^:]*:[^:]*:)/.exec(stackId)?.[1];

/** Every status but DELETE_COMPLETE: the stacks that exist. */
const LIVE = Object.values(StackStatus).filter((status) => status !== StackStatus.DELETE_COMPLETE);

/**
 * Every trigger resource of every live stack in the account and region: ListStacks, then
 * ListStackResources of each (four at a time; the SDK's adaptive retry takes CloudFormation's
 * throttling). One sweep answers both questions below without a call per config.
 */
export async function sweepTriggerResources(client: CloudFormationClient, knownScope?: string): Promise<StackSweep> {
  const stacks: { stackId: string; stackName: string }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListStacksCommand({ StackStatusFilter: LIVE, ...(token ? { NextToken: token } : {}) }));
    for (const summary of page.StackSummaries ?? [])
      if (summary.StackId && summary.StackName) stacks.push({ stackId: summary.StackId, stackName: summary.StackName });
    token = page.NextToken;
  } while (token);
  const perStack = await mapLimit(stacks, 4, async ({ stackId, stackName }) => {
    const resources: StackResourceSummary[] = [];
    let next: string | undefined;
    do {
      const page = await client.send(new ListStackResourcesCommand({ StackName: stackId, ...(next ? { NextToken: next } : {}) }));
      resources.push(...(page.StackResourceSummaries ?? []));
      next = page.NextToken;
    } while (next);
    return resources
      .filter((r) => r.ResourceType === TRIGGER_TYPE && r.LogicalResourceId)
      .map((r): TriggerResource => ({
        stackId,
        stackName,
        logicalResourceId: r.LogicalResourceId as string,
        ...(r.PhysicalResourceId ? { physicalResourceId: r.PhysicalResourceId } : {}),
        resourceStatus: r.ResourceStatus ?? '',
      }));
  });
  const scope = knownScope ?? (stacks[0] ? stackScopeOf(stacks[0].stackId) : undefined);
  return {
    stacks: new Map(stacks.map((stack) => [stack.stackId, stack.stackName])),
    triggers: perStack.flat(),
    ...(scope ? { scope } : {}),
  };
}

/**
 * Drift between the stacks and the bucket, both ways:
 * - a config whose owner (the stack resource that wrote it) is gone, or now owns another key:
 *   it starts pipelines for a stack nobody deploys any more (orphaned-config);
 * - a trigger resource whose config is not in the bucket (deleted by hand): its pipeline no longer
 *   starts though its stack says it should (config-deleted-by-hand).
 * A resource being created, updated or deleted right now is left alone: CloudFormation is at work.
 */
export function stackFindings(
  { stacks: stackNames, triggers, scope }: StackSweep,
  configs: readonly (StoredConfig | InvalidConfig)[],
  isConfigKey: (key: string) => boolean,
): Finding[] {
  const findings: Finding[] = [];
  // A resource CloudFormation deleted (in a stack that rolled back, say) owns nothing any more.
  const byOwner = new Map(
    triggers.filter((t) => t.resourceStatus !== 'DELETE_COMPLETE').map((t) => [`${t.stackId} ${t.logicalResourceId}`, t]),
  );
  const stored = new Set(configs.map((c) => c.key));
  for (const config of configs) {
    const owner = 'config' in config ? config.config.owner : config.owner;
    if (!owner) continue;
    // A stack of another account or region is not in this sweep: gone or not, it cannot be told from here.
    if (scope !== undefined && stackScopeOf(owner.stackId) !== scope) continue;
    const resource = byOwner.get(`${owner.stackId} ${owner.logicalResourceId}`);
    const stackName = stackNames.get(owner.stackId) ?? owner.stackId.split('/')[1] ?? owner.stackId;
    if (!resource)
      findings.push({
        kind: 'orphaned-config',
        subject: config.key,
        detail: stackNames.has(owner.stackId)
          ? `stack ${stackName} has no trigger ${owner.logicalResourceId} any more`
          : `its stack ${stackName} no longer exists (${owner.stackId})`,
      });
    else if (resource.physicalResourceId !== config.key && !resource.resourceStatus.endsWith('_IN_PROGRESS'))
      findings.push({
        kind: 'orphaned-config',
        subject: config.key,
        detail: `stack ${stackName}'s trigger ${owner.logicalResourceId} now owns ${resource.physicalResourceId ?? 'no config'}`,
      });
  }
  for (const trigger of triggers) {
    const key = trigger.physicalResourceId;
    if (!key || !isConfigKey(key) || stored.has(key)) continue;
    if (trigger.resourceStatus.endsWith('_IN_PROGRESS') || trigger.resourceStatus.startsWith('DELETE')) continue;
    findings.push({
      kind: 'config-deleted-by-hand',
      subject: `${trigger.stackName} ${trigger.logicalResourceId}`,
      detail: `its config ${key} is not in the bucket (${trigger.resourceStatus})`,
    });
  }
  return findings;
}
