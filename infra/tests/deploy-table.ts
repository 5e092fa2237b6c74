/**
 * Which stacks a change to one file must deploy: written by hand from what each bundle and stack is
 * made of (the expected values the Nx deploy targets and the dogfood pipelines are checked against).
 * A row names a file that exists; a renamed file fails the tests that use the table.
 */
export type StackName = 'shared' | 'webhook' | 'eval' | 'cfresource' | 'statuses' | 'reconcile';
const FUNCTIONS: StackName[] = ['webhook', 'eval', 'cfresource', 'statuses', 'reconcile'];
const ALL: StackName[] = ['shared', ...FUNCTIONS];

export const DEPLOY_TABLE: { why: string; file: string; stacks: StackName[] }[] = [
  { why: 'a spec file of a library in every bundle', file: 'libs/lambda-runtime/src/lib/parse-environment.spec.ts', stacks: [] },
  { why: "an app's integration test", file: 'apps/eval/tests/handler.integration.spec.ts', stacks: [] },
  { why: 'a test-only library (local AWS stand-ins)', file: 'libs/local-aws/src/index.ts', stacks: [] },
  { why: 'a test-only library (the stand-in GitHub)', file: 'libs/local-github/src/lib/local-github.ts', stacks: [] },
  { why: 'a test-only library (test servers)', file: 'libs/test-harness/src/index.ts', stacks: [] },
  { why: 'the runtime toolkit, in every function', file: 'libs/lambda-runtime/src/lib/logger.ts', stacks: FUNCTIONS },
  {
    why: 'the shared defaults, in every function and in the names every stack uses',
    file: 'libs/lambda-runtime/src/defaults.ts',
    stacks: ALL,
  },
  {
    why: 'the metric catalogue, which every function writes from and the alarms and dashboard are drawn from',
    file: 'libs/lambda-runtime/src/metric-names.ts',
    stacks: ALL,
  },
  {
    why: "the alarms' names, which each function stack names its alarms with and the shared dashboard lists",
    file: 'infra/src/alarm-names.ts',
    stacks: ALL,
  },
  {
    why: 'how a function stack makes an alarm (through function-defaults, every one)',
    file: 'infra/src/stacks/alarms.ts',
    stacks: FUNCTIONS,
  },
  { why: 'the dashboard, in the shared stack only', file: 'infra/src/stacks/operations-dashboard.ts', stacks: ['shared'] },
  {
    why: 'config-schema, in eval, cfresource and statuses (the webhook never reads a config)',
    file: 'libs/config-schema/src/decision/decide.ts',
    stacks: ['eval', 'cfresource', 'statuses'],
  },
  { why: 'a spec file of config-schema', file: 'libs/config-schema/src/decision/decide.spec.ts', stacks: [] },
  {
    why: 's3-config-store, in eval, cfresource and statuses (for a status context)',
    file: 'libs/s3-config-store/src/lib/config-store.ts',
    stacks: ['eval', 'cfresource', 'statuses'],
  },
  {
    why: "the hand-over, in the webhook, eval and reconcile (which hands GitHub's copy of a delivery to eval)",
    file: 'libs/eval-input/src/lib/dispatcher.ts',
    stacks: ['webhook', 'eval', 'reconcile'],
  },
  {
    why: "GitHub's API (tokens, App auth, rate limits, the webhook delivery log), in eval, statuses and reconcile",
    file: 'libs/github-api/src/lib/github-client.ts',
    stacks: ['eval', 'statuses', 'reconcile'],
  },
  {
    why: 'what GitHub shows for a push, in eval and statuses',
    file: 'libs/github-feedback/src/lib/commit-status.ts',
    stacks: ['eval', 'statuses'],
  },
  {
    why: 'the decision record, written by eval, read by statuses (a status context) and the CLI',
    file: 'libs/decision-record/src/lib/decision-record-store.ts',
    stacks: ['eval', 'statuses'],
  },
  { why: 'github-signature, in the webhook only', file: 'libs/github-signature/src/index.ts', stacks: ['webhook'] },
  { why: "the webhook's own delivery handling, in its app", file: 'apps/webhook/src/lib/handle-delivery.ts', stacks: ['webhook'] },
  {
    why: "GitHub's payloads read into eval's input, in the webhook and reconcile (eval reads only the input)",
    file: 'libs/github-events/src/index.ts',
    stacks: ['webhook', 'reconcile'],
  },
  {
    why: 'what a push changed (the change rule), in eval-input: every bundle that reads it (the webhook, eval, reconcile)',
    file: 'libs/eval-input/src/lib/decision-inputs.ts',
    stacks: ['webhook', 'eval', 'reconcile'],
  },
  {
    why: 'runtime-secrets, in the webhook, eval, statuses and reconcile',
    file: 'libs/runtime-secrets/src/lib/cached-secret.ts',
    stacks: ['webhook', 'eval', 'statuses', 'reconcile'],
  },
  {
    why: 'pipeline-access, in eval and cfresource',
    file: 'libs/pipeline-access/src/lib/codepipeline-entitlements.ts',
    stacks: ['eval', 'cfresource'],
  },
  { why: 'the webhook app', file: 'apps/webhook/src/main.ts', stacks: ['webhook'] },
  { why: 'the eval app', file: 'apps/eval/src/lib/evaluate-event.ts', stacks: ['eval'] },
  { why: 'the cfresource app', file: 'apps/cfresource/src/main.ts', stacks: ['cfresource'] },
  { why: 'the statuses app', file: 'apps/statuses/src/lib/report-execution.ts', stacks: ['statuses'] },
  { why: "the statuses app's integration test", file: 'apps/statuses/tests/statuses.integration.spec.ts', stacks: [] },
  { why: 'the reconcile app', file: 'apps/reconcile/src/lib/reconcile-webhook.ts', stacks: ['reconcile'] },
  { why: "the reconcile app's tests", file: 'apps/reconcile/tests/handler.integration.spec.ts', stacks: [] },
  { why: 'the CLI, deployed nowhere', file: 'apps/cli/src/main.ts', stacks: [] },
  { why: "one function's stack class", file: 'infra/src/stacks/eval-stack.ts', stacks: ['eval'] },
  { why: "the statuses function's stack class", file: 'infra/src/stacks/statuses-stack.ts', stacks: ['statuses'] },
  { why: "the reconcile function's stack class", file: 'infra/src/stacks/reconcile-stack.ts', stacks: ['reconcile'] },
  {
    why: 'the statement that limits an action to tagged pipelines, in eval and statuses only',
    file: 'infra/src/stacks/tagged-pipelines.ts',
    stacks: ['eval', 'statuses'],
  },
  {
    why: "the grants on the shared bucket's prefixes, in every function stack",
    file: 'infra/src/stacks/bucket-access.ts',
    stacks: FUNCTIONS,
  },
  { why: 'the shared stack class', file: 'infra/src/stacks/shared-stack.ts', stacks: ['shared'] },
  { why: 'what every function stack is built with', file: 'infra/src/stacks/function-defaults.ts', stacks: FUNCTIONS },
  { why: 'shared infra (the CDK app)', file: 'infra/src/app.ts', stacks: ALL },
  { why: 'the construct product teams use, in no stack of ours', file: 'infra/src/constructs/pipeline-trigger.ts', stacks: [] },
  { why: "a function's build options (esbuild)", file: 'apps/webhook/project.json', stacks: ['webhook'] },
  { why: "a function's tsconfig", file: 'apps/eval/tsconfig.app.json', stacks: ['eval'] },
  { why: "a stack's deploy target", file: 'infra/deploy/cfresource/project.json', stacks: ['cfresource'] },
  { why: "the statuses stack's deploy target", file: 'infra/deploy/statuses/project.json', stacks: ['statuses'] },
  { why: "the reconcile stack's deploy target", file: 'infra/deploy/reconcile/project.json', stacks: ['reconcile'] },
  { why: 'the stack names every stack uses', file: 'infra/src/names.ts', stacks: ALL },
  { why: 'what finds cdk.json for every synthesis', file: 'infra/src/workspace-root.ts', stacks: ALL },
  { why: 'the CDK feature flags and deployment settings', file: 'cdk.json', stacks: ALL },
  { why: 'the path aliases every build resolves', file: 'tsconfig.base.json', stacks: ALL },
  { why: 'the dependencies', file: 'package.json', stacks: ALL },
  { why: 'the lockfile', file: 'package-lock.json', stacks: ALL },
  { why: 'documentation', file: 'docs/architecture.md', stacks: [] },
];
