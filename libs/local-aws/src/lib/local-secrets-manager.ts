import { randomUUID } from 'node:crypto';
import { startRecordingServer, type CannedResponse, type RecordingServer } from './recording-server';

export interface LocalSecretsManager {
  readonly endpoint: string;
  readonly requests: RecordingServer['requests'];
  /** Stores a new version of a secret (as PutSecretValue would). */
  put(name: string, secretString: string): void;
  /** Answers the next `times` requests with an error, as during an outage (`Infinity`: until told otherwise). */
  fail(error: { status: number; type: string; times?: number }): void;
  stop(): Promise<void>;
}

/**
 * A local stand-in for Secrets Manager's GetSecretValue (JSON 1.1 protocol) for the real
 * `@aws-sdk/client-secrets-manager` through `AWS_ENDPOINT_URL_SECRETS_MANAGER`: secrets by name or
 * ARN, the current version's SecretString, ResourceNotFoundException for unknown ones.
 */
export async function startLocalSecretsManager(initial: Record<string, string> = {}, port = 0): Promise<LocalSecretsManager> {
  const secrets = new Map(Object.entries(initial).map(([name, value]) => [name, { value, versionId: randomUUID() }]));
  const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-abcdef`;
  let failure: { status: number; type: string; times: number } | undefined;
  const server = await startRecordingServer((request): CannedResponse => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (failure && failure.times > 0) {
      failure.times--;
      return {
        status: failure.status,
        headers: { 'x-amzn-errortype': failure.type },
        body: { __type: failure.type, message: `local Secrets Manager: ${failure.type}` },
      };
    }
    if (target !== 'secretsmanager.GetSecretValue') return { status: 400, body: { __type: 'UnknownOperationException', message: target } };
    const { SecretId } = request.json as { SecretId: string };
    const name = [...secrets.keys()].find((n) => n === SecretId || arn(n) === SecretId);
    const secret = name === undefined ? undefined : secrets.get(name);
    if (name === undefined || !secret)
      return {
        status: 400,
        headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
        body: { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
      };
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: {
        ARN: arn(name),
        Name: name,
        SecretString: secret.value,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1764000000,
      },
    };
  }, port);
  return {
    endpoint: server.endpoint,
    requests: server.requests,
    put(name, secretString) {
      secrets.set(name, { value: secretString, versionId: randomUUID() });
    },
    fail(error) {
      failure = { status: error.status, type: error.type, times: error.times ?? Infinity };
    },
    stop: () => server.stop(),
  };
}
