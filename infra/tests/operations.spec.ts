import { Template } from 'aws-cdk-lib/assertions';
import { METRICS } from '@monorepo-triggers/lambda-runtime/metric-names';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, infraSettings, SETTING_KEYS } from '../src/app';
import { workspaceRoot } from '../src/workspace-root';

// What an operator relies on: every alarm reaches someone, means what docs/operations.md says, and
// shows on the one dashboard. Expected values are written out here, not read from the stacks' code.

const env = { account: '123456789012', region: 'eu-west-1' };
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:monorepo-triggers-alarms';
const STACKS = ['shared', 'webhook', 'eval', 'cfresource', 'statuses', 'reconcile'] as const;
type StackKey = (typeof STACKS)[number];

/** Each stack's template, for one set of settings (one synthesis each: CDK apps are slow to build). */
function templatesOf(options: Parameters<typeof buildApp>[0]): Record<StackKey, Template> {
  const { stacks } = buildApp({ env, ...options });
  return Object.fromEntries(STACKS.map((key) => [key, Template.fromStack(stacks[key])])) as Record<StackKey, Template>;
}
const templates = templatesOf({});
// Other settings make other resources (a schedule on, credentials read, addresses subscribed): the alarms must not change with them.
const configured = templatesOf({
  githubAppSecretName: 'ci/github-app',
  reconcileHooks: ['app', 'org:acme:42'],
  evalMemorySize: 1024,
  alarmEmails: ['oncall@example.com', 'platform-team@example.com'],
});

type Resource = { Type: string; Properties: Record<string, unknown> };
type AlarmProperties = {
  AlarmName: string;
  AlarmDescription: string;
  AlarmActions?: unknown[];
  OKActions?: unknown[];
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  Period?: number;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  TreatMissingData?: string;
  Metrics?: {
    Id: string;
    Expression?: string;
    ReturnData?: boolean;
    MetricStat?: {
      Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
      Period: number;
      Stat: string;
    };
  }[];
};

/** Every alarm of a stack's template, with a resolver for the Refs and GetAtts its dimensions hold. */
function alarmsOf(template: Template): { stackResources: Record<string, Resource>; alarms: AlarmProperties[] } {
  const stackResources = template.toJSON()['Resources'] as Record<string, Resource>;
  const alarms = Object.values(stackResources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties as unknown as AlarmProperties);
  return { stackResources, alarms };
}

/** A dimension's value as deployed: a function's or queue's fixed name where the template refers to the resource. */
function dimensionValue(value: unknown, resources: Record<string, Resource>): unknown {
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return resources[ref]?.Properties['FunctionName'];
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt?.[1] === 'QueueName') return resources[getAtt[0]]?.Properties['QueueName'];
  return value;
}

const allAlarms = (set: Record<StackKey, Template>) =>
  STACKS.flatMap((stack) => alarmsOf(set[stack]).alarms.map((alarm) => ({ stack, alarm, resources: alarmsOf(set[stack]).stackResources })));

describe('the alarm topic', () => {
  it('every alarm of every stack tells the topic when it fires and when it is OK again', () => {
    for (const set of [templates, configured]) {
      const alarms = allAlarms(set);
      expect(alarms.length).toBe(20);
      for (const { alarm } of alarms)
        expect({ name: alarm.AlarmName, alarm: alarm.AlarmActions, ok: alarm.OKActions }).toEqual({
          name: alarm.AlarmName,
          alarm: [TOPIC_ARN],
          ok: [TOPIC_ARN],
        });
    }
  });

  it("is the shared stack's, under the name the alarms use, encrypted with a key CloudWatch may use for it alone", () => {
    const shared = templates.shared;
    shared.resourceCountIs('AWS::SNS::Topic', 1);
    const [topicId, topic] = Object.entries(shared.findResources('AWS::SNS::Topic'))[0] as [string, Resource];
    expect(topic.Properties['TopicName']).toBe('monorepo-triggers-alarms');
    // A key of the stack's own (aws/sns would not let CloudWatch publish).
    const keyRef = (topic.Properties['KmsMasterKeyId'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const key = shared.toJSON()['Resources'][keyRef[0]] as Resource;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties['EnableKeyRotation']).toBe(true);
    const keyStatements = (key.Properties['KeyPolicy'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(keyStatements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': TOPIC_ARN } },
      }),
    );
    // The topic policy lets CloudWatch publish for this account's monorepo-triggers alarms, over TLS.
    const [policy] = Object.values(shared.findResources('AWS::SNS::TopicPolicy')) as Resource[];
    expect(policy?.Properties['Topics']).toEqual([{ Ref: topicId }]);
    const statements = (policy?.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:monorepo-triggers-*' },
        },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('is named in a stack output for chat integrations to subscribe to, and imported by no stack', () => {
    const outputs = templates.shared.toJSON()['Outputs'];
    const [topicId] = Object.keys(templates.shared.findResources('AWS::SNS::Topic'));
    expect(outputs['AlarmTopicArn']).toEqual({
      Value: { Ref: topicId },
      Description: expect.stringMatching(/chat integration \(AWS Chatbot \/ Amazon Q Developer in chat applications\)/),
    });
    expect(outputs['AlarmTopicArn'].Export).toBeUndefined();
    // The function stacks deploy on their own: the bucket is the one thing they import.
    for (const stack of STACKS.filter((s) => s !== 'shared')) {
      const imports = [...JSON.stringify(templates[stack].toJSON()).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(imports)).toEqual(new Set(['monorepo-triggers-config-bucket']));
    }
  });

  it('emails no one by default, and each address cdk.json names', () => {
    templates.shared.resourceCountIs('AWS::SNS::Subscription', 0);
    const [topicId] = Object.keys(configured.shared.findResources('AWS::SNS::Topic'));
    const subscriptions = Object.values(configured.shared.findResources('AWS::SNS::Subscription')).map((s) => (s as Resource).Properties);
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId } },
        { Protocol: 'email', Endpoint: 'platform-team@example.com', TopicArn: { Ref: topicId } },
      ]),
    );
    expect(subscriptions).toHaveLength(2);
  });

  it('takes its addresses from cdk.json, a list of distinct addresses, refusing anything else by the key', () => {
    expect(infraSettings({}).alarmEmails).toEqual([]);
    expect(infraSettings({ [SETTING_KEYS.alarmEmails]: ['oncall@example.com'] }).alarmEmails).toEqual(['oncall@example.com']);
    expect(SETTING_KEYS.alarmEmails).toBe('monorepo-triggers:alarmEmails');
    for (const value of ['oncall@example.com', ['oncall'], ['on call@example.com'], [''], [42], {}])
      expect(() => infraSettings({ [SETTING_KEYS.alarmEmails]: value })).toThrow(
        /^cdk.json context monorepo-triggers:alarmEmails must be a list of email addresses such as \["oncall@example.com"\]; got /,
      );
    expect(() => infraSettings({ [SETTING_KEYS.alarmEmails]: ['a@example.com', 'a@example.com'] })).toThrow(
      'cdk.json context monorepo-triggers:alarmEmails names a@example.com twice',
    );
  });
});

describe('the alarms', () => {
  // [stack, alarm name, namespace, metric, dimension, its deployed value, statistic, period (s), comparison, threshold]
  const ALARMS: [StackKey, string, string, string, string, string, string, number, '>=' | '<', number][] = [
    [
      'webhook',
      'monorepo-triggers-webhook-errors',
      'AWS/Lambda',
      'Errors',
      'FunctionName',
      'monorepo-triggers-webhook',
      'Sum',
      300,
      '>=',
      1,
    ],
    [
      'webhook',
      'monorepo-triggers-webhook-deliveries-failed',
      'MonorepoTriggers',
      'DeliveriesFailed',
      'service',
      'webhook',
      'Sum',
      300,
      '>=',
      1,
    ],
    ['eval', 'monorepo-triggers-eval-errors', 'AWS/Lambda', 'Errors', 'FunctionName', 'monorepo-triggers-eval', 'Sum', 300, '>=', 1],
    [
      'eval',
      'monorepo-triggers-eval-dead-letters',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'QueueName',
      'monorepo-triggers-eval-dead-letters',
      'Maximum',
      300,
      '>=',
      1,
    ],
    [
      'eval',
      'monorepo-triggers-eval-pipeline-starts-failed',
      'MonorepoTriggers',
      'PipelineStartsFailed',
      'service',
      'eval',
      'Sum',
      300,
      '>=',
      1,
    ],
    ['eval', 'monorepo-triggers-eval-configs-invalid', 'MonorepoTriggers', 'ConfigsInvalid', 'service', 'eval', 'Maximum', 300, '>=', 1],
    [
      'eval',
      'monorepo-triggers-eval-configs-need-newer-eval',
      'MonorepoTriggers',
      'ConfigsNeedNewerEval',
      'service',
      'eval',
      'Maximum',
      300,
      '>=',
      1,
    ],
    // 80% of eval's 2-minute timeout.
    [
      'eval',
      'monorepo-triggers-eval-near-timeout',
      'AWS/Lambda',
      'Duration',
      'FunctionName',
      'monorepo-triggers-eval',
      'Maximum',
      300,
      '>=',
      96_000,
    ],
    ['eval', 'monorepo-triggers-eval-near-memory', 'MonorepoTriggers', 'MemoryUsed', 'service', 'eval', 'Maximum', 300, '>=', 80],
    [
      'eval',
      'monorepo-triggers-eval-github-rate-limit',
      'MonorepoTriggers',
      'GitHubRateLimitRemaining',
      'service',
      'eval',
      'Minimum',
      300,
      '<',
      500,
    ],
    [
      'statuses',
      'monorepo-triggers-statuses-errors',
      'AWS/Lambda',
      'Errors',
      'FunctionName',
      'monorepo-triggers-statuses',
      'Sum',
      300,
      '>=',
      1,
    ],
    [
      'statuses',
      'monorepo-triggers-statuses-dead-letters',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'QueueName',
      'monorepo-triggers-statuses-dead-letters',
      'Maximum',
      300,
      '>=',
      1,
    ],
    [
      'statuses',
      'monorepo-triggers-statuses-undelivered-events',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'QueueName',
      'monorepo-triggers-statuses-undelivered-events',
      'Maximum',
      300,
      '>=',
      1,
    ],
    [
      'statuses',
      'monorepo-triggers-statuses-statuses-refused',
      'MonorepoTriggers',
      'StatusesRefused',
      'service',
      'statuses',
      'Sum',
      300,
      '>=',
      1,
    ],
    [
      'statuses',
      'monorepo-triggers-statuses-github-rate-limit',
      'MonorepoTriggers',
      'GitHubRateLimitRemaining',
      'service',
      'statuses',
      'Minimum',
      300,
      '<',
      500,
    ],
    [
      'reconcile',
      'monorepo-triggers-reconcile-errors',
      'AWS/Lambda',
      'Errors',
      'FunctionName',
      'monorepo-triggers-reconcile',
      'Sum',
      900,
      '>=',
      1,
    ],
    [
      'reconcile',
      'monorepo-triggers-reconcile-deliveries-recovered',
      'MonorepoTriggers',
      'DeliveriesRecovered',
      'service',
      'reconcile',
      'Sum',
      300,
      '>=',
      1,
    ],
    [
      'reconcile',
      'monorepo-triggers-reconcile-deliveries-abandoned',
      'MonorepoTriggers',
      'DeliveriesAbandoned',
      'service',
      'reconcile',
      'Sum',
      300,
      '>=',
      1,
    ],
    [
      'reconcile',
      'monorepo-triggers-reconcile-github-rate-limit',
      'MonorepoTriggers',
      'GitHubRateLimitRemaining',
      'service',
      'reconcile',
      'Minimum',
      300,
      '<',
      500,
    ],
  ];
  const MATH_ALARM = 'monorepo-triggers-webhook-deliveries-unverified';
  const COMPARISON = { '>=': 'GreaterThanOrEqualToThreshold', '<': 'LessThanThreshold' };
  const operations = readFileSync(join(workspaceRoot(), 'docs/operations.md'), 'utf8');

  it('are exactly these, each in the stack of the function it watches (cfresource has none)', () => {
    const found = allAlarms(templates).map(({ stack, alarm }) => [stack, alarm.AlarmName]);
    expect(found.sort()).toEqual([...ALARMS.map(([stack, name]) => [stack, name]), ['webhook', MATH_ALARM]].sort());
  });

  it.each(ALARMS)(
    '%s: %s watches %s %s (%s=%s), %s over %ss, %s %s',
    (stack, name, namespace, metric, dimension, value, statistic, period, comparison, threshold) => {
      const { alarms, stackResources } = alarmsOf(templates[stack]);
      const alarm = alarms.find((a) => a.AlarmName === name);
      expect(
        alarm && {
          namespace: alarm.Namespace,
          metric: alarm.MetricName,
          dimensions: alarm.Dimensions?.map((d) => [d.Name, dimensionValue(d.Value, stackResources)]),
          statistic: alarm.Statistic,
          period: alarm.Period,
          comparison: alarm.ComparisonOperator,
          threshold: alarm.Threshold,
          evaluationPeriods: alarm.EvaluationPeriods,
          missingData: alarm.TreatMissingData,
        },
      ).toEqual({
        namespace,
        metric,
        dimensions: [[dimension, value]],
        statistic,
        period,
        comparison: COMPARISON[comparison],
        threshold,
        evaluationPeriods: 1,
        missingData: 'notBreaching',
      });
    },
  );

  it("fires when eval nears its timeout: 80% of the function's own timeout, whatever it is", () => {
    const { alarms, stackResources } = alarmsOf(templates.eval);
    const evalFunction = Object.values(stackResources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties['FunctionName'] === 'monorepo-triggers-eval',
    );
    const nearTimeout = alarms.find((a) => a.AlarmName === 'monorepo-triggers-eval-near-timeout');
    expect(nearTimeout?.Threshold).toBe((evalFunction?.Properties['Timeout'] as number) * 1000 * 0.8);
  });

  describe(`${MATH_ALARM}: deliveries arrive but none verifies (a secret changed on one side only)`, () => {
    const alarm = alarmsOf(templates.webhook).alarms.find((a) => a.AlarmName === MATH_ALARM) as AlarmProperties;
    const expression = alarm.Metrics?.find((m) => m.Expression)?.Expression ?? '';
    const inputs = Object.fromEntries((alarm.Metrics ?? []).filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat]));

    it("reads the webhook's wrongly signed deliveries, hand-overs and ignored deliveries, summed over 15 minutes", () => {
      expect(
        Object.values(inputs)
          .map((stat) => [stat?.Metric.Namespace, stat?.Metric.MetricName, stat?.Metric.Dimensions, stat?.Stat, stat?.Period])
          .sort(),
      ).toEqual(
        [
          ['MonorepoTriggers', 'DeliveriesHandedOver', [{ Name: 'service', Value: 'webhook' }], 'Sum', 900],
          ['MonorepoTriggers', 'DeliveriesIgnored', [{ Name: 'service', Value: 'webhook' }], 'Sum', 900],
          ['MonorepoTriggers', 'DeliveriesSignatureMismatch', [{ Name: 'service', Value: 'webhook' }], 'Sum', 900],
        ].sort(),
      );
      expect(alarm.Metrics?.filter((m) => m.ReturnData !== false).map((m) => m.Expression)).toEqual([expression]);
      expect({ threshold: alarm.Threshold, comparison: alarm.ComparisonOperator, missing: alarm.TreatMissingData }).toEqual({
        threshold: 1,
        comparison: 'GreaterThanOrEqualToThreshold',
        missing: 'notBreaching',
      });
    });

    /**
     * The expression evaluated as CloudWatch would for one 15-minute period: IF, AND, FILL, + and
     * comparisons (what it uses) translated to JavaScript; anything else fails the translation.
     */
    function evaluate(values: Record<string, number | undefined>): number {
      const byName = Object.fromEntries(Object.entries(inputs).map(([id, stat]) => [id, values[stat?.Metric.MetricName ?? '']]));
      const js = expression
        .replace(/FILL\((\w+), 0\)/g, '($1 ?? 0)')
        .replace(/\bAND\b/g, '&&')
        .replace(/\bIF\(/g, 'iff(');
      const leftover = js.replace(new RegExp(`\\b(iff|${Object.keys(byName).join('|')})\\b`, 'g'), '');
      expect(leftover).toMatch(/^[\s\d(),?&=<>+]*$/);
      const iff = (condition: boolean, then: number, otherwise: number) => (condition ? then : otherwise);
      return new Function('iff', ...Object.keys(byName), `return ${js};`)(iff, ...Object.values(byName));
    }

    it.each([
      [
        'every signed delivery refused, none verified (the secret changed on one side)',
        { DeliveriesSignatureMismatch: 4, DeliveriesHandedOver: 0, DeliveriesIgnored: 0 },
        1,
      ],
      [
        "a stranger's guess beside deliveries handed over",
        { DeliveriesSignatureMismatch: 1, DeliveriesHandedOver: 2, DeliveriesIgnored: 0 },
        0,
      ],
      ["a stranger's guess beside a verified ping", { DeliveriesSignatureMismatch: 1, DeliveriesHandedOver: 0, DeliveriesIgnored: 1 }, 0],
      ['deliveries that verify', { DeliveriesSignatureMismatch: 0, DeliveriesHandedOver: 5, DeliveriesIgnored: 1 }, 0],
      // A stranger's unsigned requests are another metric, which the alarm does not read: a quiet period stays quiet.
      [
        'invocations, none refused for a wrong secret',
        { DeliveriesSignatureMismatch: 0, DeliveriesHandedOver: 0, DeliveriesIgnored: 0 },
        0,
      ],
      ['no request at all (no data)', {}, 0],
    ])('%s: %j → %d', (_case, values, expected) => {
      expect(evaluate(values)).toBe(expected);
    });
  });

  it.each([...ALARMS.map(([stack, name]) => [stack, name]), ['webhook', MATH_ALARM]])(
    '%s: %s says what happened and what to do first, and links to its section of docs/operations.md',
    (stack, name) => {
      const alarm = alarmsOf(templates[stack as StackKey]).alarms.find((a) => a.AlarmName === name) as AlarmProperties;
      expect(alarm.AlarmDescription).toMatch(/First: /);
      expect(alarm.AlarmDescription.endsWith(` Runbook: docs/operations.md#${name}`)).toBe(true);
      // CloudWatch's limit.
      expect(alarm.AlarmDescription.length).toBeLessThanOrEqual(1024);
      // GitHub's anchor of a heading made of lower-case letters, digits and dashes is the heading itself.
      expect(operations.split('\n')).toContain(`### ${name}`);
    },
  );
});

describe('the dashboard', () => {
  const dashboards = Object.values(templates.shared.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
  const [dashboard] = dashboards;
  /** The body as CloudWatch receives it: the pseudo parameters resolved as CloudFormation would, nothing else referred to. */
  const bodyText = (() => {
    const body = dashboard?.Properties['DashboardBody'] as string | { 'Fn::Join': [string, unknown[]] };
    if (typeof body === 'string') return body;
    const pseudo: Record<string, string> = { 'AWS::Region': env.region, 'AWS::AccountId': env.account, 'AWS::Partition': 'aws' };
    return body['Fn::Join'][1]
      .map((part) => {
        const value = typeof part === 'string' ? part : pseudo[(part as { Ref?: string }).Ref ?? ''];
        if (value === undefined) throw new Error(`the dashboard body refers to ${JSON.stringify(part)}`);
        return value;
      })
      .join(body['Fn::Join'][0]);
  })();
  type Widget = { type: string; y: number; properties: { alarms?: string[]; metrics?: unknown[][]; annotations?: { alarms?: string[] } } };
  const widgets = (JSON.parse(bodyText) as { widgets: Widget[] }).widgets;
  const metrics = widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => m.filter((part) => typeof part === 'string').join(' '));
  const alarmArn = (name: string) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`;

  it('is one, named monorepo-triggers, in the shared stack', () => {
    expect(dashboards).toHaveLength(1);
    expect(dashboard?.Properties['DashboardName']).toBe('monorepo-triggers');
    for (const stack of STACKS.filter((s) => s !== 'shared')) templates[stack].resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('shows every alarm of every stack at the top, and no alarm that does not exist', () => {
    const names = allAlarms(templates).map(({ alarm }) => alarm.AlarmName);
    const statusWidgets = widgets.filter((w) => w.type === 'alarm');
    expect(statusWidgets).toHaveLength(1);
    const top = statusWidgets[0] as Widget;
    expect(widgets.filter((w) => w.type !== 'text').every((w) => w.y >= top.y)).toBe(true);
    expect([...(top.properties.alarms ?? [])].sort()).toEqual(names.map(alarmArn).sort());
    const referenced = new Set([...bodyText.matchAll(/:alarm:([\w-]+)/g)].map((m) => m[1]));
    expect([...referenced].sort()).toEqual([...names].sort());
  });

  it('graphs every metric of the catalogue, each under its function', () => {
    const catalogue = Object.entries(METRICS).flatMap(([service, names]) =>
      Object.keys(names).map((name) => `MonorepoTriggers ${name} service ${service}`),
    );
    expect(catalogue.length).toBeGreaterThan(20);
    for (const metric of catalogue) expect(metrics).toContain(metric);
    // And nothing of ours outside the catalogue.
    for (const metric of metrics.filter((m) => m.startsWith('MonorepoTriggers '))) expect(catalogue).toContain(metric);
  });

  it('graphs time to start at p50 and p99', () => {
    const stats = widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .filter((m) => m[1] === 'TimeToStart')
      .map((m) => (m[4] as { stat: string }).stat);
    expect(stats.sort()).toEqual(['p50', 'p99']);
  });

  it('graphs the dead letters waiting in each queue and those triggers redrive replayed (deleted)', () => {
    for (const queue of [
      'monorepo-triggers-eval-dead-letters',
      'monorepo-triggers-statuses-dead-letters',
      'monorepo-triggers-statuses-undelivered-events',
    ]) {
      expect(metrics).toContain(`AWS/SQS ApproximateNumberOfMessagesVisible QueueName ${queue}`);
      expect(metrics).toContain(`AWS/SQS NumberOfMessagesDeleted QueueName ${queue}`);
    }
    // The queues have those names.
    templates.eval.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'monorepo-triggers-eval-dead-letters' });
    templates.statuses.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'monorepo-triggers-statuses-dead-letters' });
    templates.statuses.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'monorepo-triggers-statuses-undelivered-events' });
  });

  it("graphs each function's Lambda errors, throttles and longest duration", () => {
    for (const fn of ['webhook', 'eval', 'cfresource', 'statuses', 'reconcile'])
      for (const metric of ['Errors', 'Throttles', 'Duration'])
        expect(metrics).toContain(`AWS/Lambda ${metric} FunctionName monorepo-triggers-${fn}`);
  });
});

describe('docs/operations.md', () => {
  const operations = readFileSync(join(workspaceRoot(), 'docs/operations.md'), 'utf8');

  it('describes every metric of the catalogue, with its function and unit', () => {
    for (const [service, names] of Object.entries(METRICS))
      for (const [name, spec] of Object.entries(names as Record<string, { unit: string }>))
        expect(operations).toMatch(new RegExp(`^\\| \`${name}\` \\| ${service} \\| ${spec.unit} \\| .+ \\|$`, 'm'));
  });
});
