import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startLocalStack } from '../lib/local-stack';
import { localDir } from '../lib/local-state';
import { guardLine, paint, UserError, visible } from '../lib/output';

export const START_HELP: CommandHelp = {
  summary: 'run the whole system locally (what npm start runs)',
  description: `Runs the whole system locally, on 127.0.0.1 only: the webhook, eval and statuses bundles that go to
Lambda, an embedded S3 store (s3rver; data under --data-dir), a local Lambda endpoint that runs eval
when the webhook invokes it, a local CodePipeline that records every start in executions.jsonl and
ends each execution (succeeded, or failed when \`triggers send --fail\` asks), and a stand-in GitHub
API with a GitHub App that records the statuses and check runs posted, delivers what \`triggers send\`
sends and keeps its delivery log (unless GITHUB_TOKEN is set: then eval talks to the real GitHub, and
no statuses are posted for local executions). The reconcile function runs when \`triggers reconcile\`
asks; what eval and statuses give up on goes to local dead-letter queues (\`triggers redrive\`).
Example configs from examples/configs are seeded into an empty store. Ctrl-C stops everything.
The bundles' JSON logs go to DIR/logs.jsonl; starts are printed as they happen.`,
  examples: ['npm start', 'triggers start --port 0 --data-dir /tmp/triggers-demo'],
};

export interface StartOptions {
  port: number;
  dataDir: string;
  aws: boolean;
  root: string;
}

/**
 * One console line for the log lines that matter to someone watching: deliveries, starts, failures.
 * Every value in them came from outside (a delivery id, a ref, a path, an error), shown visible.
 */
function describeLogLine(line: string): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  const v = (key: string) => visible(entry[key] ?? '');
  const sha = (value: unknown) => visible(String(value ?? '').slice(0, 7));
  switch (entry['msg']) {
    case 'delivery':
      return `${paint('cyan', '→')} delivery ${v('deliveryId')}: ${v('event')} ${v('repository')} ${v('ref')} → ${v('status')} ${v('outcome')}`;
    case 'decision':
      if (entry['action'] === 'started')
        return `${paint('green', '▶ started')} ${v('pipeline')} (execution ${sha(entry['executionId'])}…): ${v('detail')}`;
      if (entry['action'] === 'failed') return `${paint('red', '✗ failed')} ${v('pipeline')}: ${v('error')}`;
      return undefined;
    case 'summary':
      return `  eval ${v('deliveryId')}: ${(entry['started'] as unknown[]).length} started, ${v('skipped')} skipped, ${(entry['failed'] as unknown[]).length} failed (${visible((entry['changes'] as { paths: number }).paths)} changed paths)`;
    case 'execution-status': {
      const statuses = entry['statuses'] as { state: string; description: string }[];
      const last = statuses.at(-1);
      return `${paint('cyan', '◆ status')} ${v('context')} on ${sha(entry['commit'])}: ${statuses.map((s) => visible(s.state)).join(' → ')} (${visible(last?.description ?? '')})`;
    }
    // A pipeline's last success on a branch (config compareWith: last-success), kept by statuses;
    // the build eval marks as running, which statuses ends when it fails.
    case 'last-success':
      if (entry['status'] !== 'Succeeded')
        return entry['cleared']
          ? paint(
              'dim',
              `  ${v('pipeline')} on ${v('branch')}: its build of ${sha(entry['commit'])} ${v('status')}; the next push counts from its last success`,
            )
          : undefined;
      return entry['moved']
        ? `${paint('green', '★ last success')} ${v('pipeline')} on ${v('branch')}: ${sha(entry['commit'])}${entry['from'] ? ` (was ${sha(entry['from'])})` : ''}`
        : paint('dim', `  last success of ${v('pipeline')} on ${v('branch')} stays ${sha(entry['current'])}: ${v('why')}`);
    case 'build-marked':
      return entry['marked']
        ? paint('dim', `  building: ${v('pipeline')} on ${v('branch')} at ${sha(entry['commit'])} (pushes count from there while it runs)`)
        : undefined;
    case 'recovery':
      return `${paint('cyan', '↻ recovery')} ${v('event')} delivery ${v('guid')}: ${v('result')}${entry['attempt'] !== 1 ? ` (try ${v('attempt')})` : ''}`;
    case 'invalid-config':
      return `${paint('yellow', '! invalid config')} ${v('key')}: ${v('error')}`;
    default:
      return undefined;
  }
}

export async function runStart(options: StartOptions): Promise<number> {
  mkdirSync(options.dataDir, { recursive: true });
  const logFile = join(options.dataDir, 'logs.jsonl');
  // The console, through the real stdout stream (kept before the bundles' lines are diverted below),
  // which queues what a slow reader has not taken yet instead of failing on a full pipe.
  const stdout = process.stdout.write.bind(process.stdout) as (text: string) => boolean;
  const print = (line: string) => void stdout(guardLine(line) + '\n');
  // The bundles log JSON lines to stdout, as on Lambda: keep them in a file, show the ones that matter.
  process.stdout.write = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    appendFileSync(logFile, text);
    for (const line of text.split('\n')) {
      const shown = describeLogLine(line);
      if (shown) print(shown);
    }
    return true;
  }) as typeof process.stdout.write;

  const secretFromEnv = !!process.env['WEBHOOK_SECRET'];
  const stack = await startLocalStack({
    port: options.port,
    dataDir: options.dataDir,
    root: options.root,
    aws: options.aws,
    print,
    retryDelaysMs: [1000, 2000],
  });
  // Ctrl-C and SIGTERM stop the stack from now on: before the banner below, so a caller that
  // stops it as soon as it reads "Press Ctrl-C" is never met by Node's default (an unclean exit).
  const stopped = new Promise<void>((resolve) => {
    const shutdown = () => {
      print('stopping…');
      void stack.stop().then(resolve);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  const rel = (p: string) => visible(relative(process.cwd(), p) || p);
  print(paint('bold', 'monorepo-triggers local stack'));
  print(`  webhook:    ${stack.info.webhookUrl}   (POST GitHub deliveries here)`);
  print(
    `  secret:     ${secretFromEnv ? 'from WEBHOOK_SECRET' : `${rel(stack.info.secretFile)} (generated once; set WEBHOOK_SECRET to choose it)`}`,
  );
  print(
    `  configs:    s3://${stack.info.bucket}/${stack.info.prefix}/ ${options.aws ? '(AWS)' : `on ${stack.info.s3Endpoint}`}: ${stack.configCount} config(s)${stack.seeded ? `, ${stack.seeded} seeded from examples/configs` : ''}`,
  );
  print(
    `  executions: ${options.aws ? 'real CodePipeline' : `${rel(join(options.dataDir, 'executions.jsonl'))} (each ends succeeded; \`triggers send --fail PIPELINE\` fails the next)`}`,
  );
  print(
    `  github:     ${stack.info.githubUrl ? `${stack.info.githubUrl} (stand-in with a GitHub App: records statuses and check runs)` : process.env['GITHUB_TOKEN'] ? 'the real GitHub API, with GITHUB_TOKEN (no statuses for local executions)' : 'none'}`,
  );
  print(`  logs:       ${rel(logFile)}`);
  print('Send a signed example push (in another terminal):');
  print(`  npx triggers send examples/pushes/orders-change.json`);
  print('Press Ctrl-C to stop.');
  await stopped;
  print('stopped');
  return 0;
}

export function registerStart(program: Command, root: string, done: (code: number) => void): void {
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
}
