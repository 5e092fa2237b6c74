import { bucketVariables } from '@monorepo-triggers/lambda-runtime';
import * as z from 'zod/mini';

/** The variables a user of the store reads (cfresource, the CLI). */
export const storeSettingsSchema = z.object({
  CONFIG_BUCKET: bucketVariables.CONFIG_BUCKET,
  CONFIG_PREFIX: bucketVariables.CONFIG_PREFIX,
  S3_FORCE_PATH_STYLE: bucketVariables.S3_FORCE_PATH_STYLE,
});
