export { startS3Server, S3RVER_CREDENTIALS, localS3ClientConfig } from './lib/s3-server';
export type { LocalS3ClientConfig, S3Server, S3ServerOptions, S3Request } from './lib/s3-server';
export { startRecordingServer } from './lib/recording-server';
export type { CannedResponse, RecordedRequest, RecordingServer, Responder } from './lib/recording-server';
export { LOCAL_ACCOUNT, LOCAL_REGION, NEXT_OUTCOME_PATH, REFUSE_STARTS_PATH, startLocalCodePipeline } from './lib/local-codepipeline';
export type {
  LocalCodePipeline,
  LocalCodePipelineOptions,
  LocalExecutionStatus,
  PipelineStateEvent,
  RecordedStart,
  RecordedStop,
} from './lib/local-codepipeline';
export { listenOnLoopback } from './lib/loopback';
export type { LoopbackServer } from './lib/loopback';
export { startProxy } from './lib/proxy';
export type { ProxyOptions } from './lib/proxy';
export { SQS_LIMITS, startLocalSqs } from './lib/local-sqs';
export type { LocalSqs, LocalSqsMessage } from './lib/local-sqs';
export { atLambdaCpu, lambdaCpuQuotaAvailable, withCompetingLoad } from './lib/lambda-cpu';
export type { CpuShare } from './lib/lambda-cpu';
export { startConditionalS3Proxy } from './lib/s3-conditional-proxy';
export type { ConditionalDecision, ConditionalS3Proxy } from './lib/s3-conditional-proxy';
export { startLocalCloudFormation } from './lib/local-cloudformation';
export type { LocalCloudFormation, LocalStack, LocalStackResource } from './lib/local-cloudformation';
export { startLocalSecretsManager } from './lib/local-secrets-manager';
export type { LocalSecretsManager } from './lib/local-secrets-manager';
export { invokeTooLarge, LAMBDA_LIMITS, startLocalLambda } from './lib/local-lambda';
export type { InvocationRecord, LocalLambda, LocalLambdaOptions } from './lib/local-lambda';
export { serveLambdaOverHttp, toHttpApiEvent } from './lib/lambda-http-server';
export type { LambdaHttpResponse, LocalFunctionUrl } from './lib/lambda-http-server';
