import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, sep } from 'node:path';

// The release of @monorepo-triggers/config-schema as docs/releasing.md describes it, run for real
// with --dry-run: `nx release` versions from the committed version plans, previews the changelog
// entry and runs the publish step (`npm publish --dry-run` of the built dist folder). Nothing is
// written, committed, tagged or sent: npm runs offline, against a registry address nothing listens on.

const PROJECT = 'config-schema';
const workspace = join(__dirname, '..', '..', '..');
const projectRoot = join(workspace, 'libs', 'config-schema');
const plansDir = join(workspace, '.nx', 'version-plans');
const schemasDir = join(projectRoot, 'schemas');
const dist = join(workspace, 'dist', 'libs', 'config-schema');
const nx = require.resolve('nx/bin/nx');

type Bump = 'patch' | 'minor' | 'major';
/** Lowest to highest: a release takes the highest bump among its plans. */
const BUMPS: readonly Bump[] = ['patch', 'minor', 'major'];
/** The bump words a version plan may use (nx release's aliases included); prereleases are not part of the rule. */
const BUMP_WORDS: Record<string, Bump> = {
  patch: 'patch',
  fix: 'patch',
  minor: 'minor',
  feat: 'minor',
  major: 'major',
  'feat!': 'major',
  'fix!': 'major',
};

interface Plan {
  file: string;
  bump: Bump;
  message: string;
}

/** The committed version plans that concern config-schema: YAML front matter `config-schema: <bump>`, then the changelog entry. */
function versionPlans(): Plan[] {
  if (!existsSync(plansDir)) return [];
  return readdirSync(plansDir)
    .filter((file) => file.endsWith('.md'))
    .sort()
    .flatMap((file) => {
      const text = readFileSync(join(plansDir, file), 'utf8');
      const parts = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
      if (!parts) throw new Error(`${file}: a version plan starts with front matter between --- lines`);
      const fields = new Map(
        (parts[1] as string)
          .split(/\r?\n/)
          .filter((line) => line.trim() !== '')
          .map((line) => {
            const colon = line.indexOf(':');
            const unquote = (s: string) => s.trim().replace(/^(['"])(.*)\1$/, '$2');
            return [unquote(line.slice(0, colon)), unquote(line.slice(colon + 1))] as const;
          }),
      );
      const word = fields.get(PROJECT);
      if (word === undefined) return [];
      const bump = BUMP_WORDS[word];
      if (bump === undefined) throw new Error(`${file}: "${word}" is not major, minor or patch (docs/releasing.md)`);
      return [{ file, bump, message: (parts[2] as string).trim() }];
    });
}

/** Semantic versioning's increment, 0.x included (a major bump of 0.1.0 is 1.0.0). */
function bumped(version: string, bump: Bump): string {
  const parts = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!parts) throw new Error(`${version} is not a release version (MAJOR.MINOR.PATCH)`);
  const [major, minor, patch] = parts.slice(1).map(Number) as [number, number, number];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** The version the plans call for, or null when there is none (nothing to release). */
function expectedNextVersion(current: string, plans: readonly Plan[]): string | null {
  if (plans.length === 0) return null;
  const highest = plans.reduce((high, plan) => (BUMPS.indexOf(plan.bump) > BUMPS.indexOf(high) ? plan.bump : high), 'patch' as Bump);
  return bumped(current, highest);
}

/** Every file under `dir`, as a package-relative posix path under `prefix`. */
function filesUnder(dir: string, prefix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => posix.join(prefix, relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/')))
    .sort();
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8' });

/** What a release could leave behind: commits, tags, changed or new files, and the contents of the files it writes. */
function traces() {
  const written = [
    join(projectRoot, 'package.json'),
    join(projectRoot, 'CHANGELOG.md'),
    join(workspace, 'package-lock.json'),
    join(dist, 'package.json'),
    ...(existsSync(plansDir) ? readdirSync(plansDir).map((file) => join(plansDir, file)) : []),
  ];
  return {
    head: git('rev-parse', 'HEAD').trim(),
    tags: git('tag', '--list'),
    // Only where a release writes: other projects' tests run beside this one and may come and go.
    status: git(
      'status',
      '--porcelain',
      '--untracked-files=all',
      '--',
      'libs/config-schema',
      '.nx/version-plans',
      'package.json',
      'package-lock.json',
      'nx.json',
    ),
    files: Object.fromEntries(
      written.map((file) => [
        relative(workspace, file),
        existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'absent',
      ]),
    ),
  };
}

/**
 * Runs nx in the workspace, offline for npm, without colours; its whole output (stdout and stderr
 * interleaved, as a terminal shows them: nx prints a file's diff header on one and the diff on the
 * other), whatever the exit code.
 */
function runNx(args: string[]): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CI: 'true',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    // npm publish --dry-run asks the registry about the version unless offline; nothing listens on port 9.
    npm_config_offline: 'true',
    npm_config_registry: 'http://127.0.0.1:9/',
  };
  const dir = mkdtempSync(join(tmpdir(), 'nx-release-'));
  try {
    const log = join(dir, 'output.log');
    const fd = openSync(log, 'w');
    let status: number | null;
    try {
      status = spawnSync(process.execPath, [nx, ...args], { cwd: workspace, env, stdio: ['ignore', fd, fd] }).status;
    } finally {
      closeSync(fd);
    }
    // eslint-disable-next-line no-control-regex
    return { status, output: readFileSync(log, 'utf8').replace(/\u001b\[[0-9;]*m/g, '') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An nx command's standard output (e.g. `show project --json`); throws with its output if it fails. */
function runNxQuiet(args: string[]): string {
  return execFileSync(process.execPath, [nx, ...args], {
    cwd: workspace,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The lines the changelog step would add to libs/config-schema/CHANGELOG.md, without the diff's `+ `. */
function changelogPreview(output: string): string | undefined {
  const preview = /(?:CREATE|UPDATE) libs\/config-schema\/CHANGELOG\.md \[dry-run\]\n([\s\S]*?)(?:\n\s*\n\s*\n| NX )/.exec(output);
  if (!preview) return undefined;
  return (preview[1] as string)
    .split('\n')
    .filter((line) => line.startsWith('+'))
    .map((line) => line.replace(/^\+ ?/, ''))
    .join('\n');
}

/** The files of the publish step's tarball listing (npm publish --dry-run), checked against its own file count. */
function tarballFiles(output: string): string[] {
  const contents = /=== Tarball Contents ===\n([\s\S]*?)=== Tarball Details ===/.exec(output);
  const total = /total files:\s+(\d+)/.exec(output);
  if (!contents || !total) throw new Error(`no tarball listing in the publish step's output:\n${output}`);
  const files = (contents[1] as string)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (/^\s*\S+\s+(\S+)\s*$/.exec(line) ?? [])[1] ?? `(unreadable line: ${line})`);
  expect(files).toHaveLength(Number(total[1]));
  return files;
}

describe('the version rule, as the test computes it', () => {
  it.each([
    ['0.1.0', 'major', '1.0.0'],
    ['1.0.0', 'minor', '1.1.0'],
    ['1.1.0', 'patch', '1.1.1'],
    ['1.4.2', 'major', '2.0.0'],
    ['1.4.2', 'minor', '1.5.0'],
  ] as const)('bumps %s by a %s plan to %s', (version, bump, next) => {
    expect(bumped(version, bump)).toBe(next);
  });

  it('takes the highest bump among the plans', () => {
    const plan = (bump: Bump): Plan => ({ file: `${bump}.md`, bump, message: bump });
    expect(expectedNextVersion('1.2.3', [plan('patch'), plan('major'), plan('minor')])).toBe('2.0.0');
    expect(expectedNextVersion('1.2.3', [plan('patch'), plan('minor')])).toBe('1.3.0');
    expect(expectedNextVersion('1.2.3', [])).toBeNull();
  });
});

describe('nx release --dry-run', () => {
  const current = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version as string;
  const plans = versionPlans();
  const expected = expectedNextVersion(current, plans);
  let release: { status: number | null; output: string };
  let publish: { status: number | null; output: string };
  let before: ReturnType<typeof traces>;
  let after: ReturnType<typeof traces>;

  beforeAll(() => {
    before = traces();
    // The release's version and changelog steps, then its publish step on its own: `nx release`
    // would build the package first (nx-release-publish depends on build, checked below), which
    // rewrites dist/ from the cache under the other tests that read it; this target built it already.
    release = runNx(['release', '--dry-run', '--skip-publish']);
    publish = runNx(['release', 'publish', '--dry-run', '--excludeTaskDependencies']);
    after = traces();
  });

  it('succeeds', () => {
    const failed = (run: typeof release) => (run.status === 0 ? '' : run.output);
    expect({ release: release.status, publish: publish.status, output: failed(release) + failed(publish) }).toEqual({
      release: 0,
      publish: 0,
      output: '',
    });
  });

  it('reads the current version from package.json, with no git tag needed', () => {
    expect(release.output).toContain(`Resolved the current version as ${current} from manifest: libs/config-schema/package.json`);
  });

  it('versions the package as its version plans say', () => {
    const written = /New version (\S+) written to manifest: libs\/config-schema\/package\.json/.exec(release.output);
    expect(written?.[1] ?? null).toBe(expected);
  });

  it('previews a changelog entry for that version with every plan in it, breaking changes apart', () => {
    const preview = changelogPreview(release.output);
    if (expected === null) {
      expect(preview).toBeUndefined();
      return;
    }
    expect(preview).toBeDefined();
    const text = preview as string;
    expect(text.split('\n')[0]).toMatch(new RegExp(`^#{1,2} ${expected.replace(/\./g, '\\.')}( |$)`));
    const breaking = text.indexOf('Breaking Changes');
    for (const plan of plans) {
      for (const line of plan.message.split('\n').filter((l) => l.trim() !== '')) {
        const at = text.indexOf(line.trim());
        expect({ plan: plan.file, line, found: at >= 0 }).toEqual({ plan: plan.file, line, found: true });
        // Entries of major plans under "Breaking Changes", the others above it.
        expect({ plan: plan.file, breaking: breaking >= 0 && at > breaking }).toEqual({ plan: plan.file, breaking: plan.bump === 'major' });
      }
    }
  });

  it('publishes from dist after building it', () => {
    const { targets } = JSON.parse(runNxQuiet(['show', 'project', PROJECT, '--json']));
    expect(targets['nx-release-publish']).toMatchObject({ dependsOn: ['build'], options: { packageRoot: 'dist/libs/config-schema' } });
    expect(targets.build.options.outputPath).toBe('dist/libs/config-schema');
  });

  it('packs the JSON Schemas and no test files (npm publish --dry-run of dist)', () => {
    expect(publish.output).toContain('@monorepo-triggers/config-schema@');
    expect(publish.output).toMatch(/Would publish to \S+ with tag "latest", but \[dry-run\] was set/);
    const files = tarballFiles(publish.output);
    const schemas = ['trigger-config.schema.json', ...filesUnder(schemasDir, 'schemas')];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'src/index.js', 'src/index.d.ts', ...schemas]));
    expect(files.filter((f) => /(^|\/)(tests?|__tests__)\/|\.(spec|test)\.[cm]?[jt]s(\.map)?$|(^|\/)jest\.config\./.test(f))).toEqual([]);
  });

  it('leaves no trace: no commit, no tag, no file written or removed', () => {
    expect(after).toEqual(before);
  });
});

describe('the packed JSON Schemas', () => {
  it('resolve through the package exports, each per-version schema under schemas/', () => {
    const consumer = mkdtempSync(join(tmpdir(), 'consumer-'));
    try {
      mkdirSync(join(consumer, 'node_modules', '@monorepo-triggers'), { recursive: true });
      symlinkSync(dist, join(consumer, 'node_modules', '@monorepo-triggers', 'config-schema'), 'dir');
      const names = ['trigger-config.schema.json', ...filesUnder(schemasDir, 'schemas').filter((f) => f.endsWith('.json'))];
      const script = `console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => require.resolve('@monorepo-triggers/config-schema/' + n))))`;
      const resolved: string[] = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' }));
      expect(resolved.map((file) => relative(dist, file).split(sep).join('/'))).toEqual(names);
    } finally {
      rmSync(consumer, { recursive: true, force: true });
    }
  });
});
