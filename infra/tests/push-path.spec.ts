import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The walk of one push in docs/architecture.md#follow-one-push, held to the code and to the counts
// the page states: a file moved, renamed or no longer called breaks it, and so does a count the
// page no longer tells truly.
interface Leg {
  files: number;
  projects: number;
  reentries: string[];
}
interface Walk {
  problems: string[];
  toStart: Leg;
  toStatus: Leg;
}

const ROOT = join(__dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const TABLE = /<!-- push-path:begin -->[\s\S]*<!-- push-path:end -->/;

/** Runs `node tools/push-path.cjs --json`, as anyone would, on a page holding `table`. */
function pushPath(table: string): Walk {
  const dir = mkdtempSync(join(tmpdir(), 'push-path-'));
  try {
    const doc = join(dir, 'walk.md');
    writeFileSync(doc, table);
    const run = spawnSync(process.execPath, [join(ROOT, 'tools/push-path.cjs'), '--root', ROOT, '--doc', doc, '--json'], {
      encoding: 'utf8',
    });
    return JSON.parse(run.stdout) as Walk;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The page's table with some rows' cells changed. */
const table = (rows: [string, string, string][], reachesAt = rows.length) =>
  [
    '<!-- push-path:begin -->',
    '| step | file | function | called from | reaches |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      ([file, fn, caller], i) =>
        `| ${i + 1} | \`${file}\` | \`${fn}\` | ${caller} | ${i + 1 === reachesAt ? 'StartPipelineExecution' : ''} |`,
    ),
    '<!-- push-path:end -->',
  ].join('\n');

/** The page's own rows: file, function, caller. */
const ROWS = (TABLE.exec(DOC)?.[0] ?? '')
  .split('\n')
  .filter((line) => /^\|\s*\d+\s*\|/.test(line))
  .map(
    (line) =>
      line
        .split('|')
        .slice(2, 5)
        .map((cell) => cell.replace(/`/g, '').trim()) as [string, string, string],
  );

describe('the walk of one push (docs/architecture.md#follow-one-push)', () => {
  const result = pushPath(DOC);

  it('names files that exist, functions they define, and callers that call them', () => {
    expect(ROWS.length).toBeGreaterThan(20);
    expect(result.problems).toEqual([]);
  });

  it('counts what the page says', () => {
    const stated = (leg: string) => {
      const match = new RegExp(`${leg}: \\*\\*(\\d+)\\s+files\\s+in\\s+(\\d+)\\s+projects\\*\\*`).exec(DOC);
      if (!match) throw new Error(`the page states no count ${leg}`);
      return { files: Number(match[1]), projects: Number(match[2]) };
    };
    expect({ files: result.toStart.files, projects: result.toStart.projects }).toEqual(stated('To `StartPipelineExecution`'));
    expect({ files: result.toStatus.files, projects: result.toStatus.projects }).toEqual(stated('On to the commit status'));
  });

  it('finds a step that is not true of the code', () => {
    const broken = ROWS.map(([file, fn, caller], i): [string, string, string] =>
      i === 2 ? ['apps/webhook/src/lib/gone.ts', fn, caller] : i === 4 ? [file, 'notCalledAnywhere', caller] : [file, fn, caller],
    );
    const starts = ROWS.findIndex(([, fn]) => fn === 'startRequestFor') + 1;
    expect(pushPath(table(broken, starts)).problems).toEqual([
      'step 3: apps/webhook/src/lib/gone.ts does not exist',
      'step 4: apps/webhook/src/lib/gone.ts (step 3) does not call verify',
      'step 5: libs/github-events/src/lib/eval-event-of.ts does not define notCalledAnywhere',
      'step 5: apps/webhook/src/lib/gone.ts (step 3) does not call notCalledAnywhere',
      'step 8: apps/webhook/src/lib/gone.ts (step 3) does not call dispatch',
    ]);
  });

  it('counts a project entered again from another place, not one file calling two of its functions', () => {
    // decide-all calls createChangeSet and decide (one visit); since-last-success calls decide again (another).
    const legs = pushPath(
      table([
        ['apps/eval/src/lib/decide-all.ts', 'decideAll', 'a test'],
        ['libs/config-schema/src/decision/change-set.ts', 'createChangeSet', '1'],
        ['libs/config-schema/src/decision/decide.ts', 'decide', '1'],
        ['apps/eval/src/lib/since-last-success.ts', 'decideSinceLastSuccess', '1'],
        ['libs/config-schema/src/decision/decide.ts', 'decide', '4'],
      ]),
    );
    expect(legs.problems).toEqual([]);
    expect(legs.toStart).toEqual({ files: 4, projects: 2, reentries: ['libs/config-schema (step 5)'] });
  });
});
