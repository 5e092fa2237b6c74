import { Option, type Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { collect, pullRequestNumber, repoArgument } from '../lib/cli-options';
import { sign } from '@monorepo-triggers/github-signature';
import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DELIVER_PATH, type MissedDelivery } from '@monorepo-triggers/local-aws';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EVAL_FUNCTION_NAME } from '../lib/eval-lambda';
import { openExecutions } from '../lib/execution-source';
import { checkPipelinesToFail, localCodePipeline, planFailures, refuseStarts } from '../lib/local-failures';
import { readLocalStack, type LocalStackInfo } from '../lib/local-state';
import { out, paint, UserError, visible } from '../lib/output';
import { gitRepository } from '../lib/git-changes';
import { DESTROY_REASONS, MERGE_GROUP_ACTIONS, mergeGroupPayload, serveOnLocalGithub } from '../lib/merge-group-payload';
import { openOnLocalGithub, pullRequestPayload } from '../lib/pull-request-payload';
import { pushPayload } from '../lib/push-payload';
import { WORDS } from '../lib/record-lines';
import { RECORD_POLL_MS, recordsBefore, showOutcome, STATUS_POLLS, type SentOutcome } from '../lib/send-outcome';
import { sentEventOf, type SentEvent } from '../lib/sent-event';

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

export interface SendOptions {
  /** `BASE...HEAD` of the clone in `cwd`: send a pull request built from it instead of a file. */
  pr?: string;
  /** `BASE...HEAD` of the clone in `cwd`: send a merge group made on BASE whose head is HEAD. */
  'merge-group'?: string;
  /** `BEFORE..AFTER` of the clone in `cwd`: send a push that moves `ref` from BEFORE to AFTER. */
  push?: string;
  /** With `push`: the ref pushed. */
  ref?: string;
  /** The branch the pull request targets (the merge group merges into), when BASE is not that branch. */
  base?: string;
  number?: number;
  action?: string;
  /** For a destroyed merge group: why GitHub destroyed it. */
  reason?: string;
  draft?: boolean;
  cwd?: string;
  repo?: string;
  url?: string;
  'secret-file'?: string;
  event?: string;
  delivery?: string;
  fail?: string[];
  /** Pipelines whose next execution for the commit the local CodePipeline holds in progress, until it is stopped. */
  hold?: string[];
  /** Pipelines whose next starts the local CodePipeline refuses, so eval fails and the event lands in its dead-letter queue. */
  'fail-start'?: string[];
  /** Through the stand-in GitHub: log the delivery as one the webhook never got (down, or throttled). */
  missed?: MissedDelivery;
  /** false: print the webhook's answer only. */
  wait?: boolean;
}

const PULL_REQUEST_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review', 'closed', 'labeled'];

/** The options that go together, checked before anything is read or sent: a usage error (exit 2) otherwise. */
function checkCombinations(file: string | undefined, options: SendOptions): void {
  const group = options['merge-group'];
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
    ...(options['fail-start']?.length ? { failStart: localCodePipeline(target, '--fail-start') } : {}),
  };
  let body: Buffer;
  let event = options.event ?? 'push';
  /** What the stand-in GitHub must know before eval asks it: the pull request, or the clone a merge group is made in. */
  let prepareGithub: (() => Promise<void>) | undefined;
  const group = options['merge-group'];
  if (group) {
    const cwd = options.cwd ?? process.cwd();
    const repository = options.repo ?? gitRepository(cwd);
    if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
    const built = mergeGroupPayload({
      range: group,
      repository,
      number: options.number ?? 1,
      action: (options.action ?? 'checks_requested') as (typeof MERGE_GROUP_ACTIONS)[number],
      ...(options.reason ? { reason: options.reason as (typeof DESTROY_REASONS)[number] } : {}),
      cwd,
      ...(options.base ? { base: options.base } : {}),
    });
    // eval compares the group's base and head commits: the stand-in reads them from the clone.
    if (!options.url && local?.githubUrl) {
      const githubUrl = local.githubUrl;
      prepareGithub = () => serveOnLocalGithub(githubUrl, repository, built.dir);
    }
    body = Buffer.from(JSON.stringify(built.payload));
    event = 'merge_group';
  } else if (options.push) {
    const cwd = options.cwd ?? process.cwd();
    const repository = options.repo ?? gitRepository(cwd);
    if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
    const built = pushPayload({ range: options.push, repository, cwd, ...(options.ref ? { ref: options.ref } : {}) });
    // eval's compare and trees (a forced push, a new branch, the changes since a last success) read the clone.
    if (!options.url && local?.githubUrl) {
      const githubUrl = local.githubUrl;
      prepareGithub = () => serveOnLocalGithub(githubUrl, repository, built.dir);
    }
    body = Buffer.from(JSON.stringify(built.payload));
    event = 'push';
  } else if (options.pr) {
    const cwd = options.cwd ?? process.cwd();
    const repository = options.repo ?? gitRepository(cwd);
    if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
    const number = options.number ?? 1;
    const draft = !!options.draft;
    const action = options.action ?? 'opened';
    const built = pullRequestPayload({
      range: options.pr,
      repository,
      number,
      action,
      draft,
      cwd,
      ...(options.base ? { base: options.base } : {}),
    });
    // The stand-in must know the pull request before eval asks it for the files.
    if (!options.url && local?.githubUrl) {
      const githubUrl = local.githubUrl;
      prepareGithub = () => openOnLocalGithub(githubUrl, repository, number, built, draft);
    }
    body = Buffer.from(JSON.stringify(built.payload));
    event = 'pull_request';
  } else {
    body = readFileSync(file as string);
  }
  const sent = sentEventOf(body, event);
  if (codepipeline.fail && !sent)
    throw new UserError('--fail needs a push, pull request or merge group (its commit is the one whose execution fails)', 2);
  if (codepipeline.hold && !sent)
    throw new UserError('--hold needs a push, pull request or merge group (its commit is the one whose execution is held)', 2);
  if (sent && target) await checkPipelinesToFail(options, sent.repository);
  // What eval recorded for this commit before: a start that gets one of those executions back ran nothing new.
  const showing = !!(sent && target && options.wait !== false && !/^0+$/.test(sent.commit));
  const before = showing && sent ? await recordsBefore(sent) : [];
  const failing = codepipeline.fail && sent ? await pipelinesToPlanFailing(options.fail ?? [], sent, before) : undefined;
  const holding = codepipeline.hold && sent ? await pipelinesToPlanFailing(options.hold ?? [], sent, before) : undefined;
  await prepareGithub?.();
  const delivery = options.delivery ?? randomUUID();
  if (codepipeline.fail && failing && sent) await planFailures(codepipeline.fail, failing.plan, sent.commit);
  if (codepipeline.hold && holding && sent) await planFailures(codepipeline.hold, holding.plan, sent.commit, true);
  if (codepipeline.failStart) await refuseStarts(codepipeline.failStart, options['fail-start'] ?? []);
  const answer = github
    ? await deliverThroughGithub(github, { event, body, delivery, ...(options.missed ? { missed: options.missed } : {}) })
    : await postSigned(url, { event, body, delivery, secret: webhookSecret(options, local) });
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
  const queued = options['fail-start']?.length && target ? await deadLetterCount(target) : undefined;
  // To the local stack: show what the push did, as `triggers why` and GitHub would.
  if (ok && local && showing && sent && !/"ignored":true/.test(answer.text)) {
    // The delivery was accepted: what follows only informs, and never changes the exit status.
    const held = holding ? { held: holding.plan } : {};
    const outcome = await showOutcome(sent, delivery, local, before, held).catch((error: Error) => {
      out(paint('yellow', `could not show the outcome: ${visible(error.message)}`));
      return undefined;
    });
    if (outcome && failing) sayWhatFailDid(outcome, failing, sent);
    if (outcome && holding) sayWhatHoldDid(outcome, holding, sent);
  }
  if (ok && queued !== undefined && target) await waitForDeadLetter(target, queued);
  // --missed asked for a delivery the webhook never got: logging it so is what was asked.
  return ok || (options.missed && github) ? 0 : 1;
}

/** Which --fail pipelines to plan a failure for: not those whose execution for this very push exists already. */
interface FailPlan {
  plan: string[];
  /** Pipelines whose execution for this push exists already (its id): CodePipeline would give it back, nothing would fail. */
  ranAlready: Map<string, string>;
}

/**
 * A failure planned for an execution that never starts would stay planned, and fail a later
 * execution of the same commit nobody asked to fail. So a pipeline whose execution for this push
 * exists (an earlier record of the same start, with an execution the local CodePipeline still
 * knows: a restarted stack knows none, and starts anew) gets no plan.
 */
async function pipelinesToPlanFailing(pipelines: string[], sent: SentEvent, before: readonly DecisionRecord[]): Promise<FailPlan> {
  const ranAlready = new Map<string, string>();
  const executions = openExecutions({});
  try {
    for (const record of before.filter((r) => sent.sameStartAs(r)))
      for (const c of record.configs) {
        if (c.action !== 'started' || !c.executionId || !pipelines.includes(c.pipeline) || ranAlready.has(c.pipeline)) continue;
        const now = executions ? await executions.lookup(c.pipeline, c.executionId) : undefined;
        if (now && 'status' in now) ranAlready.set(c.pipeline, c.executionId);
      }
  } finally {
    executions?.close();
  }
  return { plan: pipelines.filter((p) => !ranAlready.has(p)), ranAlready };
}

/** After the outcome: each --fail that did nothing, and why (silence would read as "it failed"). */
function sayWhatFailDid(outcome: SentOutcome, failing: FailPlan, sent: SentEvent): void {
  const commit = visible(sent.commit.slice(0, 7));
  for (const pipeline of [...failing.ranAlready.keys(), ...failing.plan]) {
    const c = outcome.record.configs.find((o) => o.pipeline === pipeline);
    const planned = failing.plan.includes(pipeline);
    const name = visible(pipeline);
    if (c?.action === 'started' && !outcome.earlier.has(c)) {
      if (!planned)
        out(paint('yellow', `--fail ${name} was not applied: an execution of this push existed when it was sent; this one runs as usual`));
      continue;
    }
    const why =
      c?.action === 'started'
        ? `its execution for this push had already run (${visible(c.executionId)}), and CodePipeline gave it back: nothing new ran, so nothing failed; push a new commit to see a failure`
        : `${name} ${c ? `was ${WORDS[c.action]} (${visible(c.reason)})` : 'was not decided for this push'}, so no execution of it ran`;
    out(paint('yellow', `--fail ${name} had no effect: ${why}`));
    if (planned) out(paint('yellow', `  the failure stays planned for the next execution of ${name} for ${commit} on this local stack`));
  }
}

/** After the outcome: each --hold that held nothing, and why (the hold then stays planned). */
function sayWhatHoldDid(outcome: SentOutcome, holding: FailPlan, sent: SentEvent): void {
  const commit = visible(sent.commit.slice(0, 7));
  for (const pipeline of [...holding.ranAlready.keys(), ...holding.plan]) {
    const c = outcome.record.configs.find((o) => o.pipeline === pipeline);
    const planned = holding.plan.includes(pipeline);
    const name = visible(pipeline);
    if (c?.action === 'started' && !outcome.earlier.has(c)) {
      if (!planned)
        out(paint('yellow', `--hold ${name} was not applied: an execution of this event existed when it was sent; this one runs as usual`));
      continue;
    }
    const why =
      c?.action === 'started'
        ? `its execution for this event had already run (${visible(c.executionId)}), and CodePipeline gave it back: nothing new ran, so nothing is held`
        : `${name} ${c ? `was ${WORDS[c.action]} (${visible(c.reason)})` : 'was not decided for this event'}, so no execution of it ran`;
    out(paint('yellow', `--hold ${name} had no effect: ${why}`));
    if (planned) out(paint('yellow', `  the hold stays planned for the next execution of ${name} for ${commit} on this local stack`));
  }
}

/** The dead letters in the local eval's queue now. */
async function deadLetterCount(local: LocalStackInfo): Promise<number | undefined> {
  const queue = local.deadLetterQueues?.[EVAL_FUNCTION_NAME];
  if (!queue || !local.sqsUrl) return undefined;
  const sqs = new SQSClient({
    endpoint: local.sqsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  } finally {
    sqs.destroy();
  }
}

/** With --fail-start: waits until Lambda gave up on the event (its two retries) and it is in eval's dead-letter queue. */
async function waitForDeadLetter(local: LocalStackInfo, before: number): Promise<void> {
  for (let poll = 0; poll < STATUS_POLLS; poll++) {
    if (((await deadLetterCount(local)) ?? 0) > before) {
      out(
        paint(
          'yellow',
          "eval failed three times (Lambda's two retries): the push is in eval's dead-letter queue; `triggers redrive` replays it",
        ),
      );
      return;
    }
    await sleep(RECORD_POLL_MS);
  }
  out(paint('yellow', "eval is still retrying; once it gives up, the push is in eval's dead-letter queue (`triggers redrive`)"));
}

/** What the webhook answered, or (through GitHub's stand-in) what GitHub logged: 0 when GitHub got no answer. */
interface WebhookAnswer {
  status: number;
  text: string;
  /** GitHub's words for a failed delivery (`failed to connect to host`, `Invalid HTTP Response: 429`). */
  githubStatus?: string;
}

/** The webhook secret for a direct POST: --secret-file, WEBHOOK_SECRET, or the local stack's. */
function webhookSecret(options: SendOptions, local: LocalStackInfo | undefined): string {
  const secretFile = options['secret-file'] ?? (process.env['WEBHOOK_SECRET'] ? undefined : local?.secretFile);
  let secret = process.env['WEBHOOK_SECRET'];
  if (options['secret-file'] || !secret) {
    if (!secretFile) throw new UserError('no secret: set WEBHOOK_SECRET or pass --secret-file FILE');
    try {
      secret = readFileSync(secretFile, 'utf8').trim();
    } catch (error) {
      throw new UserError(`cannot read the secret file ${visible(secretFile)}: ${visible((error as Error).message)}`);
    }
  }
  if (!secret) throw new UserError(`the secret file ${visible(secretFile)} is empty`);
  return secret;
}

/** POSTs the payload signed, with GitHub's headers, straight to a webhook. */
async function postSigned(
  url: string,
  delivery: { event: string; body: Buffer; delivery: string; secret: string },
): Promise<WebhookAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': delivery.event,
      'x-github-delivery': delivery.delivery,
      'x-hub-signature-256': sign(delivery.secret, delivery.body),
      'user-agent': 'GitHub-Hookshot/triggers-cli',
    },
    body: delivery.body,
  });
  return { status: response.status, text: await response.text() };
}

/** Has the local stack's stand-in GitHub deliver the payload (or log it as missed) and says what it logged. */
async function deliverThroughGithub(
  githubUrl: string,
  delivery: { event: string; body: Buffer; delivery: string; missed?: MissedDelivery },
): Promise<WebhookAnswer> {
  const response = await fetch(`${githubUrl}${DELIVER_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      event: delivery.event,
      payload: delivery.body.toString('utf8'),
      guid: delivery.delivery,
      ...(delivery.missed ? { missed: delivery.missed } : {}),
    }),
  });
  const answer = (await response.json()) as { message?: string; status?: string; status_code?: number; response?: { payload?: string } };
  if (!response.ok) throw new UserError(`the stand-in GitHub did not deliver it: ${visible(answer.message ?? response.status)}`);
  return {
    status: answer.status_code ?? 0,
    text: answer.response?.payload ?? '',
    ...(answer.status ? { githubStatus: answer.status } : {}),
  };
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
}
