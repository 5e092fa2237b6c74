import * as z from 'zod/mini';

// Only the fields of GitHub's `push` payload that eval needs; everything else is ignored.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
const paths = z.pipe(
  z.nullish(z.array(z.string())),
  z.transform((list) => list ?? []),
);

const commitSchema = z.object({
  id: z.string(),
  distinct: z.optional(z.boolean()),
  added: paths,
  removed: paths,
  modified: paths,
});

/** The subset of a GitHub push delivery that decides which pipelines start. */
export const githubPushSchema = z.object({
  ref: z.string().check(z.minLength(1)),
  before: z.string(),
  after: z.string(),
  created: z._default(z.boolean(), false),
  deleted: z._default(z.boolean(), false),
  forced: z._default(z.boolean(), false),
  base_ref: z.nullish(z.string()),
  repository: z.object({
    full_name: z.string().check(z.minLength(3)),
    default_branch: z.nullish(z.string()),
  }),
  commits: z.pipe(
    z.nullish(z.array(commitSchema)),
    z.transform((list) => list ?? []),
  ),
  head_commit: z.nullish(z.object({ id: z.string(), message: z.nullish(z.string()) })),
});

export type GithubPush = z.output<typeof githubPushSchema>;
