import type { DeployedConfigReader } from '@monorepo-triggers/lambda-runtime';
import type { ListResult, StoredConfig } from '@monorepo-triggers/s3-config-store';
import type { Finding } from './findings';

/** One repository's listing, as the store gave it. */
export interface RepositoryListing {
  repository: string;
  listing: ListResult;
}

/**
 * What the store's own reading says about each repository: configs this release refuses or must
 * not decide with, configs in a newer format (fields ignored), and a snapshot that is not the
 * repository's configs (stale, or unreadable).
 */
export function configFindings(repositories: readonly RepositoryListing[]): Finding[] {
  const findings: Finding[] = [];
  for (const { repository, listing } of repositories) {
    for (const bad of listing.invalid) {
      if (bad.needsReader !== undefined)
        findings.push({ kind: 'config-needs-newer-eval', subject: bad.key, detail: `format ${bad.needsReader} required: ${bad.error}` });
      else findings.push({ kind: 'invalid-config', subject: bad.key, detail: bad.error });
    }
    for (const stored of listing.configs)
      if (stored.newer)
        findings.push({
          kind: 'config-newer-than-release',
          subject: stored.key,
          detail: `format ${stored.newer.version}; this release ignores ${stored.newer.ignored.join(', ')}`,
        });
    // None yet is not drift: eval writes a repository's first snapshot on its first push.
    const snapshot = listing.stats.snapshot;
    if (snapshot === 'stale' || snapshot === 'unreadable')
      findings.push({ kind: 'snapshot-stale', subject: repository, detail: SNAPSHOT_WORDS[snapshot] });
  }
  return findings;
}

const SNAPSHOT_WORDS = {
  stale: "the snapshot holds other versions of the repository's configs than the bucket",
  unreadable: 'the snapshot could not be read: every cold eval container reads each config on its own',
} as const;

/**
 * Configs the deployed readers (eval and statuses, as their stacks announce) cannot read as
 * written: refused when the config requires a newer reader, decided without its newer fields otherwise.
 */
export function readerFindings(configs: readonly StoredConfig[], readers: readonly DeployedConfigReader[]): Finding[] {
  const findings: Finding[] = [];
  for (const stored of configs) {
    const format = stored.newer?.version ?? stored.config.version;
    for (const reader of readers) {
      // A stack from before format versions reads format 1.
      const reads = reader.reads ?? 1;
      if (format <= reads) continue;
      const required = stored.config.minReaderVersion ?? 1;
      findings.push({
        kind: 'deployed-reader-behind',
        subject: stored.key,
        detail:
          required > reads
            ? `format ${format}, requires a reader of format ${required}: ${reader.name} reads ${reads} and refuses it (its pipeline does not start)`
            : `format ${format}: ${reader.name} reads ${reads} and ignores what is newer`,
      });
    }
  }
  return findings;
}
