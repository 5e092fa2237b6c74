import * as z from 'zod/mini';
import { compilePathPattern, type PathSyntax } from '../decision/path-patterns';
import { compileRefPattern } from '../decision/ref-patterns';
import { BUILT_IN_VARIABLES, LIMITS } from './limits';
import { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from './names';

// CodePipeline's own patterns for action and variable names (repository and pipeline: names.ts).
const ACTION_NAME = /^[A-Za-z0-9.@_-]+$/;
const VARIABLE_NAME = /^[A-Za-z0-9@_-]+$/;
// A commit status context: one line of printable text (GitHub shows it as the check's name).
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const STATUS_CONTEXT = /^[^\u0000-\u001f\u007f-\u009f]+$/;

const pattern = () => z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(LIMITS.patternLength));

const refPattern = pattern().check(
  z.superRefine((source, ctx) => {
    try {
      compileRefPattern(source);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(source)} ${(error as Error).message}` });
    }
  }),
);

/** A problem with one path pattern, located by its list and index. */
export interface PathPatternIssue {
  path: ['includePaths' | 'excludePaths', number] | ['branches' | 'tags'];
  message: string;
}

/**
 * One issue per path pattern that does not compile, naming its list and index, and one where the
 * config's compiled programs (branch and tag globs included) together pass LIMITS.configInstructions
 * (matching time grows with it).
 */
export function pathPatternIssues(config: {
  includePaths?: readonly unknown[];
  excludePaths?: readonly unknown[];
  pathSyntax: PathSyntax;
  branches?: readonly unknown[];
  tags?: readonly unknown[];
}): PathPatternIssue[] {
  const issues: PathPatternIssue[] = [];
  // Branch and tag globs count towards the total too (their own errors are reported where they are).
  let instructions = [...(config.branches ?? []), ...(config.tags ?? [])].reduce<number>((total, source) => {
    try {
      return total + (typeof source === 'string' ? compileRefPattern(source).programSize : 0);
    } catch {
      return total;
    }
  }, 0);
  const tooLarge = `brings the compiled size of this config's patterns to more than ${LIMITS.configInstructions} instructions; use fewer or simpler patterns (plain text such as ^dir/ or \\.md$ costs nothing)`;
  let reported = instructions > LIMITS.configInstructions;
  if (reported) issues.push({ path: [config.tags?.length ? 'tags' : 'branches'], message: tooLarge });
  for (const field of ['includePaths', 'excludePaths'] as const) {
    config[field]?.forEach((source, index) => {
      if (typeof source !== 'string' || source === '') return; // the schema reports those
      try {
        instructions += compilePathPattern(source, config.pathSyntax, index).programSize;
      } catch (error) {
        issues.push({ path: [field, index], message: `${JSON.stringify(source)} ${(error as Error).message}` });
        return;
      }
      if (instructions > LIMITS.configInstructions && !reported) {
        reported = true;
        issues.push({ path: [field, index], message: tooLarge });
      }
    });
  }
  return issues;
}

export const ownerSchema = z.strictObject({
  stackId: z.string().check(z.minLength(1)),
  logicalResourceId: z.string().check(z.minLength(1)),
});

export const variablesSchema = z
  .record(
    z.string().check(
      z.minLength(1),
      z.maxLength(LIMITS.variableNameLength),
      z.regex(VARIABLE_NAME, 'must contain only letters, digits, @, - and _'),
      z.refine((name) => !(BUILT_IN_VARIABLES as readonly string[]).includes(name), {
        message: `is set by the trigger itself (${BUILT_IN_VARIABLES.join(', ')})`,
      }),
    ),
    z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(LIMITS.variableValueLength)),
  )
  .check(z.refine((vars) => Object.keys(vars).length <= LIMITS.variables, { message: `at most ${LIMITS.variables} variables` }));

// zod/mini, not classic zod: the same schemas at a thirtieth of the bundle size (13 KB against
// 450 KB), which is most of a Lambda function's cold start beyond the AWS SDK itself.

/** The fields of a trigger configuration, before cross-field checks. */
const triggerConfigShape = z.strictObject({
  version: z.literal(1).check(z.describe('Format version of this document.')),
  repository: z
    .string()
    .check(z.refine(isRepositoryName, REPOSITORY_RULE), z.describe('GitHub repository as owner/name; matched case-insensitively.')),
  pipelineName: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(LIMITS.pipelineNameLength),
      z.refine(isPipelineName, PIPELINE_NAME_RULE),
      z.describe('CodePipeline pipeline to start.'),
    ),
  branches: z
    .array(refPattern)
    .check(
      z.minLength(1, 'needs at least one branch glob'),
      z.maxLength(LIMITS.refPatterns),
      z.describe('Branch-name globs: * stays within one path segment, ** crosses /.'),
    ),
  tags: z
    ._default(z.array(refPattern).check(z.maxLength(LIMITS.refPatterns)), [])
    .check(z.describe('Tag-name globs; a matching tag push starts the pipeline.')),
  includePaths: z
    .array(pattern())
    .check(
      z.minLength(1, 'needs at least one pattern'),
      z.maxLength(LIMITS.pathPatterns),
      z.describe(
        'A changed file counts when it matches one of these and none of excludePaths. Regular expressions use RE2 syntax (no lookaround, no back-references) and are matched in linear time.',
      ),
    ),
  excludePaths: z
    ._default(z.array(pattern()).check(z.maxLength(LIMITS.pathPatterns)), [])
    .check(z.describe('Files matching any of these never count.')),
  pathSyntax: z
    ._default(z.enum(['regex', 'glob']), 'regex')
    .check(
      z.describe(
        'regex: an RE2-syntax regular expression searched in the path (anchor with ^; no lookaround or back-references); glob: matched against the whole path.',
      ),
    ),
  onIncompleteChanges: z
    ._default(z.enum(['trigger', 'skip']), 'trigger')
    .check(z.describe('What to do when the full change list cannot be known.')),
  onNewBranch: z
    ._default(z.enum(['changes', 'always']), 'changes')
    .check(
      z.describe(
        "What a newly created branch that matches branches means: changes (its own changes since it forked from the default branch decide, like any push) or always (start on the branch's first push, even with no changes of its own, e.g. release branches).",
      ),
    ),
  sourceActionName: z
    .optional(z.string().check(z.minLength(1), z.maxLength(100), z.regex(ACTION_NAME, 'must contain only letters, digits, ., @, - and _')))
    .check(z.describe('When set, the execution is pinned to the pushed commit on this source action.')),
  variables: z._default(variablesSchema, {}).check(z.describe('Pipeline variables passed on every start.')),
  statusContext: z
    .optional(
      z
        .string()
        .check(
          z.minLength(1),
          z.maxLength(LIMITS.statusContextLength),
          z.regex(STATUS_CONTEXT, 'must be printable characters without line breaks'),
        ),
    )
    .check(
      z.describe(
        "The context of the commit status this pipeline posts on GitHub: pipeline/<pipelineName> (the default) or pipeline/<pipelineName>/<more>, so no config can post under another pipeline's or another tool's context.",
      ),
    ),
  reportSkipped: z
    ._default(z.boolean(), false)
    .check(
      z.describe(
        'Post a success status ("skipped: <reason>") on every pushed commit this pipeline does not build, so its context can be a required check without hanging.',
      ),
    ),
  honourSkipCi: z
    ._default(z.boolean(), true)
    .check(
      z.describe(
        'Start nothing for a branch push whose head commit message contains [skip ci], [ci skip] or [no ci] (the default); false builds such pushes too, e.g. for a security scan.',
      ),
    ),
  owner: z.optional(ownerSchema).check(z.describe('Set by the CloudFormation resource that owns this config.')),
});

/** A stored trigger configuration: one S3 object per pipeline. Patterns are checked to compile. */
export const triggerConfigSchema = triggerConfigShape.check(
  z.superRefine((config, ctx) => {
    for (const issue of pathPatternIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
    const own = `pipeline/${config.pipelineName}`;
    if (config.statusContext !== undefined && config.statusContext !== own && !config.statusContext.startsWith(`${own}/`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['statusContext'],
        message: `must be ${own} or start with ${own}/: a config posts statuses only under its own pipeline's name, never another pipeline's or another tool's`,
      });
    }
  }),
);

/** The context of the commit status a config's pipeline posts: its own, or `pipeline/<pipelineName>`. */
export function statusContextOf(config: Pick<TriggerConfig, 'statusContext' | 'pipelineName'>): string {
  return config.statusContext ?? `pipeline/${config.pipelineName}`;
}

/** A parsed, defaulted trigger configuration. */
export type TriggerConfig = z.output<typeof triggerConfigSchema>;
/** A trigger configuration as written by a person (defaults may be omitted). */
export type TriggerConfigInput = z.input<typeof triggerConfigSchema>;
