import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { NAMES } from '../names';

/** The config bucket every function shares: versioned, encrypted, private, oversized events expired. */
export class SharedStack extends Stack {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: StackProps & { eventsRetentionDays?: number; recordsRetentionDays?: number } = {}) {
    super(scope, id, props);
    this.bucket = new Bucket(this, 'ConfigBucket', {
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Trigger configs are what other teams' stacks created: keep them if this stack goes away.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          // Kept a day longer than a dead letter (14 days): a claim check replayed by `triggers redrive` still finds its event.
          id: 'expire-claim-checked-events',
          prefix: `${NAMES.eventsPrefix}/`,
          expiration: Duration.days(props.eventsRetentionDays ?? 15),
          noncurrentVersionExpiration: Duration.days(1),
        },
        { id: 'expire-old-config-versions', prefix: `${NAMES.configPrefix}/`, noncurrentVersionExpiration: Duration.days(90) },
        {
          // Recovery's ledger matters within GitHub's 3-day retention; a week covers it.
          id: 'expire-recovery-ledger',
          prefix: `${NAMES.recoveryPrefix}/`,
          expiration: Duration.days(7),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // `triggers why` answers for the last 90 days of pushes.
          id: 'expire-decision-records',
          prefix: `${NAMES.recordsPrefix}/`,
          expiration: Duration.days(props.recordsRetentionDays ?? 90),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
    new CfnOutput(this, 'ConfigBucketName', { value: this.bucket.bucketName, exportName: NAMES.bucketExport });
  }
}
