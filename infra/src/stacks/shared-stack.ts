import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { NAMES } from '../names';
import { AlarmTopic } from './alarm-topic';
import { OperationsDashboard } from './operations-dashboard';

export interface SharedStackProps extends StackProps {
  eventsRetentionDays?: number;
  recordsRetentionDays?: number;
  /** Addresses the alarm topic emails (cdk.json monorepo-triggers:alarmEmails). */
  alarmEmails?: readonly string[];
}

/**
 * What every function shares, deployed first: the config bucket (versioned, encrypted, private,
 * oversized events expired), the topic every alarm notifies, and the dashboard of them all.
 */
export class SharedStack extends Stack {
  readonly bucket: Bucket;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: SharedStackProps = {}) {
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
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { emails: props.alarmEmails ?? [] });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topic.topicArn,
      description:
        'Every alarm notifies this SNS topic: subscribe a chat integration (AWS Chatbot / Amazon Q Developer in chat applications) or any SNS subscriber to it; emails: cdk.json monorepo-triggers:alarmEmails (docs/operations.md)',
    });
    new OperationsDashboard(this, 'Operations');
  }
}
