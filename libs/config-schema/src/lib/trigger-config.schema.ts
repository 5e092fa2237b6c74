import { z } from 'zod';
import { BUILT_IN_VARIABLES, LIMITS } from './limits';
import { compilePathPattern, type PathSyntax } from './path-patterns';
import { compileRefPattern } from './ref-patterns';

// GitHub owner and repository names: letters, digits, '-', '_' and '.'.
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
// CodePipeline's own patterns for pipeline, action and variable names.
const PIPELINE_NAME = /^[A-Za-z0-9.@_-]+$/;
const ACTION_NAME = /^[A-Za-z0-9.@_-]+$/;
const VARIABLE_NAME = /^[A-Za-z0-9@_-]+$/;

const pattern = z.string().min(1, 'must not be empty').max(LIMITS.patternLength);

const refPattern = pattern.superRefine((source, ctx) => {
  try {
    compileRefPattern(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a valid glob: ${(error as Error).message}` });
  }
});

/** Adds one issue per path pattern that does not compile, naming its list and index. */
function checkPathPatterns(
  list: readonly string[] | undefined,
  field: 'includePaths' | 'excludePaths',
  syntax: PathSyntax,
  ctx: z.RefinementCtx,
): void {
  list?.forEach((source, index) => {
    try {
      compilePathPattern(source, syntax, index);
    } catch (error) {
      const kind = syntax === 'glob' ? 'glob' : 'regular expression';
      ctx.addIssue({ code: 'custom', path: [field, index], message: `is not a valid ${kind}: ${(error as Error).message}` });
    }
  });
}

export const ownerSchema = z.strictObject({
  stackId: z.string().min(1),
  logicalResourceId: z.string().min(1),
});

export const variablesSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(LIMITS.variableNameLength)
      .regex(VARIABLE_NAME, 'must contain only letters, digits, @, - and _')
      .refine((name) => !(BUILT_IN_VARIABLES as readonly string[]).includes(name), {
        message: `is set by the trigger itself (${BUILT_IN_VARIABLES.join(', ')})`,
      }),
    z.string().min(1, 'must not be empty').max(LIMITS.variableValueLength),
  )
  .refine((vars) => Object.keys(vars).length <= LIMITS.variables, { message: `at most ${LIMITS.variables} variables` });

/** The fields of a trigger configuration, before cross-field checks. */
const triggerConfigShape = z.strictObject({
  version: z.literal(1).describe('Format version of this document.'),
  repository: z
    .string()
    .regex(REPOSITORY, 'must be "owner/name"')
    .describe('GitHub repository as owner/name; matched case-insensitively.'),
  pipelineName: z
    .string()
    .min(1)
    .max(LIMITS.pipelineNameLength)
    .regex(PIPELINE_NAME, 'must contain only letters, digits, ., @, - and _')
    .describe('CodePipeline pipeline to start.'),
  branches: z
    .array(refPattern)
    .min(1, 'needs at least one branch glob')
    .max(LIMITS.refPatterns)
    .describe('Branch-name globs: * stays within one path segment, ** crosses /.'),
  tags: z.array(refPattern).max(LIMITS.refPatterns).default([]).describe('Tag-name globs; a matching tag push starts the pipeline.'),
  includePaths: z
    .array(pattern)
    .min(1, 'needs at least one pattern')
    .max(LIMITS.pathPatterns)
    .describe('A changed file counts when it matches one of these and none of excludePaths.'),
  excludePaths: z.array(pattern).max(LIMITS.pathPatterns).default([]).describe('Files matching any of these never count.'),
  pathSyntax: z.enum(['regex', 'glob']).default('regex').describe('regex: searched in the path (anchor with ^); glob: whole path.'),
  onIncompleteChanges: z
    .enum(['trigger', 'skip'])
    .default('trigger')
    .describe('What to do when the full change list cannot be known.'),
  sourceActionName: z
    .string()
    .min(1)
    .max(100)
    .regex(ACTION_NAME, 'must contain only letters, digits, ., @, - and _')
    .optional()
    .describe('When set, the execution is pinned to the pushed commit on this source action.'),
  variables: variablesSchema.default({}).describe('Pipeline variables passed on every start.'),
  owner: ownerSchema.optional().describe('Set by the CloudFormation resource that owns this config.'),
});

/** A stored trigger configuration: one S3 object per pipeline. Patterns are checked to compile. */
export const triggerConfigSchema = triggerConfigShape.superRefine((config, ctx) => {
  checkPathPatterns(config.includePaths, 'includePaths', config.pathSyntax, ctx);
  checkPathPatterns(config.excludePaths, 'excludePaths', config.pathSyntax, ctx);
});

/** A parsed, defaulted trigger configuration. */
export type TriggerConfig = z.output<typeof triggerConfigSchema>;
/** A trigger configuration as written by a person (defaults may be omitted). */
export type TriggerConfigInput = z.input<typeof triggerConfigSchema>;
