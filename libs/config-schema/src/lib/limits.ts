/**
 * Size limits of a trigger configuration. They keep one config from costing eval more than a few
 * milliseconds and stay inside CodePipeline's own limits (variable names and values).
 */
export const LIMITS = {
  refPatterns: 100,
  pathPatterns: 500,
  patternLength: 1000,
  variables: 50,
  variableNameLength: 128,
  variableValueLength: 1000,
  pipelineNameLength: 100,
} as const;

/** Variables every start carries; a config may not redefine them. */
export const BUILT_IN_VARIABLES = ['COMMIT_ID', 'BRANCH_NAME', 'TAG_NAME', 'REPOSITORY'] as const;
