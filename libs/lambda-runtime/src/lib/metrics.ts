import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS, METRICS_NAMESPACE, type MetricName, type MetricService } from '../metric-names';

/** What a function records during an invocation, written as one embedded-metric-format line at its end. */
export interface FunctionMetrics<S extends MetricService> {
  /** One value of a catalogue metric: Counts add up in CloudWatch, the others keep every value (p50, p99, minimum). */
  add(name: MetricName<S>, value: number): void;
  /** Several at once, as a function's pure `…Metrics(outcome)` computes them. */
  addAll(values: Partial<Record<MetricName<S>, number>>): void;
  /** Writes what the invocation recorded (nothing when it recorded nothing) and starts afresh. */
  publish(): void;
}

/**
 * A function's metrics: Powertools for AWS Lambda Metrics, which writes CloudWatch's embedded metric
 * format to stdout (CloudWatch Logs turns the line into metrics; no API call, nothing to wait for),
 * in the MonorepoTriggers namespace with the `service` dimension set to the function's short name.
 * Only the catalogue's names are accepted (metric-names.ts), so the dashboard and alarms that infra
 * draws from the same list see every metric written here.
 */
export function createMetrics<S extends MetricService>(service: S): FunctionMetrics<S> {
  const powertools = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });
  const specs: Record<string, { unit: string }> = METRICS[service];
  return {
    add(name, value) {
      const spec = specs[name];
      if (!spec) throw new Error(`${service} has no metric ${name} in metric-names.ts`);
      powertools.addMetric(name, spec.unit as Parameters<Metrics['addMetric']>[1], value);
    },
    addAll(values) {
      for (const [name, value] of Object.entries(values) as [MetricName<S>, number][]) this.add(name, value);
    },
    publish() {
      // Powertools warns on an empty publish; an invocation that recorded nothing has nothing to say.
      if (powertools.hasStoredMetrics()) powertools.publishStoredMetrics();
    },
  };
}

/**
 * The container's resident memory as a percentage of the function's memory size, when running on
 * Lambda (which sets AWS_LAMBDA_FUNCTION_MEMORY_SIZE); undefined elsewhere.
 */
export function memoryUsedPercent(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const megabytes = Number(env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']);
  if (!Number.isFinite(megabytes) || megabytes <= 0) return undefined;
  return Math.round((process.memoryUsage.rss() / (megabytes * 1024 * 1024)) * 1000) / 10;
}
