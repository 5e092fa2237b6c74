import { readNxTask, type NxTask } from './lib/nx-task-reader';
import { triggerPathsFrom, type NxTriggerPaths } from './lib/trigger-paths';

export { NxWorkspaceError, readNxTask } from './lib/nx-task-reader';
export type { NxTask, NxTaskReading } from './lib/nx-task-reader';
export { triggerPathsFrom } from './lib/trigger-paths';
export type { NxOrigin, NxTriggerPaths } from './lib/trigger-paths';
export { configGlob } from './lib/nx-glob';

/**
 * A trigger's paths for an Nx task: exactly the files Nx hashes for `task.project:task.target`
 * (its own inputs, its dependencies' through `^` inputs, workspace-wide ones such as the lock
 * file), as globs. Synchronous: it reads the workspace's Nx in a child process.
 */
export function nxTriggerPaths(task: NxTask): NxTriggerPaths {
  const origin = { project: task.project, target: task.target, ...(task.configuration ? { configuration: task.configuration } : {}) };
  return triggerPathsFrom(readNxTask(task), origin);
}
