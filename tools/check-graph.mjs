#!/usr/bin/env node
// Checks the Nx project graph: apps may depend on libs, libs never on apps, no app on another app,
// and the stacks' deploy projects (tagged type:deploy) depend on nothing: what they deploy is decided
// by their inputs alone (tools/deploy-plugin.cjs), and a graph edge would widen every deploy.
// The lint rule @nx/enforce-module-boundaries checks imports file by file; this checks the whole graph,
// including dependencies declared in project.json, so neither kind of edge can slip through.
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
  const deployProjects = Object.keys(graph.nodes).filter(deploys).length;
  console.log(`project graph: ${Object.keys(graph.nodes).length} projects, ${edges} edges, none into an app, none from the ${deployProjects} deploy projects`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
