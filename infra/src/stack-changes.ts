// Which of a stack's files changed between two commits, counted as `nx affected -t deploy` counts
// them: the files the stack is made of (tools/deploy-inputs.cjs, which gives the deploy targets
// their inputs), anything in its deploy project's folder, and nx.json (which Nx counts as touching
// every project), over `git diff` from the merge base of the two commits, as Nx diffs them.
// A reader's deploy runs before its writers' whenever they deploy (docs/deploy.md#order), so under
// `nx affected` it also runs when none of its files changed: this is how it tells.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Deployable } from './names';

type DeployInputsModule = { deployInputs(root: string, deployable: string): Promise<string[]> };

/** The stack's files among those changed between `base` and `head` (git revisions); throws when it cannot tell. */
export async function changedStackFiles(root: string, deployable: Deployable, base: string, head: string): Promise<string[]> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const from = git('merge-base', base, head).trim();
  const changed = git('diff', '--name-only', '--no-renames', '--relative', from, head).split('\n').filter(Boolean);
  // Loaded from the workspace at run time: the very module that gives Nx the deploy targets' inputs.
  const { deployInputs } = createRequire(join(root, 'tools', 'deploy-inputs.cjs'))('./deploy-inputs.cjs') as DeployInputsModule;
  const inputs = await deployInputs(root, deployable);
  // deploy-inputs lists files, or `dir/**` for a file whose name a glob would not read literally.
  const folders = inputs.filter((input) => input.endsWith('/**')).map((input) => input.slice(0, -2));
  const files = new Set(inputs.filter((input) => !input.endsWith('/**')));
  const odd = [...files].find((input) => /[*?[\]{}]/.test(input));
  if (odd) throw new Error(`an input of ${deployable} is a pattern this check does not read: ${odd}`);
  return changed.filter(
    (file) =>
      file === 'nx.json' ||
      file.startsWith(`infra/deploy/${deployable}/`) ||
      files.has(file) ||
      folders.some((folder) => file.startsWith(folder)),
  );
}
