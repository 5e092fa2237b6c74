import { DEFAULT_CONFIG_PREFIX } from '@monorepo-triggers/lambda-runtime';
import { Option, type Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { runDoctorChecks, type FailedCheck } from '../lib/doctor/doctor-checks';
import { openDoctorSources, type DoctorTarget } from '../lib/doctor/doctor-sources';
import { FINDING_KINDS, severityOf, type CheckReport, type Finding, type FindingKind } from '../lib/doctor/findings';
import { err, out, outJson, paint, progress, visible } from '../lib/output';

export const DOCTOR_HELP: CommandHelp = {
  summary: 'find drift between the configs, the stacks, the pipelines and the deployment (read-only)',
  description: `Checks, without changing anything: every stored config (refused by this release, needing a newer
eval, in a newer format), each repository's snapshot, the stacks (configs whose owning stack or
resource is gone, and stacks whose trigger's config was deleted by hand), each config's pipeline
(missing, or not agreeing to be started by its repository), the formats the deployed eval and
statuses read, and the dead letters waiting for triggers redrive. On the local stack by default
(which has no CloudFormation: the stack checks are skipped, and say so); with --aws, the deployment
in the default credentials' account and region, its bucket from the shared stack (or --bucket).
Run it before and after an upgrade (docs/upgrading.md); docs/operations.md says what to do about
each finding. The pipelines check asks CodePipeline for each pipeline's tags (eight at a time, within
its throttling): on thousands of pipelines it is the slow part, and --skip pipelines leaves it out.`,
  examples: ['triggers doctor', 'triggers doctor --json'],
  footer: 'Exit status: 0 when nothing was found (warnings allowed, unless --strict), 1 when something was, 2 when a check could not run.',
};

/** The checks `--skip` may leave out, by the name the option takes (the configs are what the others are checked against). */
export const SKIPPABLE = { stacks: 'stacks', pipelines: 'pipelines', readers: 'readers', 'dead-letters': 'deadLetters' } as const;
export type Skippable = keyof typeof SKIPPABLE;

export interface DoctorOptions extends DoctorTarget {
  json: boolean;
  strict: boolean;
  skip: Skippable[];
}

const isFailed = (report: CheckReport | FailedCheck): report is FailedCheck => 'failed' in report;

export async function runDoctor(options: DoctorOptions): Promise<number> {
  let opened;
  try {
    opened = await openDoctorSources(options);
  } catch (error) {
    // Nothing could be checked: said as the checks' failures are, so a CI job reads it the same way.
    const failed = `${(error as Error).name === 'UserError' ? '' : `${(error as Error).name}: `}${(error as Error).message}`;
    if (options.json) outJson({ where: null, status: 2, errors: 0, warnings: 0, checks: [], findings: [], failed });
    else err(`could not check: ${visible(failed)}`);
    return 2;
  }
  for (const name of options.skip) opened.sources[SKIPPABLE[name]] = { skipped: `left out (--skip ${name})` };
  const shown = options.json ? undefined : progress('reading configs:');
  let reports: (CheckReport | FailedCheck)[];
  try {
    reports = await runDoctorChecks(opened.sources, (done, total) => shown?.update(done, total));
  } finally {
    shown?.done();
    opened.close();
  }
  const findings = reports.flatMap((report) => report.findings);
  const errors = findings.filter((f) => severityOf(f) === 'error').length;
  const warnings = findings.length - errors;
  const failed = reports.filter(isFailed).length;
  const status = failed > 0 ? 2 : errors > 0 || (options.strict && warnings > 0) ? 1 : 0;
  if (options.json) {
    outJson({
      where: opened.where,
      status,
      errors,
      warnings,
      checks: reports.map((report) => ({
        name: report.name,
        state: isFailed(report) ? 'failed' : report.skipped ? 'skipped' : report.findings.length > 0 ? 'findings' : 'ok',
        ...(report.looked ? { looked: report.looked } : {}),
        ...(report.skipped ? { skipped: report.skipped } : {}),
        ...(isFailed(report) ? { failed: report.failed } : {}),
        ...(report.ms !== undefined ? { ms: report.ms } : {}),
      })),
      findings: findings.map((f) => ({ ...f, severity: severityOf(f), fix: FINDING_KINDS[f.kind].fix })),
    });
    return status;
  }
  out(paint('bold', `triggers doctor: ${visible(opened.where)}`));
  for (const report of reports) printReport(report);
  out();
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${failed > 0 ? `, ${failed} check${failed === 1 ? '' : 's'} could not run` : ''}`;
  out(
    status === 0
      ? paint('green', `${summary}: nothing to do`)
      : paint(status === 2 ? 'red' : 'yellow', `${summary} (docs/operations.md#drift-triggers-doctor)`),
  );
  return status;
}

function printReport(report: CheckReport | FailedCheck): void {
  if (isFailed(report)) {
    out(`${paint('red', '✗')} ${report.name}: could not check: ${visible(report.failed)}`);
    return;
  }
  if (report.skipped) {
    out(`${paint('dim', '–')} ${report.name}: skipped: ${visible(report.skipped)}`);
    return;
  }
  if (report.findings.length === 0) {
    out(`${paint('green', '✓')} ${report.name}: ${visible(report.looked ?? '')}`);
    return;
  }
  out(`${paint('yellow', '!')} ${report.name}: ${visible(report.looked ?? '')}`);
  const byKind = new Map<FindingKind, Finding[]>();
  for (const finding of report.findings) byKind.set(finding.kind, [...(byKind.get(finding.kind) ?? []), finding]);
  for (const [kind, found] of byKind) {
    const { severity, title, fix } = FINDING_KINDS[kind];
    out(`  ${paint(severity === 'error' ? 'red' : 'yellow', severity)} ${kind}: ${found.length} ${title}`);
    for (const finding of found) out(`    ${visible(finding.subject)}: ${visible(finding.detail)}`);
    out(paint('dim', `    what to do: ${fix}`));
  }
}

/** `triggers doctor` and its options: the command owns them, as reconcile and redrive do. */
export function registerDoctor(program: Command, done: (code: number) => void): void {
  command(program, 'doctor', DOCTOR_HELP)
    .option('--aws', "the deployment in AWS (default credentials): its bucket from the shared stack's ConfigBucketName output")
    .option('--bucket <bucket>', "the deployment in AWS with this bucket instead of the shared stack's (implies --aws)")
    .option('--prefix <prefix>', `the key prefix of the configs (default ${DEFAULT_CONFIG_PREFIX}; the local stack: its own)`)
    .option('--strict', 'exit 1 on warnings too (a stale snapshot, a config in a newer format)')
    .addOption(new Option('--skip <checks...>', 'leave checks out').choices(Object.keys(SKIPPABLE)))
    .option('--json', 'one JSON document on stdout, for scripts')
    .action(async (options: { aws?: boolean; bucket?: string; prefix?: string; strict?: boolean; skip?: Skippable[]; json?: boolean }) => {
      done(
        await runDoctor({
          // --bucket is a bucket in AWS, as for every other command.
          aws: !!options.aws || !!options.bucket,
          ...(options.bucket ? { bucket: options.bucket } : {}),
          ...(options.prefix ? { prefix: options.prefix } : {}),
          strict: !!options.strict,
          skip: options.skip ?? [],
          json: !!options.json,
        }),
      );
    });
}
