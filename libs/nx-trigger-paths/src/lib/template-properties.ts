import type { NxTriggerPaths } from './trigger-paths';

/**
 * A trigger's Nx-derived paths as `Custom::PipelineTrigger` properties: IncludePaths, ExcludePaths
 * (when there are any), PathSyntax and the Nx property naming their origin. What the CDK construct
 * sets, `triggers nx` prints, and `triggers nx --check` compares a template with.
 */
export function templateProperties(paths: NxTriggerPaths): Record<string, unknown> {
  return {
    IncludePaths: paths.includePaths,
    ...(paths.excludePaths.length > 0 ? { ExcludePaths: paths.excludePaths } : {}),
    PathSyntax: paths.pathSyntax,
    Nx: {
      Project: paths.nx.project,
      Target: paths.nx.target,
      ...(paths.nx.configuration ? { Configuration: paths.nx.configuration } : {}),
    },
  };
}
