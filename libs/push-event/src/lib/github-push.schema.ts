import { z } from 'zod';

// Only the fields of GitHub's `push` payload that eval needs; everything else is ignored.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
const paths = z.array(z.string()).nullish().transform((list) => list ?? []);

const commitSchema = z.object({
  id: z.string(),
  distinct: z.boolean().optional(),
  added: paths,
  removed: paths,
  modified: paths,
});

/** The subset of a GitHub push delivery that decides which pipelines start. */
export const githubPushSchema = z.object({
  ref: z.string().min(1),
  before: z.string(),
  after: z.string(),
  created: z.boolean().default(false),
  deleted: z.boolean().default(false),
  forced: z.boolean().default(false),
  base_ref: z.string().nullish(),
  repository: z.object({
    full_name: z.string().min(3),
    default_branch: z.string().nullish(),
  }),
  commits: z.array(commitSchema).nullish().transform((list) => list ?? []),
  head_commit: z.object({ id: z.string() }).nullish(),
});

export type GithubPush = z.output<typeof githubPushSchema>;
