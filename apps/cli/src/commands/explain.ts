import { Option, type Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { bucketOption, jsonOption, prefixOption, pullRequestNumber, repoArgument, sourceOptions } from '../lib/cli-options';
import {
  type CompiledTrigger,
  compileTrigger,
  createChangeSet,
  decide,
  decideMergeGroup,
  decidePullRequest,
  type Decision,
  refName,
  type TriggerConfig,
} from '@monorepo-triggers/config-schema';
import { mergeGroupFacts, PULL_REQUEST_EVENTS, pullRequestFacts, pushFacts, type PullRequestEvent } from '@monorepo-triggers/eval-input';
import { loadConfigs, openLastSuccess } from '../lib/config-source';
import { err, out, outJson, paint, visible } from '../lib/output';
import { type PullRequestUnderTest } from '../lib/pull-request-source';
import type { ComparedBase } from '@monorepo-triggers/decision-record';
import { mergeGroupFrom, pullRequestFrom, pushFrom, type ExplainOptions, type MergeGroupUnderTest } from '../lib/explained-event';
import { comparesWithLastSuccess, decideSinceLastSuccess, type ConfigDecision } from '../lib/since-last-success';

export const EXPLAIN_HELP: CommandHelp = {
  summary: 'show which pipelines a push, pull request or merge group would start, and why',
  description: `Shows which pipelines a push or a pull request would start, and why: for every config, the decision,
the path and pattern that matched, or the reason it did not. The push is a payload (--payload) or a
range of a local clone (--git): BASE...HEAD is what a branch forked from BASE changed (eval's rule
for a new branch: use it for your branch before you push it); BASE..HEAD the difference between two
commits (eval's rule for a forced push). With --git the push is to the branch checked out, unless
--ref says otherwise (--ref main: what the changes start once they reach main).
A config with compareWith: last-success that a branch push alone does not start is decided again,
as eval does, on what changed since its last success on the branch, or while a build of it runs,
since the commit that build builds (its last-success record, read from the local stack or --bucket;
git diff RECORDED..HEAD in the clone of --cwd, with the push's own paths), when that commit is in the
pushed commit's history; otherwise the push alone decides, and its line says why (no build recorded
yet, a force-push, --configs without --bucket).
A pull request is --git BASE...HEAD --pull-request (one you have not opened yet: from HEAD into
BASE, or into the branch --base names; its files are git's, from the merge base, as GitHub lists
them), --pr NUMBER (as GitHub describes it now) or a pull_request payload (--payload); --event says
which event (opened by default). The files of --pr and of a payload come from GitHub, as eval reads
them: --github-url, else GITHUB_API_URL, else the running local stack's stand-in, else
api.github.com, with GITHUB_TOKEN when set.
A merge group of GitHub's merge queue is --merge-group BASE...HEAD: made on BASE (the branch it
merges into, or --base names it) with HEAD as its head commit; its files are git diff BASE...HEAD
(from the merge base), what eval's compare of the group's base and head commits gives, and each
config's mergeQueue section decides. HEAD on a gh-readonly-queue/… branch is named by it.
The configs are the running local stack's, a bucket's (--bucket) or a directory's (--configs).`,
  footer: 'Exit status: 0 when configs were compared, 1 when no config is for the repository.',
  examples: [
    'triggers explain --payload examples/pushes/orders-change.json',
    'triggers explain --git HEAD~1...HEAD --configs examples/configs --repo acme/platform',
    'triggers explain --git HEAD~1...HEAD --pull-request --base main --configs examples/configs --repo acme/platform',
    'triggers explain --merge-group HEAD~1...HEAD --base main --configs examples/configs --repo acme/platform',
  ],
};

/** The merge group counterpart of a push's explanation: same configs, same output, decideMergeGroup. */
async function explainMergeGroup(group: MergeGroupUnderTest, options: ExplainOptions): Promise<number> {
  const { repository } = group;
  const loaded = await loadConfigs(options, options.configs ? undefined : repository);
  const changes = createChangeSet(group.paths, true);
  const facts = mergeGroupFacts(group);
  const decisions = shown(decideEach(loaded.configs, (trigger) => decideMergeGroup(trigger, facts, changes)));
  const warnings = decisions.length === 0 ? [`no config in ${loaded.source} is for ${repository}`] : [];
  if (group.paths.length === 0) warnings.push(`no changed path to compare: ${group.source}`);
  const summary = { mergeGroup: { ...group, paths: group.paths.length, complete: true } };
  return present(options, summary, loaded, decisions, warnings, () => {
    out(
      `${visible(repository)} merge group ${visible(refName(group.headRef))} into ${visible(refName(group.baseRef))}: ${group.paths.length} changed path(s); configs from ${visible(loaded.source)}`,
    );
    out(paint('dim', `what changed: ${visible(group.source)}, head ${visible(group.headSha.slice(0, 12))}`));
  });
}

export async function runExplain(options: ExplainOptions): Promise<number> {
  const group = mergeGroupFrom(options);
  if (group) return explainMergeGroup(group, options);
  const pull = await pullRequestFrom(options);
  if (pull) return explainPullRequest(pull, options);
  const push = pushFrom(options);
  const loaded = await loadConfigs(options, options.configs ? undefined : push.repository);
  const changes = createChangeSet(push.paths, push.complete);
  const facts = pushFacts(push, push.created);
  const alone = decideEach(loaded.configs, (trigger) => decide(trigger, facts, changes));
  // Configs that count a branch push's changes from their last success, and that the push alone does not start.
  const clone = options.cwd ?? process.cwd();
  const explained = { facts, paths: push.paths, clone, ...(push.head ? { head: push.head } : {}) };
  const since = alone.some((d) => comparesWithLastSuccess(d, explained)) ? openLastSuccess(options) : undefined;
  const { decisions: decided, bases } = since
    ? await decideSinceLastSuccess(alone, explained, 'none' in since ? since : since.store)
    : { decisions: alone, bases: new Map<string, ComparedBase>() };
  const decisions = shown(decided, bases);

  // Nothing to explain is said plainly (never "0 of 0 would start" as if that were an answer).
  const warnings: string[] = [];
  if (decisions.length === 0) {
    const others = [...new Set(loaded.configs.map((c) => c.config.repository))].sort();
    warnings.push(
      `no config in ${loaded.source} is for ${push.repository}${others.length ? ` (it has configs for ${others.join(', ')}: pass --repo OWNER/NAME)` : ''}`,
    );
  }
  if (push.paths.length === 0 && !push.deleted) warnings.push(`no changed path to compare: ${push.rule}`);
  return present(options, { push: { ...push, paths: push.paths.length } }, loaded, decisions, warnings, () => {
    out(
      `${visible(push.repository)} ${visible(push.ref)}: ${push.paths.length} changed path(s)${push.complete ? '' : ' (incomplete: ' + visible((push.incompleteReasons ?? []).join('; ')) + ')'}; configs from ${visible(loaded.source)}`,
    );
    out(paint('dim', `what changed: ${visible(push.rule)}`));
    // Where each base came from (without records, each line says why the push alone decided).
    if (since && 'store' in since && bases.size > 0)
      out(
        paint(
          'dim',
          `last successes (compareWith: last-success): ${visible(since.description)}; what changed since each: git diff in ${visible(clone)}`,
        ),
      );
  });
}

/** What explain shows of each config: its decision and, for one decided on changes since its last success, that base. */
type Explained = { key: string; pipeline: string; decision: Decision; base?: ComparedBase }[];

/** Every config's decision: configs of other repositories (from --configs DIR) are not part of the story. */
function decideEach(
  configs: readonly { key: string; config: TriggerConfig }[],
  decideOne: (trigger: CompiledTrigger) => Decision,
): ConfigDecision[] {
  return configs
    .map(({ key, config }) => {
      const trigger = compileTrigger(config);
      return { key, pipeline: config.pipelineName, trigger, decision: decideOne(trigger) };
    })
    .filter((d) => d.decision.reason !== 'repository-mismatch');
}

/** The decisions as shown, starts first. */
function shown(decisions: readonly ConfigDecision[], bases: ReadonlyMap<string, ComparedBase> = new Map()): Explained {
  return decisions
    .map(({ key, pipeline, decision }) => {
      const base = bases.get(key);
      return { key, pipeline, decision, ...(base ? { base } : {}) };
    })
    .sort((a, b) => Number(b.decision.start) - Number(a.decision.start) || a.pipeline.localeCompare(b.pipeline));
}

function printDecisions(decisions: Explained, invalid: readonly { key: string; error: string }[]): void {
  const starting = decisions.filter((d) => d.decision.start);
  out(paint('bold', `${starting.length} of ${decisions.length} pipeline(s) would start`));
  for (const { pipeline, decision } of decisions)
    out(`${decision.start ? paint('green', 'START') : paint('dim', 'skip ')} ${visible(pipeline)}: ${describe(decision)}`);
  for (const bad of invalid) out(`${paint('red', 'INVALID')} ${visible(bad.key)}: ${visible(bad.error)}`);
}

/** The pull request counterpart of a push's explanation: same configs, same output, decidePullRequest. */
async function explainPullRequest(pull: PullRequestUnderTest, options: ExplainOptions): Promise<number> {
  const { event } = pull;
  const repository = options.repo ?? event.repository;
  const loaded = await loadConfigs(options, options.configs ? undefined : repository);
  const changes = createChangeSet(pull.paths, pull.complete);
  const facts = pullRequestFacts({ ...event, repository }, pull.skipCi);
  const decisions = shown(decideEach(loaded.configs, (trigger) => decidePullRequest(trigger, facts, changes)));
  const warnings = decisions.length === 0 ? [`no config in ${loaded.source} is for ${repository}`] : [];
  if (!pull.complete) warnings.push(`the pull request's files are incomplete (${pull.incompleteReason}): onIncompleteChanges decides`);
  const summary = { pullRequest: { ...event, paths: pull.paths.length, complete: pull.complete, skipCi: pull.skipCi } };
  return present(options, summary, loaded, decisions, warnings, () => {
    const flags = [event.draft ? 'draft' : '', event.fromFork ? `from fork ${event.headRepository ?? '(deleted)'}` : '', pull.skipCi ?? '']
      .filter(Boolean)
      .join(', ');
    out(
      `${visible(repository)} ${visible(pull.title)} into ${visible(refName(event.baseRef))} (${visible(event.event)}${flags ? `; ${visible(flags)}` : ''}): ${pull.paths.length} changed path(s)${pull.complete ? '' : ' (incomplete)'}; configs from ${visible(loaded.source)}`,
    );
    out(paint('dim', `what changed: ${visible(pull.source)}, head ${visible(event.headSha.slice(0, 12))}`));
  });
}

/**
 * How every explanation ends: its JSON, or the warnings, then (when a config of the repository was
 * decided) the event's header lines and each decision; exit 1 when none was.
 */
function present(
  options: ExplainOptions,
  summary: Record<string, unknown>,
  loaded: { source: string; invalid: readonly { key: string; error: string }[] },
  decisions: Explained,
  warnings: readonly string[],
  header: () => void,
): number {
  if (options.json) {
    outJson({ ...summary, source: loaded.source, decisions, invalid: loaded.invalid, warnings });
    return decisions.length === 0 ? 1 : 0;
  }
  for (const warning of warnings) err(paint('yellow', `warning: ${visible(warning)}`, process.stderr));
  if (decisions.length === 0) {
    for (const bad of loaded.invalid) out(`${paint('red', 'INVALID')} ${visible(bad.key)}: ${visible(bad.error)}`);
    return 1;
  }
  header();
  printDecisions(decisions, loaded.invalid);
  return 0;
}

function describe(decision: Decision): string {
  return `${visible(decision.detail)} ${paint('dim', `[${decision.reason}]`)}`;
}

export function registerExplain(program: Command, done: (code: number) => void): void {
  command(program, 'explain', EXPLAIN_HELP)
    .option('--payload <file>', 'a GitHub push or pull_request payload (repository, ref or pull request are read from it)')
    .option('--git <range>', 'BASE...HEAD: what a branch forked from BASE changed; BASE..HEAD: the difference between two commits')
    .option('--pr <number>', 'a pull request, as GitHub describes it now (with --repo or the clone of --cwd)', pullRequestNumber)
    .option('--pull-request', 'with --git BASE...HEAD: a pull request from HEAD into BASE (or into the branch --base names)')
    .option(
      '--merge-group <range>',
      "BASE...HEAD: a merge group of GitHub's merge queue made on BASE whose head is HEAD (the clone of --cwd): what git diff BASE...HEAD adds",
    )
    .option(
      '--base <branch>',
      'with --pull-request: the branch the pull request targets; with --merge-group: the branch it merges into (default: BASE)',
    )
    .addOption(new Option('--event <event>', 'for a pull request: its event (default opened)').choices([...PULL_REQUEST_EVENTS]))
    .option(
      '--github-url <url>',
      "with a pull request: the GitHub API to read its files from (default: GITHUB_API_URL, the local stack's, api.github.com)",
    )
    .option('--new-branch', 'the push creates the branch: configs with onNewBranch always start')
    .option('--cwd <dir>', 'the clone for --git and --merge-group (default: the current directory)')
    .option('--repo <owner/name>', "the repository (default: from the payload, or the clone's origin remote)", repoArgument)
    .option(
      '--ref <ref>',
      "the ref pushed, e.g. refs/heads/main or main (default: the payload's; with --git, the branch checked out, else main)",
    )
    .option('--configs <dir>', 'every config under DIR (*.json configs and CloudFormation templates) instead of the local stack')
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .addOption(jsonOption())
    .action(async (options: Record<string, string | boolean | undefined>) => {
      done(
        await runExplain({
          ...sourceOptions(options),
          ...(options['configs'] ? { configs: String(options['configs']) } : {}),
          ...(options['payload'] ? { payload: String(options['payload']) } : {}),
          ...(options['git'] ? { git: String(options['git']) } : {}),
          ...(options['pr'] !== undefined ? { pr: Number(options['pr']) } : {}),
          ...(options['mergeGroup'] ? { 'merge-group': String(options['mergeGroup']) } : {}),
          'pull-request': !!options['pullRequest'],
          ...(options['base'] ? { base: String(options['base']) } : {}),
          ...(options['event'] ? { event: options['event'] as PullRequestEvent } : {}),
          ...(options['githubUrl'] ? { 'github-url': String(options['githubUrl']) } : {}),
          ...(options['cwd'] ? { cwd: String(options['cwd']) } : {}),
          ...(options['repo'] ? { repo: String(options['repo']) } : {}),
          ...(options['ref'] ? { ref: String(options['ref']) } : {}),
          'new-branch': !!options['newBranch'],
          json: !!options['json'],
        }),
      );
    });
}
