import type { TriggerConfig } from '../schema/trigger-config.schema';
import { compilePathPattern, type CompiledPathPattern } from './path-patterns';
import { compileRefPattern, type CompiledRefPattern } from './ref-patterns';

/** The path patterns a change list is searched with, compiled. */
export interface CompiledPaths {
  readonly includes: readonly CompiledPathPattern[];
  /** The includes' literal prefixes: a path that starts with none of them cannot count. */
  readonly includePrefixes: readonly string[];
  readonly excludes: readonly CompiledPathPattern[];
  /** Where the patterns are in the config, for what a decision names: '', `pullRequests.` or `mergeQueue.`. */
  readonly fieldPrefix: '' | 'pullRequests.' | 'mergeQueue.';
}

/** A config's pull request section, compiled, its defaults resolved. */
export interface CompiledPullRequests extends CompiledPaths {
  readonly events: ReadonlySet<string>;
  readonly baseBranches: readonly CompiledRefPattern[];
}

/** A config's merge queue section, compiled, its defaults resolved. */
export interface CompiledMergeQueue extends CompiledPaths {
  readonly baseBranches: readonly CompiledRefPattern[];
}

/** A trigger configuration with every pattern compiled; build it once per config version. */
export interface CompiledTrigger extends CompiledPaths {
  readonly config: TriggerConfig;
  /** `owner/name`, lower-cased: repositories are matched case-insensitively. */
  readonly repositoryKey: string;
  readonly branches: readonly CompiledRefPattern[];
  readonly tags: readonly CompiledRefPattern[];
  /** Absent when the config has no pull request section: pull requests start nothing. */
  readonly pullRequests?: CompiledPullRequests;
  /** Absent when the config has no merge queue section: merge groups start nothing. */
  readonly mergeQueue?: CompiledMergeQueue;
}

function compilePaths(
  includePaths: readonly string[],
  excludePaths: readonly string[],
  syntax: TriggerConfig['pathSyntax'],
  fieldPrefix: CompiledPaths['fieldPrefix'],
): CompiledPaths {
  const includes = includePaths.map((source, index) => compilePathPattern(source, syntax, index));
  return {
    includes,
    includePrefixes: includes.map((include) => include.prefix),
    excludes: excludePaths.map((source, index) => compilePathPattern(source, syntax, index)),
    fieldPrefix,
  };
}

/** Compiles a validated configuration. Throws only if it was not validated first. */
export function compileTrigger(config: TriggerConfig): CompiledTrigger {
  const paths = compilePaths(config.includePaths, config.excludePaths, config.pathSyntax, '');
  const branches = config.branches.map(compileRefPattern);
  const pulls = config.pullRequests;
  const queue = config.mergeQueue;
  // A pull request's own paths, compiled once: the merge queue's default when it has none of its own.
  const pullPaths = pulls?.includePaths
    ? compilePaths(pulls.includePaths, pulls.excludePaths ?? [], config.pathSyntax, 'pullRequests.')
    : paths;
  const pullBases = pulls?.baseBranches ? pulls.baseBranches.map(compileRefPattern) : branches;
  return {
    config,
    repositoryKey: config.repository.toLowerCase(),
    branches,
    tags: config.tags.map(compileRefPattern),
    ...paths,
    ...(pulls
      ? {
          pullRequests: {
            events: new Set(pulls.events),
            baseBranches: pullBases,
            // Its own paths replace both of the config's lists; without them the config's decide.
            ...pullPaths,
          },
        }
      : {}),
    ...(queue
      ? {
          mergeQueue: {
            // A group is the pull requests it merges, so it defaults to what decides them.
            baseBranches: queue.baseBranches ? queue.baseBranches.map(compileRefPattern) : pullBases,
            ...(queue.includePaths
              ? compilePaths(queue.includePaths, queue.excludePaths ?? [], config.pathSyntax, 'mergeQueue.')
              : pullPaths),
          },
        }
      : {}),
  };
}
