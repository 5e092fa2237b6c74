import { splitTopLevel } from './nx-glob';

/**
 * A task's hash plan (Nx's `HashPlanner.getPlans`, the instructions `nx graph` shows for a task),
 * read into what concerns a trigger: file sets per project, workspace files, and the instructions
 * that name no pattern but stand for files (a project's configuration, the root tsconfig, external
 * packages). The instructions are parsed as Nx's own graph client reads them (`expandInputs` in
 * nx/src/command-line/graph): `workspace:[a,b]`, `<project>:<glob>,!<glob>`,
 * `<project>:ProjectConfiguration`, `<project>:TsConfig`, `npm:<package>`, `AllExternalDependencies`,
 * `env:<name>`, `runtime:<command>`.
 */

/** One project's file set: Nx's globs (workspace-relative), those to leave out prefixed `!` removed. */
export interface ProjectFileSet {
  project: string;
  include: string[];
  exclude: string[];
}

export interface HashPlan {
  fileSets: ProjectFileSet[];
  /** Workspace-relative globs of `{workspaceRoot}/…` inputs. */
  workspaceInclude: string[];
  workspaceExclude: string[];
  /** Projects whose configuration is hashed (their project.json or package.json). */
  configurationOf: string[];
  /** Whether the root tsconfig's path mappings are hashed. */
  tsConfig: boolean;
  /** Whether the versions of external packages are hashed (the lock file). */
  externalPackages: boolean;
  environment: string[];
  runtime: string[];
  /** Instructions this reading does not know; they are reported, and the proof against Nx's files decides. */
  unknown: string[];
}

/** `a,{b,c},d` split at top-level commas (a brace alternative keeps its own). */
const splitPatterns = (list: string): string[] => splitTopLevel(list, ',').filter((part) => part.length > 0);

const WORKSPACE_ROOT = '{workspaceRoot}/';
const withoutDotSlash = (glob: string) => (glob.startsWith('./') ? glob.slice(2) : glob);

export function parseHashPlan(plan: readonly string[], projects: ReadonlySet<string>): HashPlan {
  const parsed: HashPlan = {
    fileSets: [],
    workspaceInclude: [],
    workspaceExclude: [],
    configurationOf: [],
    tsConfig: false,
    externalPackages: false,
    environment: [],
    runtime: [],
    unknown: [],
  };
  for (const instruction of plan) {
    if (instruction.startsWith('workspace:[') && instruction.endsWith(']')) {
      for (const pattern of splitPatterns(instruction.slice('workspace:['.length, -1))) {
        const negated = pattern.startsWith('!');
        const glob = negated ? pattern.slice(1) : pattern;
        const relative = glob.startsWith(WORKSPACE_ROOT) ? glob.slice(WORKSPACE_ROOT.length) : glob;
        (negated ? parsed.workspaceExclude : parsed.workspaceInclude).push(relative);
      }
      continue;
    }
    if (instruction === 'AllExternalDependencies' || instruction.startsWith('npm:')) {
      parsed.externalPackages = true;
      continue;
    }
    const colon = instruction.indexOf(':');
    const head = colon < 0 ? instruction : instruction.slice(0, colon);
    const rest = colon < 0 ? '' : instruction.slice(colon + 1);
    // A project's name comes first (Nx's own reading tries it before anything else).
    if (projects.has(head)) {
      if (rest === 'ProjectConfiguration') parsed.configurationOf.push(head);
      else if (rest === 'TsConfig') parsed.tsConfig = true;
      else {
        const patterns = splitPatterns(rest);
        parsed.fileSets.push({
          project: head,
          include: patterns.filter((p) => !p.startsWith('!')).map(withoutDotSlash),
          exclude: patterns.filter((p) => p.startsWith('!')).map((p) => withoutDotSlash(p.slice(1))),
        });
      }
    } else if (head === 'env') parsed.environment.push(rest);
    else if (head === 'runtime') parsed.runtime.push(rest);
    else parsed.unknown.push(instruction);
  }
  return parsed;
}
