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
  /** Every request received, ListTagsForResource included. */
  readonly allRequests: RecordingServer['requests'];
  /**
   * Answers `times` requests for `pipelineName` with an error (`Infinity`: always); by default
   * StartPipelineExecution requests, or ListTagsForResource ones with `operation`.
   */
  fail(
    pipelineName: string,
    error: { status: number; type: string; times?: number; operation?: 'StartPipelineExecution' | 'ListTagsForResource' },
  ): void;
  /** Forgets failures, starts and requests. */
  reset(): void;
  stop(): Promise<void>;
}

export interface LocalCodePipelineOptions {
  port?: number;
  onStart?: (start: RecordedStart) => void;
  /**
   * The pipelines that exist and their tags (undefined: no such pipeline). By default every pipeline
   * exists and carries `monorepo-triggers:repository` = `repository`.
   */
  pipelines?: (name: string) => Record<string, string> | undefined | Promise<Record<string, string> | undefined>;
  /** The repository the default pipelines agree to be started by (default acme/platform). */
  repository?: string;
  /**
   * A tag a pipeline must carry to be started, as eval's IAM policy demands (a condition on
   * aws:ResourceTag): without it StartPipelineExecution is refused with AccessDeniedException.
   */
  requireTag?: string;
  /** Tags per ListTagsForResource page (default 50, a pipeline's maximum): smaller forces paging. */
  tagPageSize?: number;
}

const json = (body: object): CannedResponse => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body });
const error = (type: string, message: string): CannedResponse => ({
  status: 400,
  headers: { 'x-amzn-errortype': type },
  body: { __type: type, message },
});

/**
 * A local stand-in for CodePipeline (JSON 1.1 protocol) for the real `@aws-sdk/client-codepipeline`
 * through `AWS_ENDPOINT_URL_CODEPIPELINE`: StartPipelineExecution, which, like CodePipeline, answers a
 * clientRequestToken it has seen with the same execution instead of starting another, and refuses a
 * pipeline that does not exist or lacks the tag eval's IAM policy requires; ListTagsForResource.
 */
export async function startLocalCodePipeline(options: LocalCodePipelineOptions = {}): Promise<LocalCodePipeline> {
  const starts: RecordedStart[] = [];
  const byToken = new Map<string, RecordedStart>();
  const failures = new Map<string, { status: number; type: string; times: number }>();
  const failure = (operation: string, pipelineName: string): CannedResponse | undefined => {
    const planned = failures.get(`${operation} ${pipelineName}`);
    if (!planned || planned.times <= 0) return undefined;
    planned.times--;
    return {
      status: planned.status,
      headers: { 'x-amzn-errortype': planned.type },
      body: { __type: planned.type, message: `local CodePipeline: ${planned.type}` },
    };
  };
  const tagsOf: NonNullable<LocalCodePipelineOptions['pipelines']> =
    options.pipelines ?? (() => ({ 'monorepo-triggers:repository': options.repository ?? 'acme/platform' }));
  const server = await startRecordingServer(async (request): Promise<CannedResponse> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target === 'CodePipeline_20150709.ListTagsForResource') {
      const { resourceArn, nextToken, maxResults } = request.json as { resourceArn: string; nextToken?: string; maxResults?: number };
      const name = resourceArn.split(':').pop() ?? '';
      const failed = failure('ListTagsForResource', name);
      if (failed) return failed;
      const tags = await tagsOf(name);
      if (!tags) return error('ResourceNotFoundException', `The resource with the ARN ${resourceArn} does not exist.`);
      const all = Object.entries(tags).map(([key, value]) => ({ key, value }));
      const from = Number(nextToken ?? 0);
      const to = from + Math.min(maxResults ?? Infinity, options.tagPageSize ?? 50);
      return json({ tags: all.slice(from, to), ...(to < all.length ? { nextToken: String(to) } : {}) });
    }
    if (target !== 'CodePipeline_20150709.StartPipelineExecution') {
      return { status: 400, body: { __type: 'UnknownOperationException', message: target } };
    }
    const body = request.json as Omit<RecordedStart, 'executionId' | 'pipelineName'> & { name: string };
    const tags = await tagsOf(body.name);
    if (!tags) return error('PipelineNotFoundException', `Pipeline with name '${body.name}' not found`);
    if (options.requireTag && tags[options.requireTag] === undefined) {
      return error(
        'AccessDeniedException',
        `User is not authorized to perform: codepipeline:StartPipelineExecution on resource: ${body.name} because no identity-based policy allows the codepipeline:StartPipelineExecution action`,
      );
    }
    const failed = failure('StartPipelineExecution', body.name);
    if (failed) return failed;
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
    return json({ pipelineExecutionId: start.executionId });
  }, options.port);
  return {
    endpoint: server.endpoint,
    starts,
    get requests() {
      return server.requests.filter((r) => r.headers['x-amz-target'] === 'CodePipeline_20150709.StartPipelineExecution');
    },
    allRequests: server.requests,
    fail(pipelineName, error) {
      failures.set(`${error.operation ?? 'StartPipelineExecution'} ${pipelineName}`, {
        status: error.status,
        type: error.type,
        times: error.times ?? Infinity,
      });
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
