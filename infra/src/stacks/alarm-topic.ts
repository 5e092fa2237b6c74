import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ALARM_NAME_PREFIX } from '../alarm-names';
import { NAMES } from '../names';

/**
 * The SNS topic every alarm of every stack notifies, under its fixed name (the function stacks build
 * its ARN from it), encrypted, with an email subscription per address in cdk.json. A chat integration
 * (AWS Chatbot / Amazon Q Developer in chat applications) or any other subscriber subscribes to the
 * stack output that names it.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { emails: readonly string[] }) {
    super(scope, id);
    const stack = Stack.of(this);
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    // The topic's ARN from its name: the key's policy names the topic, which names the key.
    const topicArn = stack.formatArn({ service: 'sns', resource: NAMES.alarmTopic });
    // A key of its own: CloudWatch cannot publish to a topic encrypted with the AWS-managed aws/sns key,
    // whose policy nobody can change. Alarm messages are transient, so the key goes with the stack.
    const key = new Key(this, 'Key', {
      description: `Encrypts the ${NAMES.alarmTopic} SNS topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsEncryptForTheAlarmTopic',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      topicName: NAMES.alarmTopic,
      displayName: 'monorepo-triggers alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one: CloudWatch may publish for this account's alarms of ours only.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${ALARM_NAME_PREFIX}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
  }
}
