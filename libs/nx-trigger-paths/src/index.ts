import { readNxTasks, type NxTask, type NxTaskName } from './lib/nx-task-reader';
import type { NxTaskReading } from './lib/nx-task-reader';
import { triggerPathsFrom, type NxTriggerPaths } from './lib/trigger-paths';

export { NxWorkspaceError, readNxTask, readNxTasks } from './lib/nx-task-reader';
export type { NxTask, NxTaskName, NxTaskReading } from './lib/nx-task-reader';
export { triggerPathsFrom } from './lib/trigger-paths';
export type { NxOrigin, NxTriggerPaths } from './lib/trigger-paths';
export { configGlob } from './lib/nx-glob';
export { nxWorkspaceRoot } from './lib/workspace-root';
export { templateProperties } from './lib/template-properties';

/**
 * A trigger's paths for an Nx task: exactly the files Nx hashes for `task.project:task.target`
 * (its own inputs, its dependencies' through `^` inputs, workspace-wide ones such as the lock
 * file), as globs. Synchronous: it reads the workspace's Nx in a child process.
 */
export function nxTriggerPaths(task: NxTask): NxTriggerPaths {
  return nxTriggerPathsOf(task.workspaceRoot, [task])[0] as NxTriggerPaths;
}

/** The paths of several tasks of one workspace, from one reading of its project graph. */
export function nxTriggerPathsOf(workspaceRoot: string, tasks: readonly NxTaskName[]): NxTriggerPaths[] {
  const readings = readNxTasks(workspaceRoot, tasks);
  return tasks.map((task, i) =>
    triggerPathsFrom(readings[i] as NxTaskReading, {
      project: task.project,
      target: task.target,
      ...(task.configuration ? { configuration: task.configuration } : {}),
    }),
  );
}
