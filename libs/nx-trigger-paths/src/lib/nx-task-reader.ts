import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What Nx itself says about one task of a workspace: its hash plan and the files it resolves to. */
export interface NxTaskReading {
  /** The version of Nx installed in the workspace. */
  nxVersion: string;
  /** Every project's root, by name. */
  projectRoots: Record<string, string>;
  /** The task's hash plan, as Nx's planner states it (`HashPlanner.getPlans`; what `nx graph` shows). */
  plan: string[];
  /** The files Nx hashes for the task (`HashPlanInspector.inspectTaskInputs`; `nx show target inputs`). */
  inputFiles: string[];
  /** Environment variables, runtime commands and dependency outputs Nx also hashes: not paths. */
  environment: string[];
  runtime: string[];
  depOutputs: string[];
  /** Every file of the workspace Nx sees (tracked, not ignored). */
  workspaceFiles: string[];
  /** The workspace's root TypeScript config, relative to its root, if any. */
  rootTsConfig?: string;
}

/**
 * The program run inside the workspace. It loads the workspace's own Nx (never a copy of ours: the
 * graph, the plugins and the input rules are the workspace's), asks it for the task's hash plan and
 * resolved inputs, and writes them as JSON to the file named by its second argument. It runs in its
 * own process because Nx fixes the workspace root from the working directory when it loads.
 */
const READER = String.raw`
const { createRequire } = require('node:module');
const { writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const [request, out] = process.argv.slice(1);
const tasks = JSON.parse(request);
const nx = createRequire(join(process.cwd(), 'package.json'));
const fail = (message) => { writeFileSync(out, JSON.stringify({ error: message })); process.exitCode = 1; };
(async () => {
  let version;
  try { version = nx('nx/package.json').version; } catch { return fail('Nx is not installed in this workspace (no node_modules/nx): run npm install (or your package manager) first'); }
  let createProjectGraphAsync, readNxJson, native, transformProjectGraphForRust, createTaskGraph, HashPlanInspector, getRootTsConfigPath, allFileData;
  try {
    ({ createProjectGraphAsync } = nx('nx/src/project-graph/project-graph'));
    ({ readNxJson } = nx('nx/src/config/nx-json'));
    native = nx('nx/src/native');
    ({ transformProjectGraphForRust } = nx('nx/src/native/transform-objects'));
    ({ createTaskGraph } = nx('nx/src/tasks-runner/create-task-graph'));
    ({ HashPlanInspector } = nx('nx/src/hasher/hash-plan-inspector'));
    ({ getRootTsConfigPath } = nx('nx/src/plugins/js/utils/typescript'));
    ({ allFileData } = nx('nx/src/utils/all-file-data'));
  } catch (error) {
    return fail('Nx ' + version + ' does not have the hash-plan API this reads (tested with Nx 23): ' + String(error?.message ?? error).split('\n')[0]);
  }
  if (typeof HashPlanInspector?.prototype?.inspectTaskInputs !== 'function' || typeof native?.HashPlanner !== 'function')
    return fail('Nx ' + version + ' has no HashPlanInspector.inspectTaskInputs (tested with Nx 23): upgrade Nx, or write the paths by hand');
  const graph = await createProjectGraphAsync({ exitOnError: false });
  for (const { project, target } of tasks) {
    const node = graph.nodes[project];
    if (!node) return fail('no project named ' + project + ' in this Nx workspace (' + Object.keys(graph.nodes).sort().join(', ') + ')');
    if (!node.data.targets?.[target]) return fail('project ' + project + ' has no target ' + target + ' (it has ' + (Object.keys(node.data.targets ?? {}).sort().join(', ') || 'none') + ')');
  }
  const nxJson = readNxJson();
  const planner = new native.HashPlanner(nxJson, native.transferProjectGraph(transformProjectGraphForRust(graph)));
  const inspector = new HashPlanInspector(graph, process.cwd(), nxJson);
  await inspector.init();
  const tsconfig = getRootTsConfigPath();
  const shared = {
    nxVersion: version,
    projectRoots: Object.fromEntries(Object.entries(graph.nodes).map(([name, n]) => [name, n.data.root])),
    workspaceFiles: (await allFileData()).map((f) => f.file),
    ...(tsconfig ? { rootTsConfig: relative(process.cwd(), tsconfig) } : {}),
  };
  const readings = [];
  for (const { project, target, configuration } of tasks) {
    const taskGraph = createTaskGraph(graph, {}, [project], [target], configuration, {});
    const taskId = Object.keys(taskGraph.tasks).find((id) => taskGraph.tasks[id].target.project === project && taskGraph.tasks[id].target.target === target);
    const plan = taskId && planner.getPlans([taskId], taskGraph)[taskId];
    const inputs = taskId && inspector.inspectTaskInputs({ project, target, configuration })[taskId];
    if (!plan || !inputs) return fail('Nx has no hash plan for ' + project + ':' + target + ' (a target with a custom hasher has none)');
    readings.push({ plan, inputFiles: inputs.files, environment: inputs.environment, runtime: inputs.runtime, depOutputs: inputs.depOutputs });
  }
  writeFileSync(out, JSON.stringify({ shared, readings }));
})().catch((error) => fail(String(error?.message ?? error)));
`;

/** Nx could not answer: no Nx, no such project or target, a broken workspace. The message says which. */
export class NxWorkspaceError extends Error {
  override readonly name = 'NxWorkspaceError';
}

/** Which task to read: a project's target (and configuration). */
export interface NxTaskName {
  project: string;
  target: string;
  configuration?: string;
}

/** A task of the Nx workspace at `workspaceRoot`. */
export interface NxTask extends NxTaskName {
  workspaceRoot: string;
}

/**
 * Reads tasks' inputs from the workspace's Nx, in one child process (synchronous, so a CDK
 * construct can call it while the app is synthesized; one project graph for all the tasks). The Nx
 * daemon is used only if the caller turned it on: a one-off read is faster without starting one.
 */
export function readNxTasks(workspaceRoot: string, tasks: readonly NxTaskName[]): NxTaskReading[] {
  const dir = mkdtempSync(join(tmpdir(), 'nx-task-'));
  const out = join(dir, 'reading.json');
  const names = tasks.map((t) => `${t.project}:${t.target}`).join(', ');
  try {
    const request = JSON.stringify(tasks.map((t) => ({ project: t.project, target: t.target, configuration: t.configuration })));
    const run = spawnSync(process.execPath, ['-e', READER, request, out], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: process.env['NX_DAEMON'] ?? 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    let answer: { error: string } | { error?: undefined; shared: Omit<NxTaskReading, keyof TaskPart>; readings: TaskPart[] };
    try {
      answer = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      const why = (run.error?.message ?? run.stderr ?? '').trim().split('\n').slice(-5).join('\n');
      throw new NxWorkspaceError(`Nx could not read ${names} in ${workspaceRoot}${why ? `: ${why}` : ''}`);
    }
    if (answer.error !== undefined) throw new NxWorkspaceError(`${workspaceRoot}: ${answer.error}`);
    const { shared } = answer;
    return answer.readings.map((part) => ({ ...shared, ...part }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What differs from one task to the next in a reading. */
type TaskPart = Pick<NxTaskReading, 'plan' | 'inputFiles' | 'environment' | 'runtime' | 'depOutputs'>;

/** One task's reading (`readNxTasks` with one task). */
export function readNxTask(task: NxTask): NxTaskReading {
  return readNxTasks(task.workspaceRoot, [task])[0] as NxTaskReading;
}
