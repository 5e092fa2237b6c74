import { Option, type Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { collect, pullRequestNumber, repoArgument } from '../lib/cli-options';
import type { MissedDelivery } from '@monorepo-triggers/local-github';
import { isNullSha } from '@monorepo-triggers/lambda-runtime';
import { randomUUID } from 'node:crypto';
import { checkPipelinesToFail, localCodePipeline, planFailures, refuseStarts } from '../lib/local-failures';
import { readLocalStack } from '../lib/local-state';
import { out, paint, UserError, visible } from '../lib/output';
import { DESTROY_REASONS, MERGE_GROUP_ACTIONS } from '../lib/merge-group-payload';
import { deliverThroughGithub, postSigned, webhookSecret } from '../lib/send-delivery';
import { deadLetterCount, pipelinesToPlanFailing, sayWhatPlanDid, waitForDeadLetter } from '../lib/send-effects';
import { eventToSend, type EventSource } from '../lib/send-event';
import { recordsBefore, showOutcome } from '../lib/send-outcome';
import { sentEventOf } from '../lib/sent-event';

export const SEND_HELP: CommandHelp = {
  summary: 'sign a payload and POST it to a webhook, as GitHub does',
  description: `Signs FILE (the raw bytes, as GitHub does) with X-Hub-Signature-256 and POSTs it to a webhook with
GitHub's headers. By default it goes to the running local stack: its stand-in GitHub delivers it,
signed with the stack's secret, and keeps it in its delivery log with the webhook's answer, as GitHub
does (what \`triggers reconcile\` reads); --missed down or --missed throttled logs it as a delivery
the webhook never got instead (no answer, or the Function URL's 429). --url POSTs it straight to
another webhook, signed with WEBHOOK_SECRET or --secret-file. --fail-start makes eval fail on it
until it lands in eval's dead-letter queue (\`triggers redrive\`).
--pr BASE...HEAD sends a pull request instead, from HEAD into BASE of the clone in --cwd (--base
names the branch it targets when BASE is not that branch; --number, --action, --draft say which and how): the payload is built from the clone's commits, and the local
stack's stand-in GitHub serves the pull request's files from the clone, as GitHub would to eval.
--push BEFORE..AFTER sends a push of the clone in --cwd instead: the ref (--ref, else AFTER when it
names a branch, else the branch checked out) moves from BEFORE to AFTER, with the commits new to it
and their paths as GitHub lists them; forced when BEFORE is not in AFTER's history, created when
BEFORE is 40 zeros. The local stack's stand-in GitHub serves the clone, so eval's compare and trees
(a forced push, a new branch, the changes since a pipeline's last success) read it.
--merge-group BASE...HEAD sends a merge group of GitHub's merge queue instead: made on BASE (the
branch it merges into, or --base names it), with HEAD as its head commit (the queued pull requests
merged onto BASE, as the queue builds it), on the branch gh-readonly-queue/<base>/pr-<--number>-<BASE's
commit>. --action checks_requested (the default) has its checks run; --action destroyed, with
--reason merged, invalidated or dequeued, says the group is gone: eval stops what the group started
(dequeued, invalidated) or lets it run (merged). The local stack's stand-in GitHub serves the clone,
so eval's compare of the group's commits reads it.
To the local stack, a push, pull request or merge group then waits for eval's decisions and prints
them, then waits for the executions it started to end and prints each pipeline's commit status
transitions and the check run (the stack's stand-in GitHub records them); for a destroyed merge
group, it prints each execution stopped or kept. --no-wait prints the webhook's answer only.
Starts are idempotent: the same push sent again (or redelivered) gets the execution its first
delivery started back, and send says so ("already started": nothing new ran, no status moved).
--fail and --fail-start take pipelines that a config of the payload's repository names (anything
else is refused and nothing is sent). --fail fails the next execution of that pipeline for the
pushed commit: an execution that already ran for this push is not run again, so --fail has no
effect on it, and send says so (push a new commit to see a failure). --hold keeps the next
execution of that pipeline for the commit in progress instead (send does not wait for it to end):
a merge group destroyed as dequeued then has a running execution to stop.`,
  examples: [
    'triggers send examples/pushes/orders-change.json',
    'triggers send examples/pushes/shared-lib-change.json --fail billing-service',
    'triggers send --pr HEAD~1...HEAD --base main --repo acme/platform',
    'triggers send --merge-group HEAD~1...HEAD --base main --repo acme/platform',
  ],
  footer: 'Exit status: 0 when the webhook answered 2xx (or, with --missed, the delivery was logged as missed), 1 otherwise.',
};

/** The options as commander gives them (`--merge-group` is `mergeGroup`). */
export interface SendOptions extends EventSource {
  url?: string;
  secretFile?: string;
  delivery?: string;
  fail?: string[];
  /** Pipelines whose next execution for the commit the local CodePipeline holds in progress, until it is stopped. */
  hold?: string[];
  /** Pipelines whose next starts the local CodePipeline refuses, so eval fails and the event lands in its dead-letter queue. */
  failStart?: string[];
  /** Through the stand-in GitHub: log the delivery as one the webhook never got (down, or throttled). */
  missed?: MissedDelivery;
  /** false: print the webhook's answer only. */
  wait?: boolean;
}

const PULL_REQUEST_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review', 'closed', 'labeled'];

/** The options that go together, checked before anything is read or sent: a usage error (exit 2) otherwise. */
function checkCombinations(file: string | undefined, options: SendOptions): void {
  const group = options.mergeGroup;
  if ([file, options.pr, group, options.push].filter(Boolean).length !== 1)
    throw new UserError(
      'give one of a payload FILE, --pr BASE...HEAD, --merge-group BASE...HEAD or --push BEFORE..AFTER (see triggers send --help)',
      2,
    );
  if (options.ref !== undefined && !options.push) throw new UserError('--ref goes with --push (the ref a push moves)', 2);
  if (options.push) {
    const others = [
      options.base !== undefined ? '--base' : '',
      options.number !== undefined ? '--number' : '',
      options.draft ? '--draft' : '',
      options.reason !== undefined ? '--reason' : '',
    ].filter(Boolean);
    if (others.length > 0) throw new UserError(`--push sends a push: it goes without ${others.join(', ')}`, 2);
  }
  const action = options.action;
  if (group) {
    if (action !== undefined && !(MERGE_GROUP_ACTIONS as readonly string[]).includes(action))
      throw new UserError(`--action ${visible(action)} is a pull request's: a merge group's is checks_requested or destroyed`, 2);
    if (options.draft) throw new UserError('--draft goes with --pr: a merge group is no draft', 2);
  } else if (action !== undefined && (options.pr ? !PULL_REQUEST_ACTIONS.includes(action) : true))
    throw new UserError(
      options.pr
        ? `--action ${visible(action)} is a merge group's: a pull request's is one of ${PULL_REQUEST_ACTIONS.join(', ')}`
        : '--action goes with --pr or --merge-group (a FILE is sent as it is)',
      2,
    );
  if (options.reason !== undefined) {
    if (!(DESTROY_REASONS as readonly string[]).includes(options.reason))
      throw new UserError(`--reason is one of ${DESTROY_REASONS.join(', ')}, got ${visible(options.reason)}`, 2);
    if (!group || action !== 'destroyed') throw new UserError('--reason goes with --merge-group … --action destroyed only', 2);
  }
  if (group && action === 'destroyed' && (options.fail?.length || options.hold?.length))
    throw new UserError(
      `${options.fail?.length ? '--fail' : '--hold'} needs an event that starts pipelines: a destroyed merge group starts none`,
      2,
    );
  const both = (options.fail ?? []).filter((p) => options.hold?.includes(p));
  if (both.length > 0)
    throw new UserError(`--fail and --hold both name ${both.map(visible).join(', ')}: an execution either fails or is held`, 2);
}

export async function runSend(file: string | undefined, options: SendOptions): Promise<number> {
  checkCombinations(file, options);
  const local = readLocalStack();
  const url = options.url ?? local?.webhookUrl;
  if (!url) throw new UserError('no local stack is running: start it with `npm start`, or pass --url');
  // To the local stack, GitHub's stand-in delivers (signed with the stack's secret) and keeps the
  // delivery in its log, as GitHub does: what `triggers reconcile` reads.
  const github = !options.url ? local?.githubUrl : undefined;
  if (options.missed && !github)
    throw new UserError("--missed needs the local stack's stand-in GitHub (npm start, without --aws or GITHUB_TOKEN)", 2);
  const target = options.url ? undefined : local;
  // The options that fail pipelines need the local CodePipeline: checked before anything is built or sent.
  const codepipeline = {
    ...(options.fail?.length ? { fail: localCodePipeline(target, '--fail') } : {}),
    ...(options.hold?.length ? { hold: localCodePipeline(target, '--hold') } : {}),
    ...(options.failStart?.length ? { failStart: localCodePipeline(target, '--fail-start') } : {}),
  };
  const { body, event, prepareGithub } = eventToSend(file, options, github);
  const sent = sentEventOf(body, event);
  if (codepipeline.fail && !sent)
    throw new UserError('--fail needs a push, pull request or merge group (its commit is the one whose execution fails)', 2);
  if (codepipeline.hold && !sent)
    throw new UserError('--hold needs a push, pull request or merge group (its commit is the one whose execution is held)', 2);
  if (sent && target) await checkPipelinesToFail(options, sent.repository);
  // What eval recorded for this commit before: a start that gets one of those executions back ran nothing new.
  const showing = !!(sent && target && options.wait !== false && !isNullSha(sent.commit));
  const before = showing && sent ? await recordsBefore(sent) : [];
  const failing = codepipeline.fail && sent ? await pipelinesToPlanFailing(options.fail ?? [], sent, before) : undefined;
  const holding = codepipeline.hold && sent ? await pipelinesToPlanFailing(options.hold ?? [], sent, before) : undefined;
  await prepareGithub?.();
  const delivery = options.delivery ?? randomUUID();
  if (codepipeline.fail && failing && sent) await planFailures(codepipeline.fail, failing.plan, sent.commit);
  if (codepipeline.hold && holding && sent) await planFailures(codepipeline.hold, holding.plan, sent.commit, true);
  if (codepipeline.failStart) await refuseStarts(codepipeline.failStart, options.failStart ?? []);
  const answer = github
    ? await deliverThroughGithub(github, { event, body, delivery, ...(options.missed ? { missed: options.missed } : {}) })
    : await postSigned(url, { event, body, delivery, secret: webhookSecret(options.secretFile, local) });
  const ok = answer.status >= 200 && answer.status < 300;
  const status = answer.status === 0 ? 'no answer' : String(answer.status);
  out(
    `${ok ? paint('green', status) : paint('red', status)}${answer.text ? ` ${visible(answer.text)}` : ''} (delivery ${visible(delivery)})`,
  );
  if (!ok && github)
    out(
      paint(
        'yellow',
        `GitHub logged the delivery as failed (${visible(answer.githubStatus ?? status)}): \`triggers reconcile\` finds and recovers it`,
      ),
    );
  const queued = options.failStart?.length && target ? await deadLetterCount(target) : undefined;
  // To the local stack: show what the push did, as `triggers why` and GitHub would.
  if (ok && local && showing && sent && !/"ignored":true/.test(answer.text)) {
    // The delivery was accepted: what follows only informs, and never changes the exit status.
    const held = holding ? { held: holding.plan } : {};
    const outcome = await showOutcome(sent, delivery, local, before, held).catch((error: Error) => {
      out(paint('yellow', `could not show the outcome: ${visible(error.message)}`));
      return undefined;
    });
    if (outcome && failing) sayWhatPlanDid('--fail', outcome, failing, sent);
    if (outcome && holding) sayWhatPlanDid('--hold', outcome, holding, sent);
  }
  if (ok && queued !== undefined && target) await waitForDeadLetter(target, queued);
  // --missed asked for a delivery the webhook never got: logging it so is what was asked.
  return ok || (options.missed && github) ? 0 : 1;
}

export function registerSend(program: Command, done: (code: number) => void): void {
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
    .action(async (file: string | undefined, options: Omit<SendOptions, 'number'> & { number?: string }) => {
      const { number, ...rest } = options;
      done(await runSend(file, { ...rest, ...(number ? { number: Number(number) } : {}) }));
    });
}
