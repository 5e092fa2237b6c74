export { startS3Server, S3RVER_CREDENTIALS } from './lib/s3-server';
export type { S3Server, S3ServerOptions, S3Request } from './lib/s3-server';
export { startRecordingServer } from './lib/recording-server';
export type { CannedResponse, RecordedRequest, RecordingServer, Responder } from './lib/recording-server';
export { startLocalCodePipeline } from './lib/local-codepipeline';
export type { LocalCodePipeline, RecordedStart } from './lib/local-codepipeline';
