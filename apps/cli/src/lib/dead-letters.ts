/**
 * What a dead letter of eval or statuses holds, read from its SQS message: the event that failed and
 * why. Lambda's on-failure destination (what the stacks use) sends an invocation record, with the
 * event in `requestPayload`; a classic dead-letter queue, and EventBridge's (the statuses rule's),
 * send the event itself, the error in the message's attributes. Each is understood.
 */
export interface DeadLetter {
  /** The event, exactly as the function was invoked with it: what a replay sends again. */
  payload: unknown;
  error: string;
  /** Lambda's request id of the failed invocation, when the message says. */
  requestId?: string;
  /** The invocations Lambda made (3: the first and its two retries). */
  attempts?: number;
}

interface InvocationRecord {
  requestContext?: { requestId?: unknown; condition?: unknown; approximateInvokeCount?: unknown };
  requestPayload?: unknown;
  responsePayload?: { errorMessage?: unknown; errorType?: unknown } | null;
  responseContext?: { functionError?: unknown };
}

const isRecord = (body: unknown): body is InvocationRecord =>
  typeof body === 'object' &&
  body !== null &&
  'requestPayload' in body &&
  typeof (body as InvocationRecord).requestContext?.condition === 'string';

/** The dead letter in an SQS message body and attributes; undefined when the body is not JSON. */
export function readDeadLetter(body: string, attributes: Record<string, string | undefined> = {}): DeadLetter | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (isRecord(parsed)) {
    const response = parsed.responsePayload ?? {};
    const error =
      typeof response.errorMessage === 'string'
        ? `${typeof response.errorType === 'string' ? `${response.errorType}: ` : ''}${response.errorMessage}`
        : String(parsed.requestContext?.condition);
    const count = parsed.requestContext?.approximateInvokeCount;
    const requestId = parsed.requestContext?.requestId;
    return {
      payload: parsed.requestPayload,
      error,
      ...(typeof requestId === 'string' ? { requestId } : {}),
      ...(typeof count === 'number' ? { attempts: count } : {}),
    };
  }
  // Lambda's classic dead-letter queue names the error ErrorCode/ErrorMessage; EventBridge's, ERROR_CODE/ERROR_MESSAGE.
  const code = attributes['ErrorCode'] ?? attributes['ERROR_CODE'];
  const message = attributes['ErrorMessage'] ?? attributes['ERROR_MESSAGE'];
  return {
    payload: parsed,
    error: [code, message].filter(Boolean).join(': ') || 'unknown (no error attributes)',
    ...(attributes['RequestID'] ? { requestId: attributes['RequestID'] } : {}),
  };
}

/** What a dead letter is about, in a line: an eval event (push, pull request, claim check) or a statuses event. */
export function describeEvent(payload: unknown): { what: string; repository?: string; ref?: string; commit?: string; delivery?: string } {
  const p = (payload ?? {}) as Record<string, unknown>;
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  if (p['type'] === 'push') {
    const commit = str(p['headCommit']) ?? str(p['after']);
    return { what: 'push', ...defined({ repository: str(p['repository']), ref: str(p['ref']), commit, delivery: str(p['deliveryId']) }) };
  }
  if (p['type'] === 'pull_request')
    return {
      what: `pull request #${String(p['number'])} (${str(p['event']) ?? '?'})`,
      ...defined({ repository: str(p['repository']), ref: str(p['headRef']), commit: str(p['headSha']), delivery: str(p['deliveryId']) }),
    };
  if (p['type'] === 'push-claim-check')
    return { what: `claim-checked event ${str(p['key']) ?? ''}`, ...defined({ delivery: str(p['deliveryId']) }) };
  const detail = (p['detail'] ?? {}) as Record<string, unknown>;
  if (p['source'] === 'aws.codepipeline')
    return {
      what: `execution ${str(detail['execution-id']) ?? '?'} of ${str(detail['pipeline']) ?? '?'} ${str(detail['state']) ?? ''}`.trim(),
    };
  return { what: 'an event this command does not know' };
}

const defined = <T extends Record<string, string | undefined>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
