export { startS3Server, S3RVER_CREDENTIALS } from './lib/s3-server';
export type { S3Server, S3ServerOptions, S3Request } from './lib/s3-server';
