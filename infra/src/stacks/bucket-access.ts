import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

// Least privilege in the shared bucket: each function is granted only the prefixes it uses (objects
// under them, and listing limited to them), never the whole bucket.

/** `actions` on the objects under each of `prefixes` in `bucket`, and on no other object. */
export function onObjectsUnder(scope: Construct, bucket: string, actions: string[], prefixes: string[]): PolicyStatement {
  const { partition } = Stack.of(scope);
  return new PolicyStatement({ actions, resources: prefixes.map((prefix) => `arn:${partition}:s3:::${bucket}/${prefix}/*`) });
}

/** Listing `bucket`, only under `prefixes` (a missing object under them then reads as a 404, not a 403). */
export function listingUnder(scope: Construct, bucket: string, prefixes: string[]): PolicyStatement {
  return new PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [`arn:${Stack.of(scope).partition}:s3:::${bucket}`],
    conditions: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}/*`) } },
  });
}
