import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { sign } from '@monorepo-triggers/github-signature';
import { randomUUID } from 'node:crypto';

/** The API Gateway (v1) or HTTP API / Function URL (v2) event, as Lambda's types describe it. */
export type DeliveryEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

export interface DeliveryOptions {
  body: string | Buffer;
  event?: string | null;
  secret?: string;
  /** Overrides the computed signature header (null: no header). */
  signature?: string | null;
  shape?: 'v1' | 'v2';
  base64?: boolean;
  contentType?: string | null;
  method?: string;
  deliveryId?: string;
  /** Header-name casing, to prove headers are case-insensitive. */
  headerCase?: 'lower' | 'github';
}

/** Builds the Lambda event API Gateway (v1) or an HTTP API / Function URL (v2) would deliver. */
export function delivery(options: DeliveryOptions): DeliveryEvent {
  const body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  const signature = options.signature === undefined ? sign(options.secret ?? 'test-secret', body) : options.signature;
  const github = options.headerCase !== 'lower';
  const headers: Record<string, string> = {};
  const set = (name: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined) headers[github ? name : name.toLowerCase()] = value;
  };
  set('Content-Type', options.contentType === undefined ? 'application/json' : options.contentType);
  set('X-GitHub-Event', options.event === undefined ? 'push' : options.event);
  set('X-GitHub-Delivery', options.deliveryId ?? randomUUID());
  set('X-Hub-Signature-256', signature);
  set('User-Agent', 'GitHub-Hookshot/test');
  const encoded = options.base64 ? body.toString('base64') : body.toString('utf8');
  const method = options.method ?? 'POST';
  return lambdaHttpEvent({ shape: options.shape ?? 'v2', method, headers, body: encoded, isBase64Encoded: !!options.base64 });
}

/** The whole Lambda event for an HTTP request as API Gateway (v1) or an HTTP API / Function URL (v2) delivers it. */
export function lambdaHttpEvent(request: {
  shape: 'v1' | 'v2';
  method: string;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}): DeliveryEvent {
  const { method, headers, body, isBase64Encoded } = request;
  return request.shape === 'v1'
    ? restApiEvent(method, headers, body, isBase64Encoded)
    : httpApiEvent(method, headers, body, isBase64Encoded);
}

const EPOCH_MS = Date.UTC(2026, 0, 1);

/** A REST API (v1) proxy event for `POST /webhook`, every field API Gateway sends. */
function restApiEvent(method: string, headers: Record<string, string>, body: string, isBase64Encoded: boolean): APIGatewayProxyEvent {
  const identity: APIGatewayProxyEvent['requestContext']['identity'] = {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: '192.0.2.1',
    user: null,
    userAgent: 'GitHub-Hookshot/test',
    userArn: null,
  };
  return {
    resource: '/webhook',
    path: '/webhook',
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity,
      path: '/prod/webhook',
      stage: 'prod',
      requestId: randomUUID(),
      requestTimeEpoch: EPOCH_MS,
      resourceId: 'test',
      resourcePath: '/webhook',
    },
    body,
    isBase64Encoded,
  };
}

/** An HTTP API or Function URL (v2) event for `POST /`, every field Lambda sends. */
function httpApiEvent(method: string, headers: Record<string, string>, body: string, isBase64Encoded: boolean): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.lambda-url.us-east-1.on.aws',
      domainPrefix: 'test',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'GitHub-Hookshot/test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: EPOCH_MS,
    },
    body,
    isBase64Encoded,
  };
}

/** A form-encoded body as GitHub sends it for `application/x-www-form-urlencoded` hooks. */
export function formBody(json: string): string {
  return new URLSearchParams({ payload: json }).toString();
}
