import { randomUUID } from 'node:crypto';
import { startRecordingServer, type CannedResponse, type RecordingServer } from './recording-server';

/** One pipeline execution the local CodePipeline started. */
export interface RecordedStart {
  pipelineName: string;
  executionId: string;
  clientRequestToken: string;
  variables: { name: string; value: string }[];
  sourceRevisions?: { actionName: string; revisionType: string; revisionValue: string }[];
}

export interface LocalCodePipeline {
  readonly endpoint: string;
  /** Executions started, one per distinct clientRequestToken, in order. */
  readonly starts: RecordedStart[];
  /** Every StartPipelineExecution request received, retries and duplicates included. */
  readonly requests: RecordingServer['requests'];
  /** Answers `times` requests for `pipelineName` with an error (`Infinity`: always). */
  fail(pipelineName: string, error: { status: number; type: string; times?: number }): void;
  /** Forgets failures, starts and requests. */
  reset(): void;
  stop(): Promise<void>;
}

/**
 * A local stand-in for CodePipeline's StartPipelineExecution (JSON 1.1 protocol), for the real
 * `@aws-sdk/client-codepipeline` through `AWS_ENDPOINT_URL_CODEPIPELINE`. Like CodePipeline, a request
 * with a clientRequestToken it has seen returns the same execution instead of starting another.
 */
export async function startLocalCodePipeline(options: { port?: number; onStart?: (start: RecordedStart) => void } = {}): Promise<LocalCodePipeline> {
  const starts: RecordedStart[] = [];
  const byToken = new Map<string, RecordedStart>();
  const failures = new Map<string, { status: number; type: string; times: number }>();
  const server = await startRecordingServer((request): CannedResponse => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target !== 'CodePipeline_20150709.StartPipelineExecution') {
      return { status: 400, body: { __type: 'UnknownOperationException', message: target } };
    }
    const body = request.json as Omit<RecordedStart, 'executionId' | 'pipelineName'> & { name: string };
    const failure = failures.get(body.name);
    if (failure && failure.times > 0) {
      failure.times--;
      return { status: failure.status, headers: { 'x-amzn-errortype': failure.type }, body: { __type: failure.type, message: `local CodePipeline: ${failure.type}` } };
    }
    const token = body.clientRequestToken ?? randomUUID();
    let start = byToken.get(token);
    if (!start) {
      start = {
        pipelineName: body.name,
        executionId: randomUUID(),
        clientRequestToken: token,
        variables: body.variables ?? [],
        ...(body.sourceRevisions ? { sourceRevisions: body.sourceRevisions } : {}),
      };
      byToken.set(token, start);
      starts.push(start);
      options.onStart?.(start);
    }
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: { pipelineExecutionId: start.executionId } };
  }, options.port);
  return {
    endpoint: server.endpoint,
    starts,
    requests: server.requests,
    fail(pipelineName, error) {
      failures.set(pipelineName, { status: error.status, type: error.type, times: error.times ?? Infinity });
    },
    reset() {
      starts.length = 0;
      byToken.clear();
      failures.clear();
      server.requests.length = 0;
    },
    stop: () => server.stop(),
  };
}
