import type { TriggerConfig } from '../schema/trigger-config.schema';
import { compilePathPattern, type CompiledPathPattern } from './path-patterns';
import { compileRefPattern, type CompiledRefPattern } from './ref-patterns';

/** A trigger configuration with every pattern compiled; build it once per config version. */
export interface CompiledTrigger {
  readonly config: TriggerConfig;
  /** `owner/name`, lower-cased: repositories are matched case-insensitively. */
  readonly repositoryKey: string;
  readonly branches: readonly CompiledRefPattern[];
  readonly tags: readonly CompiledRefPattern[];
  readonly includes: readonly CompiledPathPattern[];
  /** The includes' literal prefixes: a path that starts with none of them cannot count. */
  readonly includePrefixes: readonly string[];
  readonly excludes: readonly CompiledPathPattern[];
}

/** Compiles a validated configuration. Throws only if it was not validated first. */
export function compileTrigger(config: TriggerConfig): CompiledTrigger {
  const includes = config.includePaths.map((source, index) => compilePathPattern(source, config.pathSyntax, index));
  return {
    config,
    repositoryKey: config.repository.toLowerCase(),
    branches: config.branches.map(compileRefPattern),
    tags: config.tags.map(compileRefPattern),
    includes,
    includePrefixes: includes.map((include) => include.prefix),
    excludes: config.excludePaths.map((source, index) => compilePathPattern(source, config.pathSyntax, index)),
  };
}
