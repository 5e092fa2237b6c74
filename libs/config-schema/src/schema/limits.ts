/**
 * Size limits of a trigger configuration. They keep one config from costing eval more than a few
 * milliseconds and stay inside CodePipeline's own limits (variable names and values).
 */
export const LIMITS = {
  /**
   * Bytes a config may take as stored (UTF-8 JSON, two-space indent, as the config store writes it).
   * Far above any real config (this repository's largest, a generated file list, is under 10 KB), and
   * what lets a reader refuse an object by its listed size without reading it: no object in the
   * bucket, however large, can stop a repository (docs/security.md).
   */
  configBytes: 262_144,
  refPatterns: 100,
  pathPatterns: 500,
  patternLength: 1000,
  /**
   * A start carries at most 50 variables (StartPipelineExecution's limit). A push's start sets 3
   * itself (COMMIT_ID, BRANCH_NAME or TAG_NAME, REPOSITORY), which leaves 47 to the config; a pull
   * request's sets 6, which leaves 44 to a config with a pullRequests section.
   */
  variables: 47,
  pullRequestVariables: 44,
  variableNameLength: 128,
  variableValueLength: 1000,
  pipelineNameLength: 100,
  /** GitHub keeps at most 255 characters of a commit status context. */
  statusContextLength: 255,
  /** Instructions one regex (or compiled glob) may compile to; matching time grows with it. */
  patternInstructions: 2000,
  /** Instructions all of a config's patterns (paths, branches, tags) may compile to together; plain text counts 0. */
  configInstructions: 10_000,
  /**
   * Longest path run through the engine (git's practical limit, PATH_MAX); plain-text patterns match
   * any length. A longer path that could concern a config makes its decision as with an incomplete list.
   */
  pathLength: 4096,
  /** Longest branch or tag name matched; a longer name matches no glob (git's own limit is 255 per component). */
  refNameLength: 1024,
  /**
   * Matching work one config may spend on one push, in instructions × characters (see MatchBudget).
   * The unit is the engine's worst case: a pattern built to defeat its DFA stops here after about
   * 0.6 s at full CPU, about 2 s at a 512 MB Lambda's 0.29 vCPU (bench/RESULTS.md). Ordinary
   * patterns cost far less than they are charged (and plain-text shapes nothing); a config reaches it
   * only when thousands of paths under its prefixes, none of which counts, each run through patterns
   * that are not plain text: it then follows onIncompleteChanges, as for any change list it cannot
   * fully evaluate.
   */
  matchWorkPerConfig: 2 ** 24,
} as const;

/** The variables a pull request's start carries besides COMMIT_ID, BRANCH_NAME and REPOSITORY. */
export const PULL_REQUEST_VARIABLES = ['PULL_REQUEST_NUMBER', 'BASE_BRANCH_NAME', 'BASE_COMMIT_ID'] as const;

/**
 * Variables every start may carry; a config may not redefine them. PULL_REQUEST_VARIABLES are
 * reserved too, but only in a config with a pullRequests section (a config written before pull
 * requests existed may use those names for its own).
 */
export const BUILT_IN_VARIABLES = ['COMMIT_ID', 'BRANCH_NAME', 'TAG_NAME', 'REPOSITORY'] as const;
