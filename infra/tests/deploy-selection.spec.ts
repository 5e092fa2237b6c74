import { execFileSync } from 'node:child_process';
import { workspaceRoot } from '../src/workspace-root';
import { DEPLOY_TABLE } from './deploy-table';
import { affectedByEachFile } from './nx-affected';

// Which stacks `nx affected -t deploy` selects, for every row of the deploy table: Nx's own affected
// functions on this tree's project graph, one file at a time. (The fresh-clone simulation,
// deploy-workflow.spec.ts, runs the whole deploy for rows picked greedily, ROWS_COVERING_EVERY_KIND,
// that between them deploy every stack, make every writer wait for each reader it waits for while
// that reader is unchanged, and include a change that deploys nothing.)

const ROOT = workspaceRoot();

describe('nx affected -t deploy, each file of the deploy table changed alone', () => {
  const selected = affectedByEachFile(
    ROOT,
    'deploy',
    DEPLOY_TABLE.map((row) => row.file),
  );

  it.each(DEPLOY_TABLE)('$why ($file): selects exactly its stacks', ({ file, stacks }) => {
    expect(selected[file]).toEqual(stacks.map((stack) => `${stack}-stack`).sort());
  });

  it('answers as `nx show projects --affected --files --withTarget deploy` does', () => {
    const row = DEPLOY_TABLE.find((r) => r.stacks.length > 1 && r.stacks.length < 6) ?? DEPLOY_TABLE[0];
    const cli = execFileSync('npx', ['nx', 'show', 'projects', '--affected', `--files=${row?.file}`, '--withTarget', 'deploy', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    expect((JSON.parse(cli) as string[]).sort()).toEqual(selected[row?.file as string]);
  });
});
