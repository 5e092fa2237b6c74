import * as z from 'zod/mini';

/** The parts of GitHub's compare API answer eval reads (`GET /repos/{o}/{r}/compare/{base}...{head}`). */
export const compareSchema = z.object({
  files: z.optional(z.array(z.object({ filename: z.string(), previous_filename: z.optional(z.string()) }))),
  merge_base_commit: z.optional(z.object({ sha: z.string() })),
});

/** How a compare's head relates to its base: identical, ahead, behind or diverged. */
export const compareStatusSchema = z.object({ status: z.string(), ahead_by: z.optional(z.int()) });

/** The parts of a commit eval reads (`GET /repos/{o}/{r}/commits/{sha}`): its message. */
export const commitSchema = z.object({ sha: z.string(), commit: z.object({ message: z.string() }) });

/** One page of a pull request's files (`GET /repos/{o}/{r}/pulls/{n}/files`). */
export const pullRequestFilesSchema = z.array(z.object({ filename: z.string(), previous_filename: z.optional(z.string()) }));

/** The parts of GitHub's recursive tree answer eval reads (`GET /repos/{o}/{r}/git/trees/{sha}?recursive=1`). */
export const treeSchema = z.object({
  truncated: z.optional(z.boolean()),
  tree: z.array(z.object({ path: z.string(), type: z.string(), sha: z.string() })),
});

export type TreeEntry = z.output<typeof treeSchema>['tree'][number];

/** A GitHub App's secret in Secrets Manager: `{ "appId": "123", "privateKey": "-----BEGIN RSA PRIVATE KEY-----…" }`. */
export const githubAppCredentialsSchema = z.object({
  appId: z.pipe(z.union([z.string().check(z.minLength(1)), z.int()]), z.transform(String)),
  privateKey: z.string().check(z.includes('PRIVATE KEY', { message: 'must be the PEM private key of the GitHub App' })),
});

/** A check run as GitHub answers its creation: its id. */
export const checkRunSchema = z.object({ id: z.int() });

/** `GET /repos/{o}/{r}/commits/{ref}/check-runs`: the runs found, newest first. */
export const checkRunListSchema = z.object({ check_runs: z.array(checkRunSchema) });

/** `GET /repos/{o}/{r}/commits/{ref}/status`: the latest status of each context on the commit. */
export const combinedStatusSchema = z.object({
  statuses: z.array(
    z.object({
      context: z.string(),
      state: z.string(),
      description: z.optional(z.nullable(z.string())),
      target_url: z.optional(z.nullable(z.string())),
    }),
  ),
});

/** One attempt in a webhook's delivery log (`GET /app/hook/deliveries`, `GET /orgs/{org}/hooks/{id}/deliveries`). */
export const hookDeliveryItemSchema = z.object({
  id: z.number(),
  /** `X-GitHub-Delivery`: the same for a delivery and each of its redeliveries. */
  guid: z.string(),
  delivered_at: z.string(),
  redelivery: z.boolean(),
  status: z.string(),
  /** The webhook's HTTP answer; 0 when GitHub got none (could not connect, timed out). */
  status_code: z.number(),
  event: z.string(),
  action: z.optional(z.nullable(z.string())),
  repository_id: z.optional(z.nullable(z.number())),
});

export type HookDeliveryItem = z.output<typeof hookDeliveryItemSchema>;

/** One delivery with what was sent (`GET …/deliveries/{id}`): the payload, as GitHub's API keeps it. */
export const hookDeliverySchema = z.object({
  ...hookDeliveryItemSchema.shape,
  request: z.object({
    headers: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    payload: z.nullable(z.record(z.string(), z.unknown())),
  }),
});

export type HookDeliveryDetail = z.output<typeof hookDeliverySchema>;
