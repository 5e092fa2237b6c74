import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';

/**
 * One structured log line: `msg` names the event, the other fields are indexed by CloudWatch;
 * `level` makes it a WARN or ERROR line (default INFO) for what someone should look at.
 */
export type LogFields = { msg: string; level?: 'warn' | 'error' } & Record<string, unknown>;

/** Writes one log line. Handlers and libs take this, so a test can pass any function. */
export type Logger = (fields: LogFields) => void;

/** A function's logger: writes lines, and learns each invocation's request id and cold start. */
export interface FunctionLogger extends Logger {
  /** Adds the invocation's request id and whether it is the container's first (cold start). */
  setInvocation(context: Pick<Context, 'awsRequestId'> | undefined): void;
}

/**
 * Our line shape, as before Powertools: `time`, `level`, `fn`, `msg`, the invocation's `requestId`
 * and `coldStart`, then the event's own fields. Powertools' default would rename `msg` and `time`,
 * which every saved CloudWatch query reads.
 */
class LineFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, fields: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        time: attributes.timestamp.toISOString(),
        level: attributes.logLevel,
        fn: attributes.serviceName,
        msg: attributes.message,
        requestId: context?.awsRequestId,
        coldStart: context?.coldStart,
      },
    }).addAttributes(fields);
  }
}

/**
 * Powertools' Logger writing every level to stdout: warnings and errors would otherwise go to stderr,
 * and our lines are one stream (CloudWatch takes both, but the local stack and the tests read stdout).
 */
class StdoutLogger extends PowertoolsLogger {
  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    process.stdout.write(JSON.stringify(log.getAttributes(), this.getJsonReplacer()) + '\n');
  }
}

/**
 * The logger of one function (`fn`: webhook, eval, cfresource): Powertools for AWS Lambda's Logger,
 * so the level is set with POWERTOOLS_LOG_LEVEL (or Lambda's own log level) and lines carry the
 * request id and cold start, written as one JSON line each to stdout.
 */
export function createLogger(fn: string): FunctionLogger {
  const powertools = new StdoutLogger({ serviceName: fn, logFormatter: new LineFormatter() });
  const write = (fields: LogFields): void => {
    const { msg, level, ...rest } = fields;
    if (level === 'error') powertools.error(msg, rest);
    else if (level === 'warn') powertools.warn(msg, rest);
    else powertools.info(msg, rest);
  };
  return Object.assign(write, {
    setInvocation(context: Pick<Context, 'awsRequestId'> | undefined): void {
      if (context?.awsRequestId) powertools.addContext(context as Context);
    },
  });
}
