import * as z from 'zod/mini';
import { compilePathPattern, type PathSyntax } from '../decision/path-patterns';
import { compileRefPattern } from '../decision/ref-patterns';
import { CONFIG_FORMAT } from './config-format';
import { GLOB_HINT, globLookalike } from './config-warnings';
import { BUILT_IN_VARIABLES, LIMITS, PULL_REQUEST_VARIABLES } from './limits';
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
  path:
    | ['includePaths' | 'excludePaths', number]
    | ['branches' | 'tags']
    | ['pullRequests' | 'mergeQueue', 'includePaths' | 'excludePaths', number]
    | ['pullRequests' | 'mergeQueue', 'baseBranches'];
  message: string;
}

/**
 * The pull request events a config can name: new code to build (opened, reopened, new commits), a
 * draft made ready, and a merge (a `closed` delivery of a merged pull request), which a config asks
 * for by name. eval-input's PULL_REQUEST_EVENTS is the same list (eval's tests hold them equal).
 */
export const PULL_REQUEST_EVENT_NAMES = ['opened', 'synchronize', 'reopened', 'ready_for_review', 'merged'] as const;
/** The events a pull request section names when it names none: every new version of its code. */
export const DEFAULT_PULL_REQUEST_EVENTS = ['opened', 'synchronize', 'reopened', 'ready_for_review'] as const;

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
  pullRequests?: { includePaths?: readonly unknown[]; excludePaths?: readonly unknown[]; baseBranches?: readonly unknown[] };
  mergeQueue?: { includePaths?: readonly unknown[]; excludePaths?: readonly unknown[]; baseBranches?: readonly unknown[] };
}): PathPatternIssue[] {
  const issues: PathPatternIssue[] = [];
  const pulls = config.pullRequests;
  const queue = config.mergeQueue;
  // Branch and tag globs count towards the total too (their own errors are reported where they are).
  const refs = [...(config.branches ?? []), ...(config.tags ?? []), ...(pulls?.baseBranches ?? []), ...(queue?.baseBranches ?? [])];
  let instructions = refs.reduce<number>((total, source) => {
    try {
      return total + (typeof source === 'string' ? compileRefPattern(source).programSize : 0);
    } catch {
      return total;
    }
  }, 0);
  const tooLarge = `brings the compiled size of this config's patterns to more than ${LIMITS.configInstructions} instructions; use fewer or simpler patterns (plain text such as ^dir/ or \\.md$ costs nothing)`;
  let reported = instructions > LIMITS.configInstructions;
  if (reported) issues.push({ path: [config.tags?.length ? 'tags' : 'branches'], message: tooLarge });
  const lists: [(index: number) => PathPatternIssue['path'], readonly unknown[] | undefined][] = [
    [(i) => ['includePaths', i], config.includePaths],
    [(i) => ['excludePaths', i], config.excludePaths],
    [(i) => ['pullRequests', 'includePaths', i], pulls?.includePaths],
    [(i) => ['pullRequests', 'excludePaths', i], pulls?.excludePaths],
    [(i) => ['mergeQueue', 'includePaths', i], queue?.includePaths],
    [(i) => ['mergeQueue', 'excludePaths', i], queue?.excludePaths],
  ];
  for (const [pathOf, list] of lists) {
    list?.forEach((source, index) => {
      if (typeof source !== 'string' || source === '') return; // the schema reports those
      try {
        instructions += compilePathPattern(source, config.pathSyntax, index).programSize;
      } catch (error) {
        // A glob written where a regular expression is read fails with the engine's words (`**`: "invalid
        // nested repetition operator"), which do not say what was meant: the hint does.
        const hint = config.pathSyntax === 'regex' && globLookalike(source) ? `; ${GLOB_HINT}` : '';
        issues.push({ path: pathOf(index), message: `${JSON.stringify(source)} ${(error as Error).message}${hint}` });
        return;
      }
      if (instructions > LIMITS.configInstructions && !reported) {
        reported = true;
        issues.push({ path: pathOf(index), message: tooLarge });
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

/** Which pull requests start the pipeline, and on which of their changes. */
export const pullRequestsSchema = z
  .strictObject({
    events: z
      ._default(
        z.array(z.enum(PULL_REQUEST_EVENT_NAMES)).check(
          z.minLength(1, 'needs at least one event'),
          z.refine((events) => new Set(events).size === events.length, { message: 'names an event twice' }),
        ),
        [...DEFAULT_PULL_REQUEST_EVENTS],
      )
      .check(
        z.describe(
          'The pull request events that start the pipeline: opened, synchronize (new commits), reopened, ready_for_review (the default: every new version of its code), and merged, which only a config that names it gets.',
        ),
      ),
    baseBranches: z
      .optional(z.array(refPattern).check(z.minLength(1, 'needs at least one branch glob'), z.maxLength(LIMITS.refPatterns)))
      .check(z.describe("Globs of the branches a pull request must target (its base); the config's branches when not set.")),
    drafts: z
      ._default(z.boolean(), false)
      .check(z.describe('Build draft pull requests too; by default a draft starts nothing until it is ready.')),
    forks: z
      ._default(z.boolean(), false)
      .check(
        z.describe(
          "Build pull requests from forks: code written by anyone, run with the pipeline's AWS permissions. False (the default): a fork's pull request starts nothing.",
        ),
      ),
    includePaths: z
      .optional(z.array(pattern()).check(z.minLength(1, 'needs at least one pattern'), z.maxLength(LIMITS.pathPatterns)))
      .check(z.describe("The pull request's own includePaths; when not set, the config's includePaths and excludePaths decide.")),
    excludePaths: z
      .optional(z.array(pattern()).check(z.maxLength(LIMITS.pathPatterns)))
      .check(z.describe("The pull request's own excludePaths; only with its own includePaths.")),
  })
  .check(
    z.refine((pulls) => pulls.excludePaths === undefined || pulls.includePaths !== undefined, {
      path: ['excludePaths'],
      message: "needs includePaths beside it: a pull request's own paths replace both of the config's lists",
    }),
  );

/**
 * Which merge groups start the pipeline (GitHub's merge queue), and on which of their changes
 * (config format 2). The group's status lands under the config's context, the pull request's.
 */
export const mergeQueueSchema = z
  .strictObject({
    baseBranches: z
      .optional(z.array(refPattern).check(z.minLength(1, 'needs at least one branch glob'), z.maxLength(LIMITS.refPatterns)))
      .check(
        z.describe(
          "Globs of the branches whose queue starts the pipeline; pullRequests.baseBranches when not set, else the config's branches.",
        ),
      ),
    includePaths: z
      .optional(z.array(pattern()).check(z.minLength(1, 'needs at least one pattern'), z.maxLength(LIMITS.pathPatterns)))
      .check(
        z.describe(
          "The merge group's own includePaths; when not set, pullRequests' own paths if it has them, else the config's includePaths and excludePaths.",
        ),
      ),
    excludePaths: z
      .optional(z.array(pattern()).check(z.maxLength(LIMITS.pathPatterns)))
      .check(z.describe("The merge group's own excludePaths; only with its own includePaths.")),
    stopDestroyed: z
      ._default(z.boolean(), true)
      .check(
        z.describe(
          'Stop the executions started for a merge group that GitHub destroys because it was dequeued or invalidated (the default); false lets them run on.',
        ),
      ),
  })
  .check(
    z.refine((queue) => queue.excludePaths === undefined || queue.includePaths !== undefined, {
      path: ['excludePaths'],
      message: "needs includePaths beside it: a merge group's own paths replace both of the config's lists",
    }),
  );

// zod/mini, not classic zod: the same schemas at a thirtieth of the bundle size (13 KB against
// 450 KB), which is most of a Lambda function's cold start beyond the AWS SDK itself.

/** The fields of a trigger configuration, before cross-field checks. */
/** An Nx project name or target: what `nx show projects` prints (no spaces or control characters). */
const nxName = z
  .string()
  .check(z.minLength(1), z.maxLength(200), z.regex(/^[^\s\p{Cc}]+$/u, 'must be an Nx name: no spaces or control characters'));

/** Where a config's paths came from in an Nx workspace (docs/trigger-config.md, "Nx workspaces"). */
export const nxOriginSchema = z.strictObject({
  project: nxName.check(z.describe('The Nx project whose files start the pipeline.')),
  target: nxName.check(z.describe("The target whose inputs (Nx's hash inputs, its dependencies' included) the paths are.")),
  configuration: z.optional(nxName).check(z.describe("The target's configuration, when it is not the default.")),
});

const triggerConfigShape = z.strictObject({
  version: z
    .int()
    .check(
      z.gte(1, 'must be a format version, 1 or later'),
      z.lte(
        CONFIG_FORMAT,
        `is a format this release does not know (it reads and writes formats 1 to ${CONFIG_FORMAT}): use a newer release to write it (docs/upgrading.md)`,
      ),
      z.describe(
        'Format version of this document: the lowest that expresses its fields (writers set it). A reader of an older format decides with the fields it knows, unless minReaderVersion is above it (docs/upgrading.md).',
      ),
    ),
  minReaderVersion: z
    .optional(z.int().check(z.gte(1, 'must be a format version, 1 or later')))
    .check(
      z.describe(
        'Set by writers, above 1 only: the oldest format a reader must read to decide with this config, because it has fields an older reader must not ignore. Such a reader refuses the config, loudly.',
      ),
    ),
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
  compareWith: z
    ._default(z.enum(['push', 'last-success']), 'push')
    .check(
      z.describe(
        "What a branch push's changes are counted from: push (what the push itself changed, the default) or last-success (everything since the branch's last commit this pipeline built successfully, so a failed or stopped pipeline starts again on the next push to its branch); config format 3.",
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
        'Start nothing for a branch push or pull request whose head commit message contains [skip ci], [ci skip] or [no ci] (the default); false builds them too, e.g. for a security scan.',
      ),
    ),
  pullRequests: z
    .optional(pullRequestsSchema)
    .check(
      z.describe(
        "Start the pipeline for pull requests, on the pull request's own changed files; without this section pull requests start nothing.",
      ),
    ),
  mergeQueue: z
    .optional(mergeQueueSchema)
    .check(
      z.describe(
        "Start the pipeline for GitHub's merge queue (merge_group), pinned to the group's head, its status under the pull request's context; config format 2. Without this section merge groups start nothing.",
      ),
    ),
  nx: z
    .optional(nxOriginSchema)
    .check(
      z.describe(
        'The Nx project and target includePaths and excludePaths were derived from (`triggers nx`, or the CDK construct at synth time): what `triggers why` and `doctor` name. eval decides on the paths alone; config format 4.',
      ),
    ),
  owner: z.optional(ownerSchema).check(z.describe('Set by the CloudFormation resource that owns this config.')),
});

/** A stored trigger configuration: one S3 object per pipeline. Patterns are checked to compile. */
export const triggerConfigSchema = triggerConfigShape.check(
  z.superRefine((config, ctx) => {
    for (const issue of pathPatternIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
    if (config.minReaderVersion !== undefined && config.minReaderVersion > config.version)
      ctx.addIssue({
        code: 'custom',
        path: ['minReaderVersion'],
        message: `is ${config.minReaderVersion}, above the config's own format (${config.version})`,
      });
    if (config.pullRequests || config.mergeQueue) {
      const section = config.pullRequests ? 'pullRequests' : 'mergeQueue';
      const what = config.pullRequests ? "a pull request's start is pinned to its commit" : "a merge group's start is pinned to its head";
      // Unpinned, a start would build whatever the source action's own branch holds, not the pull request.
      if (config.sourceActionName === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['sourceActionName'],
          message: `is required with ${section}: ${what} on this source action, or it would build another commit`,
        });
      const names = Object.keys(config.variables);
      for (const name of names.filter((n) => (PULL_REQUEST_VARIABLES as readonly string[]).includes(n)))
        ctx.addIssue({
          code: 'custom',
          path: ['variables', name],
          message: `is set by a ${config.pullRequests ? 'pull request' : 'merge group'}'s start (${PULL_REQUEST_VARIABLES.join(', ')})`,
        });
      if (names.length > LIMITS.pullRequestVariables)
        ctx.addIssue({
          code: 'custom',
          path: ['variables'],
          message: config.pullRequests
            ? `at most ${LIMITS.pullRequestVariables} variables with pullRequests (a pull request's start sets 6 of CodePipeline's 50)`
            : `at most ${LIMITS.pullRequestVariables} variables with mergeQueue (a merge group's start sets 5 of CodePipeline's 50)`,
        });
    }
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
