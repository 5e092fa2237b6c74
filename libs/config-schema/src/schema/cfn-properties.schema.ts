import * as z from 'zod/mini';
import type { ConfigIssue, ParseResult } from './issues';
import { englishIssueMessages, toConfigIssues } from './issues';
import type { TriggerConfig } from './trigger-config.schema';
import { addPatternIssues, validateTriggerConfig } from './validate';

// CloudFormation delivers every scalar as a string; other callers (tests, CDK) may send numbers or
// booleans. Both are accepted and turned into the string the config stores.
const cfnScalar = z.pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String));
// An optional scalar set to '' (the usual result of `!If [cond, x, ""]`) counts as not set.
const cfnOptionalScalar = z.pipe(
  z.optional(cfnScalar),
  z.transform((value) => (value === '' ? undefined : value)),
);
// A boolean written as "true" / "false" (CloudFormation) or as a boolean (CDK, tests); '' is unset.
const cfnOptionalBoolean = z.pipe(
  z.optional(z.union([z.boolean(), z.enum(['true', 'false', ''])])),
  z.transform((value) => (value === '' || value === undefined ? undefined : value === true || value === 'true')),
);
// A list written as a single string is a one-element list.
const cfnList = z.union([
  z.pipe(
    cfnScalar,
    z.transform((value) => [value]),
  ),
  z.array(cfnScalar),
]);

/** The `PullRequests` property: the config's `pullRequests` section, PascalCase. */
const cfnPullRequestsSchema = z.strictObject({
  Events: z.optional(cfnList),
  BaseBranches: z.optional(cfnList),
  Drafts: cfnOptionalBoolean,
  Forks: cfnOptionalBoolean,
  IncludePaths: z.optional(cfnList),
  ExcludePaths: z.optional(cfnList),
});

/** The `MergeQueue` property: the config's `mergeQueue` section, PascalCase. */
const cfnMergeQueueSchema = z.strictObject({
  BaseBranches: z.optional(cfnList),
  IncludePaths: z.optional(cfnList),
  ExcludePaths: z.optional(cfnList),
  StopDestroyed: cfnOptionalBoolean,
});

/** The `Nx` property: where the paths came from (the config's `nx`), PascalCase. */
const cfnNxSchema = z.strictObject({
  Project: cfnScalar,
  Target: cfnScalar,
  Configuration: cfnOptionalScalar,
});

/** The field each property of a section (`PullRequests`, `MergeQueue`) becomes. */
const SECTION_FIELD_BY_PROPERTY = {
  Events: 'events',
  BaseBranches: 'baseBranches',
  Drafts: 'drafts',
  Forks: 'forks',
  IncludePaths: 'includePaths',
  ExcludePaths: 'excludePaths',
  StopDestroyed: 'stopDestroyed',
  Project: 'project',
  Target: 'target',
  Configuration: 'configuration',
} as const;

/** `Custom::PipelineTrigger` properties, PascalCase, as CloudFormation sends them. */
export const cfnPropertiesSchema = z.strictObject({
  ServiceToken: z.optional(z.string()),
  Repository: cfnScalar,
  PipelineName: cfnScalar,
  Branches: cfnList,
  Tags: z.optional(cfnList),
  IncludePaths: cfnList,
  ExcludePaths: z.optional(cfnList),
  PathSyntax: cfnOptionalScalar,
  OnIncompleteChanges: cfnOptionalScalar,
  OnNewBranch: cfnOptionalScalar,
  CompareWith: cfnOptionalScalar,
  SourceActionName: cfnOptionalScalar,
  Variables: z.optional(z.record(z.string(), cfnScalar)),
  StatusContext: cfnOptionalScalar,
  ReportSkipped: cfnOptionalBoolean,
  HonourSkipCi: cfnOptionalBoolean,
  PullRequests: z.optional(cfnPullRequestsSchema),
  MergeQueue: z.optional(cfnMergeQueueSchema),
  Nx: z.optional(cfnNxSchema),
});

export type CfnProperties = z.input<typeof cfnPropertiesSchema>;

/** The config field each CloudFormation property becomes (and back, for error messages). */
const FIELD_BY_PROPERTY = {
  Repository: 'repository',
  PipelineName: 'pipelineName',
  Branches: 'branches',
  Tags: 'tags',
  IncludePaths: 'includePaths',
  ExcludePaths: 'excludePaths',
  PathSyntax: 'pathSyntax',
  OnIncompleteChanges: 'onIncompleteChanges',
  OnNewBranch: 'onNewBranch',
  CompareWith: 'compareWith',
  SourceActionName: 'sourceActionName',
  Variables: 'variables',
  StatusContext: 'statusContext',
  ReportSkipped: 'reportSkipped',
  HonourSkipCi: 'honourSkipCi',
  PullRequests: 'pullRequests',
  MergeQueue: 'mergeQueue',
  Nx: 'nx',
} as const;

const PROPERTY_BY_FIELD = new Map<string, string>(Object.entries(FIELD_BY_PROPERTY).map(([prop, field]) => [field, prop]));
const SECTION_PROPERTY_BY_FIELD = new Map<string, string>(Object.entries(SECTION_FIELD_BY_PROPERTY).map(([prop, field]) => [field, prop]));

/** An issue about a config's field, renamed to its CloudFormation property (`PullRequests.IncludePaths[0]`). */
export function cfnPropertyIssue(issue: ConfigIssue): ConfigIssue {
  const match = /^([A-Za-z]+)(?:\.([A-Za-z]+))?(.*)$/.exec(issue.path);
  const property = match ? PROPERTY_BY_FIELD.get(match[1] as string) : undefined;
  if (!match || !property) return issue;
  const nested = match[2] === undefined ? '' : `.${SECTION_PROPERTY_BY_FIELD.get(match[2]) ?? match[2]}`;
  return { ...issue, path: property + nested + (match[3] ?? '') };
}

const SECTIONS = new Set(['PullRequests', 'MergeQueue', 'Nx']);

/** `PullRequests`, `MergeQueue` or `Nx` as the config's section: the properties set, renamed. */
function sectionOf(properties: Record<string, unknown>): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const [property, field] of Object.entries(SECTION_FIELD_BY_PROPERTY)) {
    const value = properties[property];
    if (value !== undefined) section[field] = value;
  }
  return section;
}

/**
 * Turns `Custom::PipelineTrigger` properties into a validated trigger configuration, with `owner`
 * set to the given stack resource. Issues name the CloudFormation property (`IncludePaths[1]`).
 */
export function parseCfnProperties(properties: unknown, owner?: TriggerConfig['owner']): ParseResult<TriggerConfig> {
  const parsed = cfnPropertiesSchema.safeParse(properties ?? {}, { error: englishIssueMessages });
  if (!parsed.success) {
    // A structural error (a misspelt property) stops zod before the pattern checks: run them on the
    // properties that are lists anyway, so one deploy or one `validate` reports every problem.
    const issues = toConfigIssues(parsed.error.issues, Object.keys(cfnPropertiesSchema.shape));
    addPatternIssues(
      issues,
      properties,
      (field) => PROPERTY_BY_FIELD.get(field) ?? field,
      (field) => SECTION_PROPERTY_BY_FIELD.get(field) ?? field,
    );
    return { ok: false, issues };
  }
  const p = parsed.data;
  const config: Record<string, unknown> = { version: 1 };
  for (const [property, field] of Object.entries(FIELD_BY_PROPERTY)) {
    const value = p[property as keyof typeof FIELD_BY_PROPERTY];
    if (value !== undefined) config[field] = SECTIONS.has(property) ? sectionOf(value as Record<string, unknown>) : value;
  }
  if (owner) config['owner'] = owner;
  const result = validateTriggerConfig(config);
  return result.ok ? result : { ok: false, issues: result.issues.map(cfnPropertyIssue) };
}
