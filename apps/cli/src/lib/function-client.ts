import { LambdaClient } from '@aws-sdk/client-lambda';
import { readLocalStack } from './local-state';
import { UserError } from './output';

/**
 * A Lambda client that reaches function `name`: the deployed one with the default credential chain
 * (and AWS_ENDPOINT_URL_LAMBDA if set) with `aws`, else the running local stack's.
 */
export function functionClient(name: string, aws: boolean, commandName: string): LambdaClient {
  if (aws) return new LambdaClient({});
  const local = readLocalStack();
  if (!local) throw new UserError(`no local stack is running: start it with \`npm start\`, or pass --aws for the deployed ${name}`);
  const endpoint = local.lambdas?.[name];
  if (!endpoint)
    throw new UserError(
      `the local stack runs no ${name} (it does not with --aws or GITHUB_TOKEN): \`triggers ${commandName} --aws\` uses the deployed one`,
    );
  return new LambdaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}
