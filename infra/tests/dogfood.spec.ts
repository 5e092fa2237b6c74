import { compileTrigger, createChangeSet, decide, parseCfnProperties } from '@monorepo-triggers/config-schema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot } from '../src/workspace-root';

const ROOT = workspaceRoot();
type Graph = { nodes: Record<string, { type: string; data: { root: string; targets?: Record<string, unknown> } }>; dependencies: Record<string, { target: string }[]> };
// The generator is the workspace script itself; the graph is read once for the whole file.
let generator: { readGraph(): Graph; expectedFiles(graph: Graph): Record<string, string>; dependenciesOf(graph: Graph, name: string): Set<string> };
let graph: Graph;

beforeAll(() => {
  generator = jest.requireActual(join(ROOT, 'tools/generate-dogfood.cjs'));
  graph = generator.readGraph();
});

/** The trigger configs of the committed dogfood pipelines, as cfresource would store them. */
function dogfoodTriggers() {
  return ['webhook', 'eval', 'cfresource'].map((app) => {
    const template = readFileSync(join(ROOT, 'infra/dogfood', `${app}-pipeline.yaml`), 'utf8');
    // Short-form intrinsics elsewhere in the template are irrelevant here: read them as plain values.
    const properties = parse(template.replace(/!(Ref|ImportValue) /g, ''), { logLevel: 'error' })['Resources']['Trigger']['Properties'];
    const result = parseCfnProperties({ ...properties, Repository: 'monorepo-triggers/monorepo-triggers', PipelineName: `monorepo-triggers-${app}` });
    if (!result.ok) throw new Error(`${app}: ${JSON.stringify(result.issues)}`);
    return { app, trigger: compileTrigger(result.value) };
  });
}

describe('dogfood pipelines', () => {
  it('match the Nx project graph (regenerate with npx nx run infra:dogfood)', () => {
    for (const [file, content] of Object.entries(generator.expectedFiles(graph))) {
      expect({ file, content: readFileSync(join(ROOT, file), 'utf8') }).toEqual({ file, content });
    }
  });

  it.each(['libs/config-schema/src/lib/decide.ts', 'libs/github-signature/src/signature.ts', 'libs/push-event/src/index.ts'])(
    'a change to %s starts exactly the pipelines of the apps that depend on it',
    (path) => {
      const lib = Object.keys(graph.nodes).find((name) => path.startsWith(`${graph.nodes[name]?.data.root}/`)) as string;
      const dependents = ['webhook', 'eval', 'cfresource'].filter((app) => generator.dependenciesOf(graph, app).has(lib)).sort();
      const push = { repository: 'monorepo-triggers/monorepo-triggers', ref: 'refs/heads/main', deleted: false };
      const started = dogfoodTriggers()
        .filter(({ trigger }) => decide(trigger, push, createChangeSet([path], true)).start)
        .map(({ app }) => app)
        .sort();
      expect(dependents.length).toBeGreaterThan(0);
      expect(started).toEqual(dependents);
    },
  );

  it('a documentation-only change starts none of them', () => {
    const push = { repository: 'monorepo-triggers/monorepo-triggers', ref: 'refs/heads/main', deleted: false };
    expect(dogfoodTriggers().filter(({ trigger }) => decide(trigger, push, createChangeSet(['docs/architecture.md', 'apps/webhook/README.md'], true)).start)).toEqual([]);
  });
});
