import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  METRICS,
  METRICS_NAMESPACE,
  SERVICE_DIMENSION,
  type MetricName,
  type MetricService,
} from '@monorepo-triggers/lambda-runtime/metric-names';

/**
 * The metrics a function writes (the catalogue the functions write from), by name, as CloudWatch
 * stores them: `functionMetrics('eval').PipelineStartsFailed`. Names are properties, never strings
 * typed again here, so a metric renamed in the catalogue fails to compile where infra uses it.
 * Each is summed over 5 minutes unless `.with({ statistic, period })` says otherwise. No unit is set:
 * an alarm or graph with a unit sees only data points written with exactly that unit, and the unit
 * belongs to the writer.
 */
export function functionMetrics<S extends MetricService>(service: S): Record<MetricName<S>, Metric> {
  const names = Object.keys(METRICS[service]) as MetricName<S>[];
  return Object.fromEntries(
    names.map((name) => [
      name,
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { [SERVICE_DIMENSION]: service },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
    ]),
  ) as Record<MetricName<S>, Metric>;
}
