/**
 * CloudWatch's embedded metric format, read the way CloudWatch Logs reads it: a second
 * implementation, written from AWS's specification ("Specification: Embedded metric format"), so a
 * test of a function's metrics does not trust the library that wrote them. A log line is an EMF
 * document when it is a JSON object with `_aws.CloudWatchMetrics`; each directive names a
 * namespace, dimension sets (keys of root members holding strings) and metrics (root members
 * holding a number, or an array of up to 100 numbers). What CloudWatch would reject throws here.
 */

export interface EmittedMetric {
  namespace: string;
  dimensions: Record<string, string>;
  name: string;
  unit: string;
  values: number[];
  /** The document's `_aws.Timestamp`, milliseconds since the epoch. */
  timestamp: number;
}

const MAX_VALUES = 100;
const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_DIMENSIONS_PER_SET = 30;

/** Every metric the lines carry, one entry per directive, dimension set and metric. Non-EMF lines are skipped. */
export function emfMetrics(lines: readonly string[]): EmittedMetric[] {
  const metrics: EmittedMetric[] = [];
  for (const line of lines) {
    let document: unknown;
    try {
      document = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isObject(document) || !isObject(document['_aws'])) continue;
    const aws = document['_aws'];
    const directives = aws['CloudWatchMetrics'];
    if (!Array.isArray(directives)) continue;
    const timestamp = aws['Timestamp'];
    if (typeof timestamp !== 'number' || !Number.isInteger(timestamp)) throw new Error(`EMF: _aws.Timestamp must be an integer: ${line}`);
    for (const directive of directives) {
      if (!isObject(directive)) throw new Error(`EMF: a directive must be an object: ${line}`);
      const namespace = directive['Namespace'];
      if (typeof namespace !== 'string' || namespace === '') throw new Error(`EMF: Namespace must be a non-empty string: ${line}`);
      const sets = directive['Dimensions'];
      const declared = directive['Metrics'];
      if (!Array.isArray(sets) || !Array.isArray(declared)) throw new Error(`EMF: Dimensions and Metrics must be arrays: ${line}`);
      if (declared.length > MAX_METRICS_PER_DIRECTIVE)
        throw new Error(`EMF: more than ${MAX_METRICS_PER_DIRECTIVE} metrics in a directive`);
      for (const set of sets) {
        if (!Array.isArray(set) || set.length > MAX_DIMENSIONS_PER_SET)
          throw new Error(`EMF: a dimension set must be an array of at most 30 keys`);
        const dimensions: Record<string, string> = {};
        for (const key of set) {
          const value = typeof key === 'string' ? document[key] : undefined;
          if (typeof value !== 'string') throw new Error(`EMF: dimension ${String(key)} has no string value at the root: ${line}`);
          dimensions[key as string] = value;
        }
        for (const metric of declared) {
          if (!isObject(metric) || typeof metric['Name'] !== 'string') throw new Error(`EMF: a metric needs a Name: ${line}`);
          const name = metric['Name'];
          const raw = document[name];
          const values = Array.isArray(raw) ? raw : [raw];
          if (values.length === 0 || values.length > MAX_VALUES || values.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
            throw new Error(`EMF: metric ${name} must be a number or an array of 1 to ${MAX_VALUES} numbers: ${line}`);
          metrics.push({
            namespace,
            dimensions,
            name,
            unit: typeof metric['Unit'] === 'string' ? metric['Unit'] : 'None',
            values: values as number[],
            timestamp,
          });
        }
      }
    }
  }
  return metrics;
}

/**
 * What CloudWatch would show for one namespace and dimension set: each metric's values in the order
 * written, across every line (a Count's sum is what a dashboard plots).
 */
export function metricValues(
  metrics: readonly EmittedMetric[],
  namespace: string,
  dimensions: Record<string, string>,
): Record<string, { unit: string; values: number[] }> {
  const same = (a: Record<string, string>) =>
    Object.keys(a).length === Object.keys(dimensions).length && Object.entries(dimensions).every(([k, v]) => a[k] === v);
  const found: Record<string, { unit: string; values: number[] }> = {};
  for (const metric of metrics) {
    if (metric.namespace !== namespace || !same(metric.dimensions)) continue;
    const entry = (found[metric.name] ??= { unit: metric.unit, values: [] });
    if (entry.unit !== metric.unit) throw new Error(`EMF: ${metric.name} written with units ${entry.unit} and ${metric.unit}`);
    entry.values.push(...metric.values);
  }
  return found;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
