import { ENTITLEMENT_TAG } from '@monorepo-triggers/config-schema';
import { startLocalCodePipeline, type LocalCodePipeline, type PipelineStateEvent, type RecordedStart } from '@monorepo-triggers/local-aws';
import type { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { appendFileSync } from 'node:fs';

export interface LocalPipelinesOptions {
  /** Access key id → the principal CodePipeline records as an execution's starter (eval's role session). */
  principals: Record<string, string>;
  /** Each execution state change, as EventBridge delivers it (to the statuses function). */
  onEvent: (event: PipelineStateEvent) => Promise<void>;
}

/**
 * The local CodePipeline step: every pipeline that has a config in `store` exists and agrees to be
 * started by its repository; each start is appended to `executionsFile` as one JSON line. Each
 * execution then ends on its own, Succeeded unless `triggers send --fail` said otherwise, and its
 * state changes go to `onEvent`.
 */
export function startLocalPipelines(
  store: Pick<S3ConfigStore, 'list'>,
  executionsFile: string,
  options: LocalPipelinesOptions,
): Promise<LocalCodePipeline> {
  return startLocalCodePipeline({
    pipelines: async (name) => {
      const config = (await store.list()).configs.find((c) => c.config.pipelineName === name);
      return config ? { [ENTITLEMENT_TAG]: config.config.repository } : undefined;
    },
    onStart: (start: RecordedStart) => {
      appendFileSync(executionsFile, JSON.stringify({ time: new Date().toISOString(), ...start }) + '\n');
    },
    principals: options.principals,
    onEvent: options.onEvent,
    settle: true,
  });
}
