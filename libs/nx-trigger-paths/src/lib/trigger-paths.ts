import { compilePathPattern, LIMITS } from '@monorepo-triggers/config-schema';
import { parseHashPlan, type ProjectFileSet } from './hash-plan';
import { configGlob } from './nx-glob';
import type { NxTaskReading } from './nx-task-reader';

/** The Nx task a config's paths were derived from; stored with the config so `why` and `doctor` can say so. */
export interface NxOrigin {
  project: string;
  target: string;
  configuration?: string;
}

/** A trigger's paths as Nx computes them for one task, and what they were checked against. */
export interface NxTriggerPaths {
  includePaths: string[];
  excludePaths: string[];
  pathSyntax: 'glob';
  nx: NxOrigin;
  nxVersion: string;
  /** What Nx also hashes for the task that no path can say (a change to them starts nothing). */
  notPaths: { environment: string[]; runtime: string[]; depOutputs: string[]; unknown: string[] };
  /** The proof on the workspace as it is: every file Nx hashes is matched; these files are matched too. */
  proof: { inputFiles: number; workspaceFiles: number; alsoMatched: string[] };
}

/** Lock files Nx reads external package versions from, at the workspace root. */
const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'];

/** An exclusion and where it came from: a rewrite that loses a file Nx hashes is narrowed or dropped. */
interface Exclusion {
  glob: string;
  /** For a shape shared by every project (`**\/*.spec.ts`): the projects whose own form replaces it if it must go. */
  sharedBy?: string[];
}

/** One file set per project: the union of what each instruction includes, leaving out only what all leave out. */
function mergeFileSets(fileSets: readonly ProjectFileSet[]): ProjectFileSet[] {
  const byProject = new Map<string, ProjectFileSet>();
  for (const set of fileSets) {
    const seen = byProject.get(set.project);
    if (!seen) byProject.set(set.project, { project: set.project, include: [...set.include], exclude: [...set.exclude] });
    else {
      seen.include = [...new Set([...seen.include, ...set.include])];
      seen.exclude = seen.exclude.filter((glob) => set.exclude.includes(glob));
    }
  }
  return [...byProject.values()];
}

/** The folder holding `path` ('' at the workspace root). */
const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
/** A shared exclusion's shape relative to each project root: `**\/x` stays, `libs/*\/x` becomes `x`. */
const shapeOf = (glob: string) => (glob.startsWith('**/') ? glob : glob.slice(glob.indexOf('/*/') + 3));

const under = (root: string, path: string) => root === '.' || root === '' || path === root || path.startsWith(`${root}/`);
const rootPrefix = (root: string) => (root === '.' || root === '' ? '' : `${root}/`);

/** Whether each path is matched by the includes and by none of the exclusions (the config's own rule). */
function matcher(includes: readonly string[], excludes: readonly string[]): (path: string) => boolean {
  const include = includes.map((glob, i) => compilePathPattern(glob, 'glob', i));
  const exclude = excludes.map((glob, i) => compilePathPattern(glob, 'glob', i));
  return (path) => include.some((p) => p.test(path)) && !exclude.some((p) => p.test(path));
}

/**
 * Folders whose every file is already included, through two or more of its subfolders' trees
 * (`libs/a/**`, `libs/b/**`), become one tree (`libs/**`): the same files today, far fewer patterns
 * in a workspace of hundreds of projects. A folder added there later is included too (a build too
 * many, never one missed).
 */
function collapseFolders(includes: Set<string>, workspaceFiles: readonly string[]): void {
  for (;;) {
    const trees = [...includes].filter((glob) => glob.endsWith('/**') && !/[*?[\]{}]/.test(glob.slice(0, -3)));
    const byParent = new Map<string, string[]>();
    for (const tree of trees) {
      const parent = parentOf(tree.slice(0, -3));
      if (parent !== '') byParent.set(parent, [...(byParent.get(parent) ?? []), tree]);
    }
    const matches = matcher([...includes], []);
    const folder = [...byParent].find(
      ([parent, children]) => children.length > 1 && workspaceFiles.every((file) => !file.startsWith(`${parent}/`) || matches(file)),
    );
    if (!folder) return;
    const [parent] = folder;
    for (const glob of [...includes]) if (glob.startsWith(`${parent}/`)) includes.delete(glob);
    includes.add(`${parent}/**`);
  }
}

/**
 * The include and exclude globs that match exactly the files Nx hashes for the task (`reading`), as
 * folders and Nx's own patterns rather than a file list, so a file added later is covered the way Nx
 * covers it. Checked against Nx's resolved input files on the workspace as it is: a file Nx hashes
 * that the globs would miss loosens the exclusion responsible (never the other way round).
 */
export function triggerPathsFrom(reading: NxTaskReading, origin: NxOrigin): NxTriggerPaths {
  const roots = reading.projectRoots;
  const files = new Set(reading.workspaceFiles);
  const plan = parseHashPlan(reading.plan, new Set(Object.keys(roots)));
  const fileSets = mergeFileSets(plan.fileSets);

  const includes = new Set<string>();
  /** Files Nx hashes without listing them as inputs (configurations, the tsconfig, the lock file). */
  const named = new Set<string>();
  for (const set of fileSets) for (const glob of set.include) includes.add(configGlob(glob, 'include') as string);
  for (const glob of plan.workspaceInclude) includes.add(configGlob(glob, 'include') as string);
  for (const project of plan.configurationOf) {
    const root = rootPrefix(roots[project] ?? '.');
    const configFiles = [`${root}project.json`, `${root}package.json`].filter((file) => files.has(file));
    for (const file of configFiles.length > 0 ? configFiles : [`${root}project.json`]) named.add(file);
  }
  if (plan.tsConfig && reading.rootTsConfig) named.add(reading.rootTsConfig);
  if (plan.externalPackages) {
    const locks = LOCK_FILES.filter((file) => files.has(file));
    for (const file of locks.length > 0 ? locks : ['package.json']) named.add(file);
  }
  for (const file of named) includes.add(file);

  // Exclusions, said as few times as Nx's namedInputs allow: a shape every included project leaves
  // out anywhere (`**/*.spec.ts` under each root) once for the workspace; one that the projects of a
  // folder all leave out (`libs/*/jest.config.ts`) once for the folder; any other for its root.
  const exclusions: Exclusion[] = [];
  const shapes = new Map<string, string[]>();
  for (const set of fileSets) {
    const prefix = rootPrefix(roots[set.project] ?? '.');
    for (const glob of set.exclude) {
      const narrowed = configGlob(glob, 'exclude');
      if (narrowed === undefined) continue; // cannot be narrowed: leaving it out only adds files
      if (prefix !== '' && narrowed.startsWith(prefix)) {
        const shape = narrowed.slice(prefix.length);
        shapes.set(shape, [...(shapes.get(shape) ?? []), set.project]);
      } else exclusions.push({ glob: narrowed });
    }
  }
  const includedRoots = fileSets.map((set) => roots[set.project] ?? '.');
  for (const [shape, projects] of shapes) {
    if (shape.startsWith('**/') && projects.length === fileSets.length && fileSets.length > 1) {
      exclusions.push({ glob: shape, sharedBy: projects });
      continue;
    }
    const byFolder = new Map<string, string[]>();
    for (const project of projects) {
      const folder = parentOf(roots[project] ?? '.');
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), project]);
    }
    for (const [folder, inFolder] of byFolder) {
      const siblings = includedRoots.filter((root) => root !== '.' && parentOf(root) === folder).length;
      if (folder !== '' && inFolder.length > 1 && inFolder.length === siblings)
        exclusions.push({ glob: `${folder}/*/${shape}`, sharedBy: inFolder });
      else for (const project of inFolder) exclusions.push({ glob: `${rootPrefix(roots[project] ?? '.')}${shape}` });
    }
  }
  for (const glob of plan.workspaceExclude) {
    const narrowed = configGlob(glob, 'exclude');
    if (narrowed !== undefined) exclusions.push({ glob: narrowed });
  }
  // A project nested inside an included one owns its files (Nx gives a file to the project with the
  // longest root): unless it is included itself, its folder is left out of the outer one's.
  const included = new Set(fileSets.map((set) => set.project));
  for (const [project, root] of Object.entries(roots)) {
    if (included.has(project) || root === '.' || root === '') continue;
    const inside = fileSets.some((set) => {
      const outer = roots[set.project] ?? '.';
      return outer !== root && under(outer, root);
    });
    const namesAFile = [...named].some((file) => under(root, file));
    if (inside && !namesAFile) exclusions.push({ glob: `${root}/**` });
  }

  collapseFolders(includes, reading.workspaceFiles);

  // The proof: every file Nx hashes must match. A miss loosens the exclusion that caused it: a
  // workspace-wide shape becomes its per-project form, any other is dropped.
  const inputs = reading.inputFiles;
  let current = exclusions;
  for (let round = 0; ; round++) {
    const matches = matcher(
      [...includes],
      current.map((e) => e.glob),
    );
    const missed = inputs.filter((file) => !matches(file));
    if (missed.length === 0) break;
    if (round > 50) throw new Error(`the paths derived from Nx still miss ${missed.slice(0, 5).join(', ')}`);
    const next: Exclusion[] = [];
    for (const exclusion of current) {
      const test = compilePathPattern(exclusion.glob, 'glob', 0);
      if (!missed.some((file) => test.test(file))) next.push(exclusion);
      else if (exclusion.sharedBy)
        for (const project of exclusion.sharedBy) next.push({ glob: `${rootPrefix(roots[project] ?? '.')}${shapeOf(exclusion.glob)}` });
    }
    const includeMatches = matcher([...includes], []);
    for (const file of missed) if (!includeMatches(file)) includes.add(file);
    current = next;
  }

  const excludePaths = [...new Set(current.map((e) => e.glob))].sort();
  // A named file already matched by a folder (a project's own project.json) needs no line of its own.
  const folders = matcher(
    [...includes].filter((glob) => !named.has(glob)),
    excludePaths,
  );
  const includePaths = [...includes].filter((glob) => !(named.has(glob) && folders(glob))).sort();
  const hashed = new Set([...inputs, ...named]);
  const matches = matcher(includePaths, excludePaths);
  const alsoMatched = reading.workspaceFiles.filter((file) => matches(file) && !hashed.has(file)).sort();
  if (includePaths.length > LIMITS.pathPatterns || excludePaths.length > LIMITS.pathPatterns)
    throw new Error(
      `${origin.project}:${origin.target} needs ${includePaths.length} include and ${excludePaths.length} exclude patterns, more than a config holds (${LIMITS.pathPatterns} each)`,
    );
  return {
    includePaths,
    excludePaths,
    pathSyntax: 'glob',
    nx: origin,
    nxVersion: reading.nxVersion,
    notPaths: { environment: plan.environment, runtime: plan.runtime, depOutputs: reading.depOutputs, unknown: plan.unknown },
    proof: { inputFiles: inputs.length, workspaceFiles: reading.workspaceFiles.length, alsoMatched },
  };
}
