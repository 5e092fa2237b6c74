import { spawnSync } from 'node:child_process';

/**
 * What `nx affected -t <target>` selects for each file changed alone, from one reading of the project
 * graph: Nx's own functions behind `nx show projects --affected --files=F --withTarget T`
 * (calculateFileChanges, then filterAffected), run once per file in a child process in `root`.
 * One graph for the whole table instead of one `nx` process (and one project graph) per file.
 */
const AFFECTED = String.raw`
const { createRequire } = require('node:module');
const { join } = require('node:path');
const nx = createRequire(join(process.cwd(), 'package.json'));
const [target, files] = JSON.parse(process.argv[1]);
(async () => {
  const { createProjectGraphAsync } = nx('nx/src/project-graph/project-graph');
  const { readNxJson } = nx('nx/src/config/nx-json');
  const { calculateFileChanges } = nx('nx/src/project-graph/file-utils');
  const { filterAffected } = nx('nx/src/project-graph/affected/affected-project-graph');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const nxJson = readNxJson();
  const selected = {};
  for (const file of files) {
    const affected = await filterAffected(graph, calculateFileChanges([file], { files: [file] }), nxJson);
    selected[file] = Object.entries(affected.nodes).filter(([, node]) => node.data.targets?.[target]).map(([name]) => name).sort();
  }
  process.stdout.write(JSON.stringify(selected));
})().catch((error) => { console.error(error); process.exitCode = 1; });
`;

export function affectedByEachFile(root: string, target: string, files: readonly string[]): Record<string, string[]> {
  const run = spawnSync(process.execPath, ['-e', AFFECTED, JSON.stringify([target, files])], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`nx affected (in process) failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string[]>;
}
