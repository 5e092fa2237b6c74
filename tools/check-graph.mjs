#!/usr/bin/env node
// Checks the Nx project graph: apps may depend on libs, libs never on apps, no app on another app,
// and the stacks' deploy projects (tagged type:deploy) depend on nothing: what they deploy is decided
// by their inputs alone (tools/deploy-plugin.cjs), and a graph edge would widen every deploy.
// The lint rule @nx/enforce-module-boundaries checks imports file by file; this checks the whole graph,
// including dependencies declared in project.json, so neither kind of edge can slip through. It also
// checks that the README's layout lists every project in the order of the tree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'nx-graph-'));
const file = join(dir, 'graph.json');
try {
  execFileSync('npx', ['nx', 'graph', `--file=${file}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { graph } = JSON.parse(readFileSync(file, 'utf8'));
  const type = (name) => graph.nodes[name]?.type;
  const deploys = (name) => (graph.nodes[name]?.data.tags ?? []).includes('type:deploy');
  const bad = [];
  let edges = 0;
  for (const [source, deps] of Object.entries(graph.dependencies)) {
    for (const { target } of deps) {
      if (!graph.nodes[target]) continue; // npm packages
      edges++;
      if (deploys(source)) bad.push(`${source} (deploy project) -> ${target}: a deploy project must depend on nothing`);
      else if (type(target) === 'app') bad.push(`${source} (${type(source)}) -> ${target} (app)`);
    }
  }
  if (bad.length > 0) {
    console.error(`project graph: forbidden dependencies:\n  ${bad.join('\n  ')}`);
    process.exit(1);
  }
  // The README's layout lists every project, in the order of the tree (a house rule made mechanical).
  const readme = readFileSync('README.md', 'utf8');
  const layout = readme.slice(readme.indexOf('## Layout')).split('```')[1] ?? '';
  const listed = layout
    .split('\n')
    .map((line) => line.split(/\s+/)[0].replace(/\/$/, ''))
    .filter(Boolean);
  const sorted = [...listed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (listed.join() !== sorted.join()) bad.push(`README layout is not in tree order: ${listed.join(', ')}`);
  for (const node of Object.values(graph.nodes)) {
    const root = node.data.root;
    if (!deploys(node.name) && !listed.includes(root)) bad.push(`README layout does not list the project ${node.name} (${root})`);
  }
  if (bad.length > 0) {
    console.error(`project graph: ${bad.join('\n  ')}`);
    process.exit(1);
  }
  const deployProjects = Object.keys(graph.nodes).filter(deploys).length;
  console.log(
    `project graph: ${Object.keys(graph.nodes).length} projects, ${edges} edges, none into an app, none from the ${deployProjects} deploy projects`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
