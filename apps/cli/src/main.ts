import { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from '@monorepo-triggers/config-schema';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { EXPLAIN_HELP, runExplain } from './commands/explain';
import { SEND_HELP, runSend } from './commands/send';
import { START_HELP, runStart } from './commands/start';
import { runDelete, runGet, runList, runPut, STORE_HELP } from './commands/store-commands';
import { runValidate, runValidateStored, VALIDATE_HELP } from './commands/validate';
import { runHistory, runWhy, WHY_HELP } from './commands/why';
import { localDir } from './lib/local-state';
import { err, out, paint, UserError } from './lib/output';

// The SDK warns that Node 20 support ends in 2027 on every run; the CLI works on Node 20 and 22.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const MAIN_HELP = `Usage: triggers COMMAND [options]

Commands:
  start       run the whole system locally (what npm start runs)
  validate    check config files and CloudFormation templates before deploying
  explain     show which pipelines a push would start, and why
  list, get, put, delete
              manage configs in the store (local stack, or --bucket in AWS)
  send        sign a payload and POST it to a webhook, as GitHub does
  why, history
              why each pipeline did or did not start for a commit; recent pushes

Run triggers COMMAND --help for a command's options and an example.`;

const HELP: Record<string, string> = {
  start: START_HELP,
  validate: VALIDATE_HELP,
  explain: EXPLAIN_HELP,
  list: STORE_HELP,
  get: STORE_HELP,
  put: STORE_HELP,
  delete: STORE_HELP,
  send: SEND_HELP,
  why: WHY_HELP,
  history: WHY_HELP,
};

// The repository root: dist/apps/cli/main.js is three levels down.
const ROOT = resolve(__dirname, '..', '..', '..');

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    out(MAIN_HELP);
    return command ? 0 : 2;
  }
  const help = HELP[command];
  if (!help) throw new UserError(`unknown command ${JSON.stringify(command)}\n\n${MAIN_HELP}`, 2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      stored: { type: 'boolean' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      aws: { type: 'boolean' },
      payload: { type: 'string' },
      git: { type: 'string' },
      'new-branch': { type: 'boolean' },
      cwd: { type: 'string' },
      repo: { type: 'string' },
      ref: { type: 'string' },
      configs: { type: 'string' },
      bucket: { type: 'string' },
      prefix: { type: 'string' },
      url: { type: 'string' },
      'secret-file': { type: 'string' },
      event: { type: 'string' },
      delivery: { type: 'string' },
      pipeline: { type: 'string' },
      limit: { type: 'string' },
      fail: { type: 'string', multiple: true },
    },
  });
  if (values.help) {
    out(help);
    return 0;
  }
  const source = {
    ...(values.configs ? { configs: values.configs } : {}),
    ...(values.bucket ? { bucket: values.bucket } : {}),
    ...(values.prefix ? { prefix: values.prefix } : {}),
  };
  const twoArgs = () => {
    if (positionals.length !== 2) throw new UserError(`${command} needs OWNER/NAME and PIPELINE\n\n${help}`, 2);
    const [repository, pipeline] = positionals as [string, string];
    if (!isRepositoryName(repository)) throw new UserError(`the repository ${REPOSITORY_RULE}, got ${JSON.stringify(repository)}`, 2);
    if (!isPipelineName(pipeline)) throw new UserError(`the pipeline name ${PIPELINE_NAME_RULE}, got ${JSON.stringify(pipeline)}`, 2);
    return [repository, pipeline] as [string, string];
  };
  switch (command) {
    case 'start': {
      const port = Number(values.port ?? 3000);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a port number, got ${values.port}`, 2);
      return runStart({ port, dataDir: values['data-dir'] ? resolve(values['data-dir']) : localDir(), aws: !!values.aws, root: ROOT });
    }
    case 'validate':
      if (positionals.length === 0 && (values.stored || values.bucket)) return runValidateStored(source, !!values.json);
      if (positionals.length === 0) throw new UserError(`validate needs at least one file, or --stored\n\n${help}`, 2);
      if (values.stored) throw new UserError(`validate takes files or --stored, not both\n\n${help}`, 2);
      return runValidate(positionals, !!values.json);
    case 'explain':
      return runExplain({ ...source, ...values, json: !!values.json });
    case 'list':
      return runList({ ...source, ...(values.repo ? { repo: values.repo } : {}), json: !!values.json });
    case 'get':
      return runGet(...twoArgs(), source);
    case 'put':
      return runPut(positionals, source);
    case 'delete':
      return runDelete(...twoArgs(), source);
    case 'send':
      return runSend(positionals[0], values);
    case 'why':
      return runWhy(positionals[0], { ...values, json: !!values.json });
    case 'history':
      return runHistory({ ...values, json: !!values.json });
    default:
      throw new UserError(`unknown command ${command}`, 2);
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error & { code?: string }) => {
    if (error instanceof UserError) {
      err(`${paint('red', 'error:', process.stderr)} ${error.message}`);
      process.exitCode = error.exitCode;
    } else if (error.code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${paint('red', 'error:', process.stderr)} ${error.message} (see triggers --help)`);
      process.exitCode = 2;
    } else {
      err(`${paint('red', 'error:', process.stderr)} ${error.stack ?? error.message}`);
      process.exitCode = 1;
    }
  },
);
