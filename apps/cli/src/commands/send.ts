import type { CommandHelp } from '../lib/command-help';
import { sign } from '@monorepo-triggers/github-signature';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkRunNameOf } from '@monorepo-triggers/github-feedback';
import { githubPullRequestSchema, githubPushSchema, toCompactPullRequestEvent, toCompactPushEvent } from '@monorepo-triggers/push-event';
import { setTimeout as sleep } from 'node:timers/promises';
import { NEXT_OUTCOME_PATH } from '@monorepo-triggers/local-aws';
import { readLocalStack, type LocalStackInfo } from '../lib/local-state';
import { openRecords } from '../lib/record-source';
import { outcomeLine, pushLine } from './why';
import { out, paint, UserError } from '../lib/output';
import { gitRepository } from '../lib/git-changes';
import { openOnLocalGithub, pullRequestPayload } from '../lib/pull-request-payload';

export const SEND_HELP: CommandHelp = {
  summary: 'sign a payload and POST it to a webhook, as GitHub does',
  description: `Signs FILE (the raw bytes, as GitHub does) with X-Hub-Signature-256 and POSTs it to a webhook with
GitHub's headers. By default it goes to the running local stack, signed with its secret.
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
  footer: 'Exit status: 0 when the webhook answered 2xx, 1 otherwise.',
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
  /** false: print the webhook's answer only. */
  wait?: boolean;
}

export async function runSend(file: string | undefined, options: SendOptions): Promise<number> {
  if (!!file === !!options.pr) throw new UserError('give a payload FILE or --pr BASE...HEAD (see triggers send --help)', 2);
  const local = readLocalStack();
  const url = options.url ?? local?.webhookUrl;
  if (!url) throw new UserError('no local stack is running: start it with `npm start`, or pass --url');
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
  if (options.fail?.length) await planFailures(options.fail, eventOf(body, event)?.commit, options.url ? undefined : local);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': sign(secret, body),
      'user-agent': 'GitHub-Hookshot/triggers-cli',
    },
    body,
  });
  const text = await response.text();
  const ok = response.status >= 200 && response.status < 300;
  out(`${ok ? paint('green', String(response.status)) : paint('red', String(response.status))} ${text} (delivery ${delivery})`);
  // To the local stack: show what the push did, as `triggers why` and GitHub would.
  const sent = eventOf(body, event);
  if (ok && local && !options.url && options.wait !== false && sent && !/"ignored":true/.test(text)) {
    // The delivery was accepted: what follows only informs, and never changes the exit status.
    await showOutcome(sent, delivery, local).catch((error: Error) => out(paint('yellow', `could not show the outcome: ${error.message}`)));
  }
  return ok ? 0 : 1;
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
