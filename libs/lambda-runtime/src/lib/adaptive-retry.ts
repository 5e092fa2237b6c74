/**
 * The retry settings of every client of a control-plane API the functions and the CLI call in bursts
 * (CodePipeline, CloudFormation): the SDK's adaptive mode backs off and rate-limits itself on
 * ThrottlingException, within six attempts. `new CodePipelineClient(ADAPTIVE_RETRY)`.
 */
export const ADAPTIVE_RETRY = { retryMode: 'adaptive', maxAttempts: 6 } as const;
