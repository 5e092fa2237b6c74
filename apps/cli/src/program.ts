import { DEFAULT_CONFIG_PREFIX } from '@monorepo-triggers/lambda-runtime';
import { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from '@monorepo-triggers/config-schema';
import { Command, InvalidArgumentError, Option } from 'commander';
import { PULL_REQUEST_EVENTS, type PullRequestEvent } from '@monorepo-triggers/handover';
import { resolve } from 'node:path';
import { registerDoctor } from './commands/doctor';
import { registerNx } from './commands/nx';
import { EXPLAIN_HELP, runExplain } from './commands/explain';
import { registerReconcile } from './commands/reconcile';
import { registerRedrive } from './commands/redrive';
import { SEND_HELP, runSend } from './commands/send';
import { START_HELP, runStart } from './commands/start';
import { DELETE_HELP, GET_HELP, LIST_HELP, PUT_HELP, runDelete, runGet, runList, runPut } from './commands/store-commands';
import { runValidate, runValidateStored, VALIDATE_HELP } from './commands/validate';
import { HISTORY_HELP, runHistory, runWhy, WHY_HELP } from './commands/why';
import { localDir } from './lib/local-state';
import { command } from './lib/command-help';
import { UserError, visibleLines } from './lib/output';

/** The options every command that reads configs or records takes to use a bucket in AWS instead of the local stack. */
const bucketOption = () => new Option('--bucket <bucket>', 'a bucket in AWS (default credentials) instead of the local stack');
const prefixOption = (what: string) => new Option('--prefix <prefix>', `the key prefix of the ${what} (default ${DEFAULT_CONFIG_PREFIX})`);
const jsonOption = () => new Option('--json', 'one JSON document on stdout, for scripts');
const repoArgument = (value: string) => {
  if (!isRepositoryName(value)) throw new InvalidArgumentError(`the repository ${REPOSITORY_RULE}.`);
  return value;
};
const pipelineArgument = (value: string) => {
  if (!isPipelineName(value)) throw new InvalidArgumentError(`the pipeline name ${PIPELINE_NAME_RULE}.`);
  return value;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
const pullRequestNumber = (value: string) => {
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw new InvalidArgumentError('a pull request number is a positive integer.');
  return value;
};

/**
 * The `triggers` command line: one command per job, each with its own options, help and examples.
 * `run` resolves with the exit status the action chose; commander's own errors (an unknown option,
 * a missing argument) are usage errors, exit 2.
 */
export function buildProgram(root: string, setExitCode: (code: number) => void): Command {
  const program = new Command('triggers')
    .description('Start many AWS CodePipeline pipelines from one GitHub monorepo, each only when the files it cares about change.')
    .exitOverride()
    .showHelpAfterError('(see triggers --help for the commands)')
    .allowExcessArguments(false)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    // Commander's own errors quote the arguments given (`unknown option '…'`): shown, never acted on.
    .configureOutput({ outputError: (text, write) => write(visibleLines(text)) })
    .addHelpText('after', "\nRun triggers COMMAND --help for a command's options and examples.");
  const done = (code: number) => setExitCode(code);

  command(program, 'start', START_HELP)
    .option('--port <port>', 'webhook port on 127.0.0.1 (0: a free one)', '3000')
    .option('--data-dir <dir>', 'where data, the generated secret and logs go', '.local')
    .option(
      '--aws',
      'use real S3 (CONFIG_BUCKET) and CodePipeline with the default credential chain; only the webhook and eval run locally',
    )
    .action(async (options: { port: string; dataDir: string; aws?: boolean }, cmd: Command) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a port number, got ${options.port}`, 2);
      const dataDir = cmd.getOptionValueSource('dataDir') === 'default' ? localDir() : resolve(options.dataDir);
      done(await runStart({ port, dataDir, aws: !!options.aws, root }));
    });

  command(program, 'validate', VALIDATE_HELP)
    .argument('[files...]', 'config JSON files and CloudFormation templates (YAML or JSON)')
    .option('--stored', 'check the configs already in the store instead of files')
    .option('--strict', 'fail (exit 1) on warnings too: configs that are valid but can never start their pipeline')
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .addOption(jsonOption())
    .action(async (files: string[], options: { stored?: boolean; strict?: boolean; bucket?: string; prefix?: string; json?: boolean }) => {
      const stored = options.stored || !!options.bucket;
      if (stored && files.length > 0) throw new UserError('validate takes files or --stored, not both (see triggers validate --help)', 2);
      if (!stored && files.length === 0)
        throw new UserError('validate needs at least one file, or --stored (see triggers validate --help)', 2);
      const strict = !!options.strict;
      done(stored ? await runValidateStored(source(options), !!options.json, strict) : await runValidate(files, !!options.json, strict));
    });

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
          ...source(options),
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

  command(program, 'list', LIST_HELP)
    .option('--repo <owner/name>', 'only the configs of this repository', repoArgument)
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .addOption(jsonOption())
    .action(async (options: { repo?: string; bucket?: string; prefix?: string; json?: boolean }) => {
      done(await runList({ ...source(options), ...(options.repo ? { repo: options.repo } : {}), json: !!options.json }));
    });

  command(program, 'get', GET_HELP)
    .argument('<repository>', 'OWNER/NAME', repoArgument)
    .argument('<pipeline>', 'the pipeline name', pipelineArgument)
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .action(async (repository: string, pipeline: string, options: { bucket?: string; prefix?: string }) => {
      done(await runGet(repository, pipeline, source(options)));
    });

  command(program, 'put', PUT_HELP)
    .argument('<files...>', 'config JSON files')
    .option('--strict', "write nothing when a config has warnings (valid, but it can never start its pipeline: see validate's)")
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .action(async (files: string[], options: { strict?: boolean; bucket?: string; prefix?: string }) => {
      done(await runPut(files, source(options), !!options.strict));
    });

  command(program, 'delete', DELETE_HELP)
    .argument('<repository>', 'OWNER/NAME', repoArgument)
    .argument('<pipeline>', 'the pipeline name', pipelineArgument)
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .action(async (repository: string, pipeline: string, options: { bucket?: string; prefix?: string }) => {
      done(await runDelete(repository, pipeline, source(options)));
    });

  command(program, 'send', SEND_HELP)
    .argument('[file]', 'the payload, sent as it is (its bytes are what is signed)')
    .option('--pr <range>', 'BASE...HEAD: send a pull request from HEAD into BASE of the clone, built from its commits')
    .option(
      '--merge-group <range>',
      "BASE...HEAD: send a merge group of GitHub's merge queue made on BASE of the clone, whose head commit is HEAD",
    )
    .option(
      '--push <range>',
      "BEFORE..AFTER: send a push of the clone that moves the ref from BEFORE to AFTER (forced when BEFORE is not in AFTER's history)",
    )
    .option(
      '--ref <ref>',
      'with --push: the ref pushed, e.g. refs/heads/main or main (default: AFTER when it names a branch, else the branch checked out)',
    )
    .option(
      '--number <n>',
      'with --pr: the pull request number; with --merge-group: the pull request its branch names (default 1)',
      pullRequestNumber,
    )
    .addOption(
      new Option(
        '--action <action>',
        'with --pr: the action GitHub sends (default opened); with --merge-group: checks_requested (default) or destroyed',
      ).choices(['opened', 'synchronize', 'reopened', 'ready_for_review', 'closed', 'labeled', 'checks_requested', 'destroyed']),
    )
    .addOption(
      new Option('--reason <reason>', 'with --merge-group --action destroyed: why GitHub destroyed the group').choices([
        'merged',
        'invalidated',
        'dequeued',
      ]),
    )
    .option(
      '--base <branch>',
      'with --pr: the branch the pull request targets; with --merge-group: the branch it merges into (default: BASE)',
    )
    .option('--draft', 'with --pr: the pull request is a draft')
    .option('--cwd <dir>', 'with --pr, --merge-group or --push: the clone (default: the current directory)')
    .option('--repo <owner/name>', "with --pr, --merge-group or --push: the repository (default: the clone's origin remote)", repoArgument)
    .option('--url <url>', "the webhook URL (default: the local stack's)")
    .option(
      '--secret-file <file>',
      "a file holding the webhook secret (default: WEBHOOK_SECRET, else the local stack's); never an argument, which would show in the process list and the shell history",
    )
    .option('--event <name>', 'X-GitHub-Event', 'push')
    .option('--delivery <id>', 'X-GitHub-Delivery (default: a new UUID; reuse one to act as a redelivery)')
    .option('--fail <pipeline>', 'local stack only: the execution of PIPELINE this push starts fails (repeatable)', collect)
    .option(
      '--hold <pipeline>',
      'local stack only: the execution of PIPELINE this push starts stays in progress until it is stopped (a merge group destroyed as dequeued stops it); send does not wait for it to end (repeatable)',
      collect,
    )
    .option(
      '--fail-start <pipeline>',
      "local stack only: CodePipeline refuses PIPELINE's next 3 starts (its concurrent-executions limit), so eval fails its retries and the push lands in eval's dead-letter queue, for triggers redrive (repeatable)",
      collect,
    )
    .addOption(
      new Option(
        '--missed <why>',
        "local stack only: GitHub's stand-in logs the delivery as one the webhook never got: down (no answer) or throttled (the Function URL's 429), for triggers reconcile",
      ).choices(['down', 'throttled']),
    )
    .option('--no-wait', "do not wait for eval's decisions and the executions: print the webhook's answer only")
    .action(
      async (
        file: string | undefined,
        options: {
          pr?: string;
          mergeGroup?: string;
          push?: string;
          ref?: string;
          base?: string;
          number?: string;
          action?: string;
          reason?: string;
          draft?: boolean;
          cwd?: string;
          repo?: string;
          url?: string;
          secretFile?: string;
          event: string;
          delivery?: string;
          fail?: string[];
          hold?: string[];
          failStart?: string[];
          missed?: 'down' | 'throttled';
          wait: boolean;
        },
      ) => {
        done(
          await runSend(file, {
            ...(options.pr ? { pr: options.pr } : {}),
            ...(options.mergeGroup ? { 'merge-group': options.mergeGroup } : {}),
            ...(options.push ? { push: options.push } : {}),
            ...(options.ref ? { ref: options.ref } : {}),
            ...(options.base ? { base: options.base } : {}),
            ...(options.number ? { number: Number(options.number) } : {}),
            ...(options.action ? { action: options.action } : {}),
            ...(options.reason ? { reason: options.reason } : {}),
            ...(options.draft ? { draft: true } : {}),
            ...(options.cwd ? { cwd: options.cwd } : {}),
            ...(options.repo ? { repo: options.repo } : {}),
            ...(options.url ? { url: options.url } : {}),
            ...(options.secretFile ? { 'secret-file': options.secretFile } : {}),
            event: options.event,
            ...(options.delivery ? { delivery: options.delivery } : {}),
            ...(options.fail ? { fail: options.fail } : {}),
            ...(options.hold ? { hold: options.hold } : {}),
            ...(options.failStart ? { 'fail-start': options.failStart } : {}),
            ...(options.missed ? { missed: options.missed } : {}),
            wait: options.wait,
          }),
        );
      },
    );

  registerReconcile(program, done);
  registerRedrive(program, done);

  registerDoctor(program, done);
  registerNx(program, done);

  command(program, 'why', WHY_HELP)
    .argument('<commit>', 'a full or abbreviated commit SHA')
    .requiredOption('--repo <owner/name>', 'the repository', repoArgument)
    .option('--pipeline <name>', 'only this pipeline', pipelineArgument)
    .option(
      '--cwd <dir>',
      "a clone of the repository, to find the push that carried a commit that was no push's head (default: the current directory, when its origin is --repo)",
    )
    .addOption(bucketOption())
    .addOption(jsonOption())
    .action(async (commit: string, options: { repo: string; pipeline?: string; cwd?: string; bucket?: string; json?: boolean }) => {
      done(await runWhy(commit, { ...options, json: !!options.json }));
    });

  command(program, 'history', HISTORY_HELP)
    .requiredOption('--repo <owner/name>', 'the repository', repoArgument)
    .option('--pipeline <name>', 'only this pipeline', pipelineArgument)
    .option('--limit <n>', 'how many pushes, newest first (1 to 1000)', '20')
    .addOption(bucketOption())
    .addOption(jsonOption())
    .action(async (options: { repo: string; pipeline?: string; limit: string; bucket?: string; json?: boolean }) => {
      done(await runHistory({ ...options, json: !!options.json }));
    });

  return program;
}

/** Where configs are read and written: the local stack, or a bucket in AWS. */
function source(options: { bucket?: unknown; prefix?: unknown }): { bucket?: string; prefix?: string } {
  return {
    ...(options.bucket ? { bucket: String(options.bucket) } : {}),
    ...(options.prefix ? { prefix: String(options.prefix) } : {}),
  };
}
