/**
 * Every metric the functions emit: the one list the functions write from, the CDK app draws its
 * dashboard and alarms from, and docs/operations.md describes. A file of its own, free of imports,
 * so infra can use it without loading the functions' runtime
 * (`@monorepo-triggers/lambda-runtime/metric-names`).
 *
 * Each function writes its metrics as CloudWatch embedded-metric-format lines in its log (Powertools
 * for AWS Lambda Metrics: no API call on the hot path), in the namespace below with one dimension,
 * `service`, the function's short name. CloudWatch bills per name and dimension set, so there is no
 * per-repository, per-pipeline or per-delivery dimension: the log lines beside each metric say which.
 */

/** The CloudWatch namespace of every metric here. */
export const METRICS_NAMESPACE = 'MonorepoTriggers';

/** The one dimension: which function emitted the metric (Powertools' `service`). */
export const SERVICE_DIMENSION = 'service';

export type MetricUnit = 'Count' | 'Milliseconds' | 'Percent';

export interface MetricSpec {
  unit: MetricUnit;
  /** What one value means: for docs/operations.md and the dashboard's legends. */
  what: string;
}

/**
 * The metrics, by the function that emits them. A Count is emitted on every invocation it
 * describes, zero included, so a graph shows "none" rather than "no data" and an alarm's
 * "since when" is exact.
 */
export const METRICS = {
  webhook: {
    DeliveriesHandedOver: { unit: 'Count', what: 'pushes and pull requests handed to eval' },
    DeliveriesIgnored: {
      unit: 'Count',
      what: 'signed deliveries of events or actions that start nothing (ping, issues, a closed pull request)',
    },
    DeliveriesUnsigned: { unit: 'Count', what: 'requests refused with 401 for want of a well-formed signature: not from GitHub' },
    DeliveriesSignatureMismatch: {
      unit: 'Count',
      what: 'signed requests refused with 401 because no webhook secret verifies them: GitHub signing with another secret (changed on one side only), or the secret read is empty',
    },
    DeliveriesRefused: { unit: 'Count', what: 'other requests refused with 4xx: too large, malformed, not a POST, no event header' },
    DeliveriesFailed: {
      unit: 'Count',
      what: 'deliveries answered 5xx: eval could not be invoked (502) or the webhook secret could not be read (503); GitHub does not retry them',
    },
  },
  eval: {
    EventsEvaluated: { unit: 'Count', what: 'pushes and pull requests decided' },
    EventsUnreadable: {
      unit: 'Count',
      what: 'hand-over events eval could not read: not ours, or written by a newer webhook (docs/upgrading.md)',
    },
    PipelinesStarted: {
      unit: 'Count',
      what: 'starts CodePipeline accepted; a redelivery or retry of the same start gets the same execution back and counts again',
    },
    PipelinesSkipped: { unit: 'Count', what: 'configs an event did not concern (branch, paths, event type)' },
    PipelinesNotEntitled: { unit: 'Count', what: 'pipelines a config names whose entitlement tag does not allow the repository' },
    PipelineStartsFailed: { unit: 'Count', what: 'starts that failed after their retries (the invocation is retried, then dead-lettered)' },
    ConfigsInvalid: {
      unit: 'Count',
      what: "configs of the event's repository refused at read time (decided as absent: their pipelines do not start)",
    },
    ConfigsNeedNewerEval: { unit: 'Count', what: 'configs that require a newer eval (minReaderVersion): their pipelines do not start' },
    ConfigsNewerThanEval: { unit: 'Count', what: 'configs in a newer format, decided with the fields this eval knows' },
    TimeToStart: { unit: 'Milliseconds', what: 'from the webhook receiving a delivery to its pipelines started (events that started one)' },
    MemoryUsed: { unit: 'Percent', what: "the container's resident memory at the end of an invocation, of the function's memory size" },
    GitHubCalls: { unit: 'Count', what: "requests to GitHub's API (change lists, check runs)" },
    GitHubRateLimitRemaining: { unit: 'Count', what: 'the lowest x-ratelimit-remaining GitHub answered in an invocation' },
  },
  statuses: {
    StatusesPosted: { unit: 'Count', what: 'commit statuses posted to GitHub' },
    StatusesRefused: { unit: 'Count', what: 'statuses GitHub refused for good (a 4xx other than a rate limit): not retried' },
    GitHubCalls: { unit: 'Count', what: "requests to GitHub's API" },
    GitHubRateLimitRemaining: { unit: 'Count', what: 'the lowest x-ratelimit-remaining GitHub answered in an invocation' },
  },
  cfresource: {
    ConfigsWritten: { unit: 'Count', what: 'trigger configs created or updated by a stack' },
    ConfigsDeleted: { unit: 'Count', what: 'trigger configs deleted by a stack' },
    RequestsRefused: {
      unit: 'Count',
      what: 'CloudFormation requests answered FAILED (a bad config, a caller or pipeline refused, a deadline)',
    },
  },
  reconcile: {
    DeliveriesExamined: { unit: 'Count', what: "push and pull request deliveries read from GitHub's delivery log" },
    DeliveriesRecovered: {
      unit: 'Count',
      what: 'deliveries the webhook never took, redelivered or handed to eval: each a build that would have been lost',
    },
    DeliveriesAbandoned: {
      unit: 'Count',
      what: 'deliveries recovery gave up on (out of retries or past GitHub retention): lost, named in the log',
    },
    GitHubCalls: { unit: 'Count', what: "requests to GitHub's API" },
    GitHubRateLimitRemaining: { unit: 'Count', what: 'the lowest x-ratelimit-remaining GitHub answered in an invocation' },
  },
} as const satisfies Record<string, Record<string, MetricSpec>>;

export type MetricService = keyof typeof METRICS;
export type MetricName<S extends MetricService> = keyof (typeof METRICS)[S] & string;
