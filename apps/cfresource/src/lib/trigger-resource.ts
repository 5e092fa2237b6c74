import { ConfigValidationError, formatIssues, parseCfnProperties, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { pipelineArnPrefixOf, type PipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import { ConfigConflictError, type InvalidConfig, type S3ConfigStore, type StoredConfig } from '@monorepo-triggers/s3-config-store';
import { callerRefusal, type StackRecords } from './caller-check';
import type { CfnRequest, ResourceOutcome } from './cfn-request.schema';
import { CREATE_FAILED_ID } from './trigger-resource-ids';

/** The store operations the resource needs. */
export type TriggerStore = Pick<S3ConfigStore, 'keyFor' | 'uriFor' | 'isConfigKey' | 'getKey' | 'put' | 'deleteKey'>;

/** What a request is checked against before anything is written: CloudFormation and CodePipeline. */
export interface TriggerChecks {
  stacks: StackRecords;
  entitlements: PipelineEntitlements;
}

type Owner = NonNullable<TriggerConfig['owner']>;

/**
 * Physical id of a Create that failed before writing anything. It is not a config key, so the Delete
 * CloudFormation sends while rolling back touches nothing.
 */
export { CREATE_FAILED_ID };

const describeOwner = (owner: Owner | undefined) =>
  owner ? `${owner.logicalResourceId} in stack ${owner.stackId}` : 'no stack (it was written by hand or with the triggers CLI)';
const sameOwner = (a: Owner | undefined, b: Owner) => !!a && a.stackId === b.stackId && a.logicalResourceId === b.logicalResourceId;
const isStored = (value: unknown): value is StoredConfig => !!value && typeof value === 'object' && 'config' in value;
/** The owner an existing object names, valid or not: a stack may always repair or remove its own config. */
const ownerOf = (existing: StoredConfig | InvalidConfig) => (isStored(existing) ? existing.config.owner : existing.owner);

/**
 * Creates, updates or deletes the trigger configuration a `Custom::PipelineTrigger` describes, once
 * CloudFormation confirms the request is its own (a request that would change nothing is answered
 * without asking).
 */
export async function applyRequest(request: CfnRequest, store: TriggerStore, checks: TriggerChecks): Promise<ResourceOutcome> {
  const owner: Owner = { stackId: request.StackId, logicalResourceId: request.LogicalResourceId };
  const idOnFailure = request.RequestType === 'Create' ? CREATE_FAILED_ID : request.PhysicalResourceId;
  const changesNothing =
    request.RequestType === 'Delete' && (request.PhysicalResourceId === CREATE_FAILED_ID || !store.isConfigKey(request.PhysicalResourceId));
  if (!changesNothing) {
    const refusal = callerRefusal(request, await checks.stacks.describe(request.StackId, request.LogicalResourceId));
    if (refusal) return { status: 'FAILED', reason: `Refused: ${refusal}. Nothing was changed.`, physicalResourceId: idOnFailure };
  }
  switch (request.RequestType) {
    case 'Create':
    case 'Update':
      // A resource whose Create failed has no config yet; anything else keeps its id if the update fails.
      return write(request.ResourceProperties, owner, store, idOnFailure, (pipeline, repository) =>
        checks.entitlements.check(pipelineArnPrefixOf(request.StackId) ?? '', pipeline, { repository, ownerStackId: request.StackId }),
      );
    case 'Delete':
      return remove(request.PhysicalResourceId, owner, store);
  }
}

/**
 * Validates the properties and writes the config, refusing to take over one that another stack
 * resource (or a person) owns. On failure the answer keeps `idOnFailure`, and nothing is written.
 */
async function write(
  properties: unknown,
  owner: Owner,
  store: TriggerStore,
  idOnFailure: string,
  entitled: (pipeline: string, repository: string) => ReturnType<PipelineEntitlements['check']>,
): Promise<ResourceOutcome> {
  const parsed = parseCfnProperties(properties, owner);
  if (!parsed.ok)
    return {
      status: 'FAILED',
      reason: `Invalid Custom::PipelineTrigger properties: ${formatIssues(parsed.issues)}`,
      physicalResourceId: idOnFailure,
    };
  // The pipeline must agree to be started by this repository (its monorepo-triggers:repository tag).
  const entitlement = await entitled(parsed.value.pipelineName, parsed.value.repository);
  if (!entitlement.entitled)
    return { status: 'FAILED', reason: `Not allowed: ${entitlement.reason}. Nothing was written.`, physicalResourceId: idOnFailure };
  const key = store.keyFor(parsed.value.repository, parsed.value.pipelineName);
  const existing = await store.getKey(key);
  if (existing) {
    const existingOwner = ownerOf(existing);
    if (!sameOwner(existingOwner, owner)) {
      const held = isStored(existing) || existingOwner ? describeOwner(existingOwner) : 'an invalid object that no stack owns';
      return {
        status: 'FAILED',
        reason: `A trigger for ${parsed.value.repository} / ${parsed.value.pipelineName} already exists at ${store.uriFor(key)}, owned by ${held}. Remove it there, or use another PipelineName.`,
        physicalResourceId: idOnFailure,
      };
    }
  }
  // Atomic with what was just read: create only if still absent, replace only the version read.
  // A lost race is a FAILED that names it, never two owners.
  let stored: StoredConfig;
  try {
    stored = await store.put(parsed.value, existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' });
  } catch (error) {
    // A format the deployed eval or statuses could not decide with (the store asks them first).
    if (error instanceof ConfigValidationError)
      return { status: 'FAILED', reason: `Refused: ${formatIssues(error.issues)}. Nothing was written.`, physicalResourceId: idOnFailure };
    if (!(error instanceof ConfigConflictError)) throw error;
    return {
      status: 'FAILED',
      reason: `${store.uriFor(key)} ${existing ? 'was changed by someone else while this update ran' : 'was created by someone else at the same moment'}; nothing was written. Retry the deployment to see who owns it now.`,
      physicalResourceId: idOnFailure,
    };
  }
  return {
    status: 'SUCCESS',
    reason: `Wrote ${store.uriFor(stored.key)}`,
    physicalResourceId: stored.key,
    data: { ConfigKey: stored.key, ConfigUri: store.uriFor(stored.key) },
    changed: 'written',
  };
}

/** Deletes the config if it is ours; anything else (a marker id, a missing or foreign object) succeeds untouched. */
async function remove(physicalResourceId: string, owner: Owner, store: TriggerStore): Promise<ResourceOutcome> {
  const keep = (reason: string): ResourceOutcome => ({ status: 'SUCCESS', reason, physicalResourceId });
  // Checked before the store, so a rollback succeeds even when the store cannot be reached or configured.
  if (physicalResourceId === CREATE_FAILED_ID) return keep('Nothing to delete: the Create had failed before writing anything');
  if (!store.isConfigKey(physicalResourceId)) return keep(`Nothing to delete: ${physicalResourceId} is not a trigger config key`);
  // Deletes exactly the version whose owner was checked; if it changes in between, look again.
  for (let attempt = 1; ; attempt++) {
    const existing = await store.getKey(physicalResourceId);
    if (!existing) return keep(`Nothing to delete: ${store.uriFor(physicalResourceId)} does not exist`);
    const existingOwner = ownerOf(existing);
    if (!sameOwner(existingOwner, owner)) {
      return keep(
        `Left ${store.uriFor(physicalResourceId)} in place: it is owned by ${isStored(existing) || existingOwner ? describeOwner(existingOwner) : 'no stack (invalid object)'}`,
      );
    }
    try {
      await store.deleteKey(physicalResourceId, { ifMatch: existing.etag });
      return { ...keep(`Deleted ${store.uriFor(physicalResourceId)}`), changed: 'deleted' };
    } catch (error) {
      if (!(error instanceof ConfigConflictError) || attempt === 3) throw error;
    }
  }
}
