import type { UnreadableRecord } from '@monorepo-triggers/decision-record';
import { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from '@monorepo-triggers/config-schema';
import { err, paint, UserError, visible } from './output';

/** What `why` and `history` share: where the records are, their options and their checks. */
export const RECORDS_NOTE = `Reads the decision records eval keeps for 90 days: the running local stack's, or a bucket in AWS
with --bucket BUCKET (default credentials; RECORDS_PREFIX, default mono-repo/records).`;

export interface WhyOptions {
  repo?: string;
  pipeline?: string;
  bucket?: string;
  limit?: string;
  /** The clone to find a commit inside a push with (default: the current directory, when it is a clone of --repo). */
  cwd?: string;
  json?: boolean;
}

export function checked(options: WhyOptions): { repository: string; pipeline?: string } {
  if (!options.repo) throw new UserError('--repo OWNER/NAME is required (see triggers why --help)', 2);
  if (!isRepositoryName(options.repo))
    throw new UserError(`the repository ${REPOSITORY_RULE}, got ${visible(JSON.stringify(options.repo))}`, 2);
  if (options.pipeline !== undefined && !isPipelineName(options.pipeline))
    throw new UserError(`the pipeline name ${PIPELINE_NAME_RULE}, got ${visible(JSON.stringify(options.pipeline))}`, 2);
  return { repository: options.repo, ...(options.pipeline ? { pipeline: options.pipeline } : {}) };
}

export function warnUnreadable(unreadable: UnreadableRecord[]): void {
  for (const u of unreadable) err(paint('yellow', `warning: ${visible(u.key)} cannot be read: ${visible(u.error)}`, process.stderr));
}
