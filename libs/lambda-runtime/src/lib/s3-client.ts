import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * An S3 client for the config bucket. The endpoint comes from the SDK's own `AWS_ENDPOINT_URL_S3`;
 * checksums are computed only when S3 requires them, which S3-compatible servers (s3rver) and
 * pre-signed URLs need, and which costs nothing on AWS for these small objects.
 */
export function createS3Client(options: { forcePathStyle: boolean } & Partial<S3ClientConfig>): S3Client {
  return new S3Client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...options,
  });
}
