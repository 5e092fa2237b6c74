import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** This repository's node_modules: the Nx a test workspace runs is the one installed here. */
const NODE_MODULES = join(__dirname, '..', '..', '..', '..', 'node_modules');
const NX_BIN = join(NODE_MODULES, 'nx', 'dist', 'bin', 'nx.js');
const NX_ENV = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', NO_COLOR: '1', FORCE_COLOR: undefined };

/** The namedInputs of an Nx workspace as `create-nx-workspace` writes them (nrwl/nx-examples keeps the same). */
export const GENERATED_NAMED_INPUTS = {
  default: ['{projectRoot}/**/*', 'sharedGlobals'],
  sharedGlobals: [],
  production: [
    'default',
    '!{projectRoot}/**/?(*.)+(spec|test).[jt]s?(x)?(.snap)',
    '!{projectRoot}/tsconfig.spec.json',
    '!{projectRoot}/jest.config.[jt]s',
    '!{projectRoot}/src/test-setup.[jt]s',
    '!{projectRoot}/.eslintrc.json',
    '!{projectRoot}/eslint.config.mjs',
  ],
};

export interface WorkspaceProject {
  root: string;
  /** Names of the projects it imports (a TypeScript import of their alias, which Nx reads). */
  imports?: string[];
  targets?: Record<string, unknown>;
  /** Extra files, relative to the root, with their text. */
  files?: Record<string, string>;
}

/**
 * A real Nx workspace in a temporary directory: nx.json, tsconfig.base.json path aliases, one
 * project.json per project and TypeScript sources whose imports Nx turns into the project graph.
 * Nx itself comes from this repository's node_modules (a symlink), so the workspace runs the same
 * Nx the rest of the repository does.
 */
export class NxTestWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), 'nx-workspace-'));

  constructor(
    private readonly projects: Record<string, WorkspaceProject>,
    private readonly nxJson: Record<string, unknown> = {},
  ) {
    symlinkSync(NODE_MODULES, join(this.root, 'node_modules'), 'dir');
    this.write('package.json', JSON.stringify({ name: 'acme', private: true, devDependencies: { nx: '*', '@nx/js': '*' } }, null, 2));
    this.write('package-lock.json', JSON.stringify({ name: 'acme', lockfileVersion: 3, packages: {} }, null, 2));
    this.write('.gitignore', 'node_modules\n.nx\ndist\n');
    this.write(
      'nx.json',
      JSON.stringify(
        {
          namedInputs: GENERATED_NAMED_INPUTS,
          targetDefaults: { build: { dependsOn: ['^build'], inputs: ['production', '^production'], cache: true } },
          ...nxJson,
        },
        null,
        2,
      ),
    );
    this.writeProjects();
  }

  /** Where each project's alias points (`@acme/<name>`). */
  private writeProjects(): void {
    const paths = Object.fromEntries(Object.entries(this.projects).map(([name, p]) => [`@acme/${name}`, [`${p.root}/src/index.ts`]]));
    this.write('tsconfig.base.json', JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }, null, 2));
    for (const [name, project] of Object.entries(this.projects)) {
      const targets = project.targets ?? { build: { command: 'echo build' }, test: { command: 'echo test' } };
      this.write(`${project.root}/project.json`, JSON.stringify({ name, sourceRoot: `${project.root}/src`, targets }, null, 2));
      this.writeIndex(name);
      this.write(
        `${project.root}/src/index.spec.ts`,
        `import * as subject from './index';\nit('exists', () => expect(subject).toBeDefined());\n`,
      );
      this.write(`${project.root}/README.md`, `# ${name}\n`);
      for (const [file, text] of Object.entries(project.files ?? {})) this.write(`${project.root}/${file}`, text);
    }
  }

  private writeIndex(name: string): void {
    const project = this.projects[name] as WorkspaceProject;
    const imports = (project.imports ?? []).map((dep) => `export * as ${dep.replace(/\W/g, '_')} from '@acme/${dep}';\n`).join('');
    this.write(`${project.root}/src/index.ts`, `${imports}export const name = '${name}';\n`);
  }

  /** `name` starts importing `dependency`: a new edge in the project graph, written the way a developer would. */
  addImport(name: string, dependency: string): void {
    const project = this.projects[name] as WorkspaceProject;
    project.imports = [...(project.imports ?? []), dependency];
    this.writeIndex(name);
  }

  write(file: string, text: string): void {
    mkdirSync(dirname(join(this.root, file)), { recursive: true });
    writeFileSync(join(this.root, file), text);
  }

  /** The project root of `name`. */
  rootOf(name: string): string {
    return (this.projects[name] as WorkspaceProject).root;
  }

  /** Runs the workspace's Nx (`nx <args>`) and returns its standard output. */
  nx(args: string[]): string {
    return execFileSync(process.execPath, [NX_BIN, ...args], {
      cwd: this.root,
      encoding: 'utf8',
      env: NX_ENV,
    });
  }

  /** The projects `nx affected -t <target> --files=<file>` selects (Nx's own answer, through its CLI). */
  affected(target: string, file: string): string[] {
    const out = this.nx(['show', 'projects', '--affected', `--files=${file}`, '--withTarget', target, '--json']);
    return (JSON.parse(out) as string[]).sort();
  }

  /**
   * Which of `files` Nx hashes for `project:target`: one `nx show target inputs --check` with them all,
   * read from the list of those it says "were inputs".
   */
  inputsAmong(project: string, target: string, files: readonly string[]): Set<string> {
    const run = spawnSync(process.execPath, [NX_BIN, 'show', 'target', 'inputs', `${project}:${target}`, '--check', ...files], {
      cwd: this.root,
      encoding: 'utf8',
      env: NX_ENV,
    });
    const sections = run.stdout.split(/\n(?=[✓✗] )/);
    const matched = sections.find((section) => /^✓ These arguments were inputs/.test(section));
    if (!matched && !sections.some((section) => /^✗ These arguments were not inputs/.test(section)))
      throw new Error(`nx show target inputs --check said neither: ${run.stdout}${run.stderr}`);
    return new Set(
      (matched ?? '')
        .split('\n')
        .slice(1)
        .map((line) => line.trim())
        .filter(Boolean),
    );
  }

  /** Whether Nx hashes external packages for `project:target`: their versions, which it reads from the lock file. */
  hashesExternalPackages(project: string, target: string): boolean {
    const inputs = JSON.parse(this.nx(['show', 'target', 'inputs', `${project}:${target}`, '--json'])) as { external: string[] };
    return inputs.external.length > 0;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
