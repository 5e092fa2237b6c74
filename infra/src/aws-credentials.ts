// Whether a deploy has AWS credentials, decided by the AWS SDK's own default credential chain (the
// one `cdk deploy` and every client here use), not by guessing from a few environment variables and
// files: an instance profile, a container role, SSO or credential_process count, and a profile that
// names nothing does not.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';

/** Where the SDK's default chain looks, in its order (what a "none found" line names). */
export const DEFAULT_CHAIN =
  'environment variables (AWS_ACCESS_KEY_ID…), SSO, profiles and credential_process in ~/.aws (AWS_PROFILE), a web identity token file, the ECS container endpoint and EC2 instance metadata';

export type CredentialsFound = { found: true; source: string } | { found: false; reason: string };

/**
 * Resolves credentials through the SDK's default chain. The EC2 instance metadata probe at the end
 * of the chain is bounded by the SDK's defaults for it (1 s per request, no retries: about 2 s on
 * a machine where nothing answers there; AWS_EC2_METADATA_DISABLED=true skips it), so a laptop
 * without credentials gets its answer at once rather than hanging.
 */
export async function findAwsCredentials(): Promise<CredentialsFound> {
  const client = new CloudFormationClient({});
  try {
    const credentials = await client.config.credentials();
    // `$source` names the chain's link that answered, as the SDK records it for its user agent.
    const source = Object.keys((credentials as { $source?: Record<string, string> }).$source ?? {}).join(', ');
    return { found: true, source: source || 'the default chain' };
  } catch (error) {
    return { found: false, reason: (error as Error).message.split('\n')[0] ?? String(error) };
  } finally {
    client.destroy();
  }
}
