import type { CommandHelp } from '../lib/command-help';
import { sign } from '@monorepo-triggers/github-signature';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkRunNameOf } from '@monorepo-triggers/github-feedback';
import { githubPullRequestSchema, githubPushSchema, toCompactPullRequestEvent, toCompactPushEvent } from '@monorepo-triggers/push-event';
import { setTimeout as sleep } from 'node:timers/promises';
import { DELIVER_PATH, NEXT_OUTCOME_PATH, REFUSE_STARTS_PATH, type MissedDelivery } from '@monorepo-triggers/local-aws';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EVAL_FUNCTION_NAME } from '../lib/eval-lambda';
import { readLocalStack, type LocalStackInfo } from '../lib/local-state';
import { openRecords } from '../lib/record-source';
import { outcomeLine, pushLine } from './why';
import { out, paint, UserError } from '../lib/output';
import { gitRepository } from '../lib/git-changes';
import { openOnLocalGithub, pullRequestPayload } from '../lib/pull-request-payload';

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
To the local stack, a push or pull request then waits for eval's decisions and prints them, then
waits for the executions it started to end and prints each pipeline's commit status transitions and
the check run (the stack's stand-in GitHub records them); --no-wait prints the webhook's answer only.`,
  examples: [
    'triggers send examples/pushes/orders-change.json',
    'triggers send examples/pushes/shared-lib-change.json --fail billing-service',
    'triggers send --pr HEAD~1...HEAD --base main --repo acme/platform',
  ],
  footer: 'Exit status: 0 when the webhook answered 2xx (or, with --missed, the delivery was logged as missed), 1 otherwise.',
};

export interface SendOptions {
  /** `BASE...HEAD` of the clone in `cwd`: send a pull request built from it instead of a file. */
  pr?: string;
  /** The branch the pull request targets, when BASE is not that branch. */
  base?: string;
  number?: number;
  action?: string;
  draft?: boolean;
  cwd?: string;
  repo?: string;
  url?: string;
  'secret-file'?: string;
  event?: string;
  delivery?: string;
  fail?: string[];
  /** Pipelines whose next starts the local CodePipeline refuses, so eval fails and the event lands in its dead-letter queue. */
  'fail-start'?: string[];
  /** Through the stand-in GitHub: log the delivery as one the webhook never got (down, or throttled). */
  missed?: MissedDelivery;
  /** false: print the webhook's answer only. */
  wait?: boolean;
}

export async function runSend(file: string | undefined, options: SendOptions): Promise<number> {
  if (!!file === !!options.pr) throw new UserError('give a payload FILE or --pr BASE...HEAD (see triggers send --help)', 2);
  const local = readLocalStack();
  const url = options.url ?? local?.webhookUrl;
  if (!url) throw new UserError('no local stack is running: start it with `npm start`, or pass --url');
  // To the local stack, GitHub's stand-in delivers (signed with the stack's secret) and keeps the
  // delivery in its log, as GitHub does: what `triggers reconcile` reads.
  const github = !options.url ? local?.githubUrl : undefined;
  if (options.missed && !github)
    throw new UserError("--missed needs the local stack's stand-in GitHub (npm start, without --aws or GITHUB_TOKEN)", 2);
  let body: Buffer;
  let event = options.event ?? 'push';
  if (options.pr) {
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
    if (!options.url && local?.githubUrl) await openOnLocalGithub(local.githubUrl, repository, number, built, draft);
    body = Buffer.from(JSON.stringify(built.payload));
    event = 'pull_request';
  } else {
    body = readFileSync(file as string);
  }
  const delivery = options.delivery ?? randomUUID();
  const target = options.url ? undefined : local;
  if (options.fail?.length) await planFailures(options.fail, eventOf(body, event)?.commit, target);
  if (options['fail-start']?.length) await refuseStarts(options['fail-start'], target);
  const answer = github
    ? await deliverThroughGithub(github, { event, body, delivery, ...(options.missed ? { missed: options.missed } : {}) })
    : await postSigned(url, { event, body, delivery, secret: webhookSecret(options, local) });
  const ok = answer.status >= 200 && answer.status < 300;
  const status = answer.status === 0 ? 'no answer' : String(answer.status);
  out(`${ok ? paint('green', status) : paint('red', status)}${answer.text ? ` ${answer.text}` : ''} (delivery ${delivery})`);
  if (!ok && github)
    out(
      paint(
        'yellow',
        `GitHub logged the delivery as failed (${answer.githubStatus ?? status}): \`triggers reconcile\` finds and recovers it`,
      ),
    );
  const queued = options['fail-start']?.length && target ? await deadLetterCount(target) : undefined;
  // To the local stack: show what the push did, as `triggers why` and GitHub would.
  const sent = eventOf(body, event);
  if (ok && local && !options.url && options.wait !== false && sent && !/"ignored":true/.test(answer.text)) {
    // The delivery was accepted: what follows only informs, and never changes the exit status.
    await showOutcome(sent, delivery, local).catch((error: Error) => out(paint('yellow', `could not show the outcome: ${error.message}`)));
  }
  if (ok && queued !== undefined && target) await waitForDeadLetter(target, queued);
  // --missed asked for a delivery the webhook never got: logging it so is what was asked.
  return ok || (options.missed && github) ? 0 : 1;
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
      throw new UserError(`cannot read the secret file ${secretFile}: ${(error as Error).message}`);
    }
  }
  if (!secret) throw new UserError(`the secret file ${secretFile} is empty`);
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
  if (!response.ok) throw new UserError(`the stand-in GitHub did not deliver it: ${answer.message ?? response.status}`);
  return {
    status: answer.status_code ?? 0,
    text: answer.response?.payload ?? '',
    ...(answer.status ? { githubStatus: answer.status } : {}),
  };
}

/** Tells the local CodePipeline to refuse the next starts of each pipeline (its concurrent-executions limit). */
async function refuseStarts(pipelines: string[], local: LocalStackInfo | undefined): Promise<void> {
  if (!local?.codepipelineUrl)
    throw new UserError('--fail-start needs the local stack (npm start) with its local CodePipeline (not --aws)', 2);
  for (const pipelineName of pipelines) {
    const answer = await fetch(`${local.codepipelineUrl}${REFUSE_STARTS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipelineName }),
    });
    if (!answer.ok)
      throw new UserError(`the local CodePipeline refused --fail-start ${pipelineName}: ${answer.status} ${await answer.text()}`);
  }
}

/** The repository and the commit a push or pull request payload builds, if it is one that can start a pipeline. */
function eventOf(body: Buffer, event: string): { repository: string; commit: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (event === 'pull_request') {
    const pull = githubPullRequestSchema.safeParse(json);
    const compact = pull.success ? toCompactPullRequestEvent(pull.data, 'send') : undefined;
    return compact ? { repository: compact.repository, commit: compact.mergeCommit ?? compact.headSha } : undefined;
  }
  if (event !== 'push') return undefined;
  const push = githubPushSchema.safeParse(json);
  if (!push.success) return undefined;
  const compact = toCompactPushEvent(push.data, 'send');
  return { repository: compact.repository, commit: compact.headCommit ?? compact.after };
}

/** Tells the local CodePipeline that the next execution of each pipeline for this push's commit fails. */
async function planFailures(pipelines: string[], commit: string | undefined, local: LocalStackInfo | undefined): Promise<void> {
  if (!local?.codepipelineUrl) throw new UserError('--fail needs the local stack (npm start) with its local CodePipeline (not --aws)', 2);
  if (!commit) throw new UserError('--fail needs a push or pull request (its commit is the one whose execution fails)', 2);
  for (const pipelineName of pipelines) {
    const answer = await fetch(`${local.codepipelineUrl}${NEXT_OUTCOME_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipelineName, status: 'Failed', commit }),
    });
    if (!answer.ok) throw new UserError(`the local CodePipeline refused --fail ${pipelineName}: ${answer.status} ${await answer.text()}`);
  }
}

/** How long `send` waits for eval's decision record: eval runs right after the webhook answers. */
const RECORD_POLLS = 50;
const RECORD_POLL_MS = 200;
/** How long it waits for the executions to end (local ones end as soon as statuses reported their start). */
const STATUS_POLLS = 150;
const STATE_COLOUR: Record<string, 'green' | 'red' | 'yellow'> = { success: 'green', failure: 'red', error: 'red', pending: 'yellow' };

/** A commit status as GitHub lists it. */
interface ListedStatus {
  context: string;
  state: string;
  description: string | null;
  target_url: string | null;
}

/** Each context's statuses on a commit, oldest first (GitHub lists them newest first). */
async function statusHistory(url: string): Promise<Map<string, ListedStatus[]>> {
  const listed = (await (await fetch(`${url}?per_page=100`)).json()) as ListedStatus[];
  const history = new Map<string, ListedStatus[]>();
  for (const s of [...listed].reverse()) history.set(s.context, [...(history.get(s.context) ?? []), s]);
  return history;
}

/** Waits for eval's record of this delivery, then prints each pipeline's decision and what GitHub shows. */
async function showOutcome(event: { repository: string; commit: string }, delivery: string, local: LocalStackInfo): Promise<void> {
  const { commit } = event;
  if (/^0+$/.test(commit)) return;
  const { records } = openRecords({});
  let record;
  for (let poll = 0; poll < RECORD_POLLS && !record; poll++) {
    record = (await records.forCommit(event.repository, commit)).records.find((r) => r.deliveryId === delivery);
    if (!record) await sleep(RECORD_POLL_MS);
  }
  if (!record) {
    out(
      paint(
        'yellow',
        `eval has not recorded its decisions yet: see the stack's console, or run triggers why ${commit.slice(0, 12)} --repo ${event.repository}`,
      ),
    );
    return;
  }
  out(pushLine(record));
  for (const c of record.configs) out(outcomeLine(c));
  if (!local.githubUrl) return;
  const repo = `/repos/${event.repository.split('/').map(encodeURIComponent).join('/')}`;
  // The started pipelines' statuses follow their executions: wait until each execution has ended.
  const executionOf = new Map(
    record.configs.filter((c) => c.action === 'started' && c.executionId).map((c) => [c.statusContext, c.executionId as string]),
  );
  const ofExecution = (statuses: ListedStatus[], id: string) => statuses.filter((s) => (s.target_url ?? '').includes(`/executions/${id}/`));
  const running = (history: Map<string, ListedStatus[]>) =>
    [...executionOf].filter(([context, id]) => (ofExecution(history.get(context) ?? [], id).at(-1)?.state ?? 'pending') === 'pending');
  let history = new Map<string, ListedStatus[]>();
  for (let poll = 0; poll < STATUS_POLLS; poll++) {
    history = await statusHistory(`${local.githubUrl}${repo}/commits/${commit}/statuses`);
    if (running(history).length === 0) break;
    await sleep(RECORD_POLL_MS);
  }
  out(paint('bold', `GitHub statuses on ${commit.slice(0, 7)}`) + paint('dim', ' (local stand-in)'));
  if (history.size === 0) out(paint('dim', '  none'));
  const transitions = (statuses: ListedStatus[]) => statuses.map((s) => paint(STATE_COLOUR[s.state] ?? 'dim', s.state)).join(' → ');
  for (const [context, statuses] of history) {
    const id = executionOf.get(context);
    // A started pipeline: the transitions of this push's execution. Another context: where it stands.
    const shown = id ? ofExecution(statuses, id) : statuses.slice(-1);
    const last = shown.at(-1);
    if (!last) continue;
    out(`  ${context}: ${transitions(shown)}  ${paint('dim', last.description ?? '')}`);
    if (id && statuses.at(-1) !== last)
      out(paint('dim', `    the commit now shows: ${statuses.at(-1)?.description ?? ''} (another push of the same commit)`));
  }
  const waiting = running(history).map(([context]) => context);
  if (waiting.length > 0) out(paint('yellow', `  still running: ${waiting.join(', ')} (see the stack's console)`));
  const name = checkRunNameOf(record);
  const runs = (await (
    await fetch(`${local.githubUrl}${repo}/commits/${commit}/check-runs?check_name=${encodeURIComponent(name)}`)
  ).json()) as {
    check_runs: { conclusion: string | null; output: { title?: string } }[];
  };
  const run = runs.check_runs[0];
  if (run) out(`${paint('bold', `check run ${name}:`)} ${run.output.title ?? ''} (${run.conclusion ?? 'pending'})`);
}
