import { compileTrigger, createChangeSet, decide, type Decision } from '@monorepo-triggers/config-schema';
import {
  changeRule,
  createsBranch,
  describeChangeRule,
  githubPushSchema,
  payloadPathsAreChanges,
  toCompactPushEvent,
} from '@monorepo-triggers/push-event';
import { formatZodIssues } from '@monorepo-triggers/lambda-runtime';
import { readFileSync } from 'node:fs';
import { loadConfigs, type SourceOptions } from '../lib/config-source';
import { gitChangedPaths, gitRepository } from '../lib/git-changes';
import { out, paint, UserError } from '../lib/output';

export const EXPLAIN_HELP = `Usage: triggers explain [--repo OWNER/NAME] [--ref REF] (--payload FILE | --git BASE..HEAD) [source] [--json]

Shows which pipelines a push would start, and why: for every config, the decision, the path and
pattern that matched, or the reason it did not.

The push:
  --payload FILE     a GitHub push payload (repository and ref are read from it)
  --git BASE...HEAD  what a branch HEAD forked from BASE changed, from a local clone: the difference
                     from their merge base (eval's rule for a new branch; use it for your branch
                     before you push it)
  --git BASE..HEAD   the difference between the two commits (eval's rule for a forced push, e.g.
                     a rebased branch against its old head)
  --new-branch       the push creates the branch: configs with onNewBranch always start
  --cwd DIR          the clone for --git (default: the current directory)
  --repo OWNER/NAME  the repository (default: from the payload, or the clone's origin remote)
  --ref REF          the ref pushed, e.g. refs/heads/main or main (default: from the payload, else main)
The configs (default: the running local stack):
  --configs DIR      every *.json config under DIR
  --bucket BUCKET    a config bucket in AWS (default credentials); --prefix to change the key prefix
Output:
  --json             one JSON document, for scripts

Examples:
  triggers explain --git origin/main...HEAD --configs examples/configs --repo acme/platform
  triggers explain --payload examples/pushes/orders-change.json`;

export interface ExplainOptions extends SourceOptions {
  payload?: string;
  git?: string;
  'new-branch'?: boolean;
  cwd?: string;
  repo?: string;
  ref?: string;
  json?: boolean;
}

interface PushUnderTest {
  repository: string;
  ref: string;
  deleted: boolean;
  created: boolean;
  paths: string[];
  complete: boolean;
  /** Which difference the paths are (see ChangeRule). */
  rule: string;
  incompleteReasons?: string[];
}

function pushFrom(options: ExplainOptions): PushUnderTest {
  if (!!options.payload === !!options.git)
    throw new UserError('give exactly one of --payload FILE or --git BASE..HEAD (see triggers explain --help)', 2);
  const normaliseRef = (ref: string) => (ref.startsWith('refs/') ? ref : `refs/heads/${ref}`);
  if (options.payload) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(options.payload, 'utf8'));
    } catch (error) {
      throw new UserError(`cannot read the payload ${options.payload}: ${(error as Error).message}`);
    }
    const parsed = githubPushSchema.safeParse(json);
    if (!parsed.success)
      throw new UserError(`${options.payload} is not a GitHub push payload: ${formatZodIssues(parsed.error.issues, { fieldsOnly: true })}`);
    const event = toCompactPushEvent(parsed.data, 'explain');
    // Eval's rule: the payload's paths are the change only for an ordinary push. For a forced push or
    // a new branch eval asks GitHub; without it (here), they are hints and onIncompleteChanges decides.
    const rule = changeRule(event);
    const certain = payloadPathsAreChanges(rule);
    return {
      repository: options.repo ?? event.repository,
      ref: normaliseRef(options.ref ?? event.ref),
      deleted: event.deleted,
      created: createsBranch(rule),
      paths: event.changedPaths,
      complete: certain && !event.incompleteReasons,
      rule: certain
        ? describeChangeRule(rule)
        : `${describeChangeRule(rule)}; eval asks GitHub for it, explain shows the fallback: the payload's paths and onIncompleteChanges`,
      ...(event.incompleteReasons ? { incompleteReasons: event.incompleteReasons } : {}),
    };
  }
  const cwd = options.cwd ?? process.cwd();
  const repository = options.repo ?? gitRepository(cwd);
  if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
  const range = options.git as string;
  return {
    repository,
    ref: normaliseRef(options.ref ?? 'main'),
    deleted: false,
    created: !!options['new-branch'],
    paths: gitChangedPaths(range, cwd),
    complete: true,
    rule: range.includes('...')
      ? `the difference from the merge base (git diff ${range}), as eval takes it for a new branch`
      : `the difference between the two commits (git diff ${range.replace('..', ' ')}), as eval takes it for a forced push`,
  };
}

export async function runExplain(options: ExplainOptions): Promise<number> {
  const push = pushFrom(options);
  const loaded = await loadConfigs(options, options.configs ? undefined : push.repository);
  const changes = createChangeSet(push.paths, push.complete);
  const facts = { repository: push.repository, ref: push.ref, deleted: push.deleted, created: push.created };
  const decisions = loaded.configs
    .map(({ key, config }) => ({ key, pipeline: config.pipelineName, decision: decide(compileTrigger(config), facts, changes) }))
    // Configs of other repositories (from --configs DIR) are not part of this push's story.
    .filter((d) => d.decision.reason !== 'repository-mismatch')
    .sort((a, b) => Number(b.decision.start) - Number(a.decision.start) || a.pipeline.localeCompare(b.pipeline));

  if (options.json) {
    out(
      JSON.stringify({ push: { ...push, paths: push.paths.length }, source: loaded.source, decisions, invalid: loaded.invalid }, null, 2),
    );
    return 0;
  }
  out(
    `${push.repository} ${push.ref}: ${push.paths.length} changed path(s)${push.complete ? '' : ' (incomplete: ' + (push.incompleteReasons ?? []).join('; ') + ')'}; configs from ${loaded.source}`,
  );
  out(paint('dim', `what changed: ${push.rule}`));
  const starting = decisions.filter((d) => d.decision.start);
  out(paint('bold', `${starting.length} of ${decisions.length} pipeline(s) would start`));
  for (const { pipeline, decision } of decisions)
    out(`${decision.start ? paint('green', 'START') : paint('dim', 'skip ')} ${pipeline}: ${describe(decision)}`);
  for (const bad of loaded.invalid) out(`${paint('red', 'INVALID')} ${bad.key}: ${bad.error}`);
  return 0;
}

function describe(decision: Decision): string {
  return `${decision.detail} ${paint('dim', `[${decision.reason}]`)}`;
}
