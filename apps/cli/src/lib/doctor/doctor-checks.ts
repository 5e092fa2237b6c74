import type { DeployedConfigReader } from '@monorepo-triggers/lambda-runtime';
import { mapLimit } from '@monorepo-triggers/lambda-runtime';
import type { PipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import type { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { configFindings, readerFindings, type RepositoryListing } from './config-checks';
import type { CheckReport, Finding } from './findings';
import { pipelineFindings } from './pipeline-checks';
import { stackFindings, type StackSweep } from './stack-checks';

/** A source a check reads, or why there is none here (the local stack has no CloudFormation). */
export type Source<T> = { read: T } | { skipped: string };

/** What the checks read: the configs, and each other part of the deployment when there is one. */
export interface DoctorSources {
  store: Pick<S3ConfigStore, 'repositories' | 'list' | 'isConfigKey'>;
  /** Every `Custom::PipelineTrigger` of every live stack. */
  stacks: Source<() => Promise<StackSweep>>;
  pipelines: Source<{ entitlements: PipelineEntitlements; arnPrefix: string }>;
  /** The config formats the deployed eval and statuses read (their stacks' outputs). */
  readers: Source<() => Promise<DeployedConfigReader[]>>;
  /** The messages waiting in each dead-letter queue. */
  deadLetters: Source<() => Promise<{ function: string; queue: string; messages: number }[]>>;
}

/** A check that could not run to its end: what failed, so the run says so instead of a clean bill. */
export interface FailedCheck extends CheckReport {
  failed: string;
}

/**
 * Runs every check, read-only: the configs first (each repository listed on its own, so its
 * snapshot serves its configs), then what the configs are checked against. A check that fails
 * (a service unreachable, access denied) is reported as failed and the others still run.
 */
export async function runDoctorChecks(
  sources: DoctorSources,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<(CheckReport | FailedCheck)[]> {
  const reports: (CheckReport | FailedCheck)[] = [];
  let listings: RepositoryListing[];
  let unread: string[];
  const started = performance.now();
  try {
    const found = await sources.store.repositories();
    const repositories = found.repositories;
    unread = found.unread;
    let done = 0;
    listings = await mapLimit(repositories, 8, async (repository) => {
      const listing = await sources.store.list(repository);
      onProgress(++done, repositories.length);
      return { repository, listing };
    });
  } catch (error) {
    // Without the configs nothing else can be checked against them.
    return [{ name: 'configs', findings: [], failed: message(error) }];
  }
  const configs = listings.flatMap(({ listing }) => listing.configs);
  const everything = listings.flatMap(({ listing }) => [...listing.configs, ...listing.invalid]);
  const counted = `${everything.length} configs in ${listings.length} repositories`;
  // Paths derived from the Nx graph go stale only in the repository: its CI's `triggers nx --check` says so.
  const fromNx = configs.filter((stored) => stored.config.nx).length;
  const nxWords = fromNx > 0 ? ` (${fromNx} with paths from Nx: triggers nx --check in the repository keeps them current)` : '';
  const unreadFindings = unread.map((key): Finding => ({
    kind: 'invalid-config',
    subject: key,
    detail: 'no listing of a repository reads this key (owner and name in lower case, <owner>/<name>/<pipeline>.json): eval never sees it',
  }));
  reports.push({
    name: 'configs',
    looked: `${counted}${nxWords}`,
    findings: [...configFindings(listings), ...unreadFindings],
    ms: elapsedSince(started),
  });

  reports.push(
    await check('stacks', sources.stacks, async (sweep) => {
      const found = await sweep();
      return {
        looked: `${found.triggers.length} triggers in ${found.stacks.size} stacks, against ${counted}`,
        findings: stackFindings(found, everything, (key) => sources.store.isConfigKey(key)),
      };
    }),
  );
  reports.push(
    await check('pipelines', sources.pipelines, async ({ entitlements, arnPrefix }) => ({
      looked: `the pipelines of ${configs.length} configs (${arnPrefix}…)`,
      findings: await pipelineFindings(configs, entitlements, arnPrefix),
    })),
  );
  reports.push(
    await check('deployed readers', sources.readers, async (readers) => {
      const deployed = await readers();
      if (deployed.length === 0) return { skipped: 'neither the eval nor the statuses stack is deployed', findings: [] };
      return {
        looked: deployed.map((reader) => `${reader.name} reads format ${reader.reads ?? 1}`).join('; '),
        findings: readerFindings(configs, deployed),
      };
    }),
  );
  reports.push(
    await check('dead letters', sources.deadLetters, async (depths) => {
      const queues = await depths();
      return {
        looked: `${queues.length} dead-letter queues`,
        findings: queues
          .filter((queue) => queue.messages > 0)
          .map((queue): Finding => ({
            kind: 'dead-letters',
            subject: queue.queue,
            detail: `${queue.messages} event${queue.messages === 1 ? '' : 's'} ${queue.function} gave up on, waiting for triggers redrive`,
          })),
      };
    }),
  );
  return reports;
}

async function check<T>(
  name: string,
  source: Source<T>,
  run: (read: T) => Promise<Omit<CheckReport, 'name'>>,
): Promise<CheckReport | FailedCheck> {
  if ('skipped' in source) return { name, skipped: source.skipped, findings: [] };
  const started = performance.now();
  try {
    return { name, ...(await run(source.read)), ms: elapsedSince(started) };
  } catch (error) {
    return { name, findings: [], failed: message(error), ms: elapsedSince(started) };
  }
}

const elapsedSince = (started: number) => Math.round(performance.now() - started);

const message = (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`;
