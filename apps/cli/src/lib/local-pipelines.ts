import { ENTITLEMENT_TAG } from '@monorepo-triggers/config-schema';
import { startLocalCodePipeline, type LocalCodePipeline, type RecordedStart } from '@monorepo-triggers/local-aws';
import type { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { appendFileSync } from 'node:fs';

/**
 * The local CodePipeline step: every pipeline that has a config in `store` exists and agrees to be
 * started by its repository; each start is appended to `executionsFile` as one JSON line.
 */
export function startLocalPipelines(store: Pick<S3ConfigStore, 'list'>, executionsFile: string): Promise<LocalCodePipeline> {
  return startLocalCodePipeline({
    pipelines: async (name) => {
      const config = (await store.list()).configs.find((c) => c.config.pipelineName === name);
      return config ? { [ENTITLEMENT_TAG]: config.config.repository } : undefined;
    },
    onStart: (start: RecordedStart) => {
      appendFileSync(executionsFile, JSON.stringify({ time: new Date().toISOString(), ...start }) + '\n');
    },
  });
}
