import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The built package (`nx build config-schema`, a dependency of this test target), as another team installs it.
const dist = join(__dirname, '..', '..', '..', 'dist', 'libs', 'config-schema');

describe('the published package', () => {
  it('has been built', () => {
    expect(existsSync(join(dist, 'package.json'))).toBe(true);
  });

  it('packs the code, the type declarations and the JSON Schema', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: dist, encoding: 'utf8' }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    expect(pack.name).toBe('@monorepo-triggers/config-schema');
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'trigger-config.schema.json', 'src/index.js', 'src/index.d.ts']),
    );
    expect(files.filter((f) => f.endsWith('.spec.js'))).toEqual([]);
  });

  it('loads through its exports map in a plain Node process and validates a config', () => {
    const script = `
      const pkg = require('@monorepo-triggers/config-schema');
      const schema = require('@monorepo-triggers/config-schema/trigger-config.schema.json');
      const r = pkg.validateTriggerConfig({ version: 1, repository: 'a/b', pipelineName: 'p', branches: ['main'], includePaths: ['^x/'] });
      console.log(JSON.stringify({ ok: r.ok, title: schema.title, decide: typeof pkg.decide }));`;
    // A consumer project whose node_modules holds the package (its own dependencies resolve from
    // the package's real location, as with a linked install).
    const consumer = mkdtempSync(join(tmpdir(), 'consumer-'));
    mkdirSync(join(consumer, 'node_modules', '@monorepo-triggers'), { recursive: true });
    symlinkSync(dist, join(consumer, 'node_modules', '@monorepo-triggers', 'config-schema'), 'dir');
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: consumer });
    rmSync(consumer, { recursive: true, force: true });
    expect(JSON.parse(out)).toEqual({ ok: true, title: 'monorepo-triggers trigger configuration', decide: 'function' });
  });
});
