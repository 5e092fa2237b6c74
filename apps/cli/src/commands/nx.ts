import {
  nxTriggerPathsOf,
  nxWorkspaceRoot,
  templateProperties,
  NxWorkspaceError,
  type NxTaskName,
  type NxTriggerPaths,
} from '@monorepo-triggers/nx-trigger-paths';
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { findTriggerResources, parseTemplate, parseTemplateDocument } from '../lib/cfn-template';
import { command, type CommandHelp } from '../lib/command-help';
import { err, out, outJson, paint, UserError } from '../lib/output';

export const NX_HELP: CommandHelp = {
  summary: "a trigger's paths from the Nx graph: print them, or check and rewrite a template's",
  description: `In an Nx workspace, prints the IncludePaths and ExcludePaths that start a pipeline exactly when a
file Nx hashes for PROJECT's --target changes (for each PROJECT named): the project's own inputs, its dependencies' (through ^
inputs such as ^production) and the workspace-wide ones (nx.json, the lock file, the root tsconfig),
with Nx's namedInputs and exclusions, as folder globs. They are read from the workspace's own Nx
(its graph, plugins and inputs) and checked against the files Nx resolves for the task today. Paste
them into the Custom::PipelineTrigger, with the Nx property printed beside them (it records where the
paths came from, for triggers why and doctor).

With --check TEMPLATE..., derives the paths again for every Custom::PipelineTrigger of the templates
that has an Nx property, and fails (exit 1) when a template's paths differ, naming what changed: run it
in CI, so a new dependency cannot go unnoticed. --write TEMPLATE... rewrites them in place instead
(comments, intrinsics and values kept; the yaml library re-spaces flow collections).`,
  examples: ['triggers nx eval-stack --target deploy', 'triggers nx --check infra/dogfood/eval-pipeline.yaml'],
  footer:
    'Exit status: 0 when the paths were printed (or, with --check, every template is up to date), 1 when a template is stale or Nx cannot answer.',
};

/** Lines on what Nx hashes that no path can say, and what the paths were checked against. */
function notes(paths: NxTriggerPaths): string[] {
  const { environment, runtime, depOutputs, unknown } = paths.notPaths;
  const task = `${paths.nx.project}:${paths.nx.target}`;
  const lines = [
    `# the files Nx ${paths.nxVersion} hashes for ${task}: ${paths.proof.inputFiles} of the workspace's ${paths.proof.workspaceFiles} today, every one matched${paths.proof.alsoMatched.length > 0 ? `, and ${paths.proof.alsoMatched.length} more (${paths.proof.alsoMatched.slice(0, 3).join(', ')}${paths.proof.alsoMatched.length > 3 ? ', …' : ''})` : ''}`,
  ];
  const unsaid = [
    ...environment.map((name) => `environment variable ${name}`),
    ...runtime.map((cmd) => `runtime command ${cmd}`),
    ...depOutputs.map((file) => `output of a dependency's task ${file}`),
    ...unknown.map((instruction) => `instruction ${instruction}`),
  ];
  if (unsaid.length > 0) lines.push(`# also hashed, which no path says (a change to it starts nothing): ${unsaid.join('; ')}`);
  return lines;
}

/** The paths of `tasks` in the workspace (default: the one the working directory is in); Nx's refusals are the user's to fix. */
function deriveAll(workspace: string | undefined, tasks: readonly NxTaskName[]): NxTriggerPaths[] {
  try {
    return nxTriggerPathsOf(workspace ?? nxWorkspaceRoot(process.cwd()), tasks);
  } catch (error) {
    if (error instanceof NxWorkspaceError) throw new UserError(error.message);
    throw error;
  }
}

/** `triggers nx PROJECT... --target T`: the properties to paste for each project, and what they say. */
function runPrint(options: { projects: string[]; target: string; configuration?: string; workspace?: string; json: boolean }): number {
  const tasks = options.projects.map((project) => ({
    project,
    target: options.target,
    ...(options.configuration ? { configuration: options.configuration } : {}),
  }));
  const derived = deriveAll(options.workspace, tasks);
  if (options.json) outJson(derived);
  else
    for (const paths of derived) {
      if (derived.length > 1) out(`# ${paths.nx.project}`);
      for (const line of notes(paths)) err(paint('dim', line, process.stderr));
      process.stdout.write(stringify(templateProperties(paths), { lineWidth: 0 }));
    }
  return 0;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/** What changed in one list of patterns, for a stale template's report. */
function difference(label: string, had: unknown, wants: unknown): string[] {
  const before = new Set(asList(had));
  const after = new Set(asList(wants));
  return [
    ...[...after].filter((p) => !before.has(p)).map((p) => `+ ${label} ${p}`),
    ...[...before].filter((p) => !after.has(p)).map((p) => `- ${label} ${p}`),
  ];
}

/** One Custom::PipelineTrigger of a template that names its Nx task. */
interface NxTrigger {
  file: string;
  logicalId: string;
  current: Record<string, unknown>;
  task: NxTaskName;
}

/** The triggers of `files` that have an Nx property (one whose Project or Target is missing is an error). */
function nxTriggersOf(files: string[]): NxTrigger[] {
  const triggers: NxTrigger[] = [];
  for (const file of files) {
    for (const resource of findTriggerResources(parseTemplate(readFileSync(file, 'utf8')))) {
      const nx = resource.properties['Nx'] as { Project?: unknown; Target?: unknown; Configuration?: unknown } | undefined;
      if (!nx) continue;
      if (typeof nx.Project !== 'string' || typeof nx.Target !== 'string')
        throw new UserError(`${file}: resource ${resource.logicalId}: Nx needs Project and Target`);
      const task = {
        project: nx.Project,
        target: nx.Target,
        ...(typeof nx.Configuration === 'string' ? { configuration: nx.Configuration } : {}),
      };
      triggers.push({ file, logicalId: resource.logicalId, current: resource.properties, task });
    }
  }
  if (triggers.length === 0) throw new UserError(`no Custom::PipelineTrigger with an Nx property in ${files.join(', ')}`);
  return triggers;
}

const PATH_PROPERTIES = ['IncludePaths', 'ExcludePaths', 'PathSyntax'] as const;

/** `triggers nx --check|--write TEMPLATE...`: every trigger with an Nx property, derived again (one Nx reading for all). */
function runTemplates(files: string[], options: { workspace?: string; write: boolean }): number {
  const triggers = nxTriggersOf(files);
  const derived = deriveAll(
    options.workspace,
    triggers.map((t) => t.task),
  );
  const stale = triggers.flatMap((trigger, i) => {
    const wanted = templateProperties(derived[i] as NxTriggerPaths);
    const { project, target } = trigger.task;
    const where = `${trigger.file}: resource ${trigger.logicalId}: the paths of ${project}:${target}`;
    if (PATH_PROPERTIES.every((key) => same(trigger.current[key], wanted[key]))) {
      out(`✓ ${where} are up to date`);
      return [];
    }
    if (!options.write) {
      out(`✗ ${where} are out of date`);
      const changes = [
        ...difference('IncludePaths', trigger.current['IncludePaths'], wanted['IncludePaths']),
        ...difference('ExcludePaths', trigger.current['ExcludePaths'], wanted['ExcludePaths']),
        ...(same(trigger.current['PathSyntax'], wanted['PathSyntax'])
          ? []
          : [`  PathSyntax ${String(trigger.current['PathSyntax'])} → glob`]),
      ];
      for (const line of changes) out(`    ${line}`);
    }
    return [{ trigger, wanted }];
  });
  if (!options.write) {
    if (stale.length > 0) err(`regenerate with: triggers nx --write ${files.join(' ')}`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const file of new Set(stale.map((s) => s.trigger.file))) {
    const doc = parseTemplateDocument(readFileSync(file, 'utf8'));
    for (const { trigger, wanted } of stale.filter((s) => s.trigger.file === file)) {
      for (const key of PATH_PROPERTIES) {
        const path = ['Resources', trigger.logicalId, 'Properties', key];
        if (wanted[key] === undefined) doc.deleteIn(path);
        else doc.setIn(path, doc.createNode(wanted[key]));
      }
      out(`✎ ${file}: resource ${trigger.logicalId}: wrote the paths of ${trigger.task.project}:${trigger.task.target}`);
    }
    writeFileSync(file, file.endsWith('.json') ? JSON.stringify(doc.toJS(), null, 2) + '\n' : doc.toString({ lineWidth: 0 }));
  }
  return 0;
}

export function registerNx(program: Command, done: (code: number) => void): void {
  command(program, 'nx [projects...]', NX_HELP)
    .option('--target <target>', 'the target whose inputs start the pipeline, e.g. build or deploy')
    .option('--configuration <name>', "the target's configuration, when not its default")
    .option('--check <templates...>', "fail when a template's Nx-derived paths are out of date")
    .option('--write <templates...>', "rewrite a template's Nx-derived paths in place")
    .option('--workspace <dir>', 'the Nx workspace (default: the nearest directory above holding nx.json)')
    .option('--json', 'for each project, the derived paths and what they were checked against: one JSON array')
    .action(
      (
        projects: string[],
        options: { target?: string; configuration?: string; check?: string[]; write?: string[]; workspace?: string; json?: boolean },
      ) => {
        const templates = options.check ?? options.write;
        if (options.check && options.write) throw new UserError('give --check or --write, not both (see triggers nx --help)', 2);
        if (templates) {
          if (projects.length > 0 || options.target)
            throw new UserError('--check and --write read the project and target from each template’s Nx property', 2);
          done(runTemplates(templates, { ...(options.workspace ? { workspace: options.workspace } : {}), write: !!options.write }));
          return;
        }
        if (projects.length === 0 || !options.target)
          throw new UserError('nx needs a PROJECT and its --target, or --check TEMPLATE (see triggers nx --help)', 2);
        done(
          runPrint({
            projects,
            target: options.target,
            ...(options.configuration ? { configuration: options.configuration } : {}),
            ...(options.workspace ? { workspace: options.workspace } : {}),
            json: !!options.json,
          }),
        );
      },
    );
}
