/**
 * What `triggers doctor` can find: each kind, how bad it is, and the first thing to do about it
 * (docs/operations.md#drift-triggers-doctor has one section per kind, by the same name).
 * An error means a pipeline does not start, or starts for a stack that is gone; a warning, that
 * something will cost time or surprise someone later.
 */
export const FINDING_KINDS = {
  'invalid-config': {
    severity: 'error',
    title: 'configs this release refuses',
    fix: 'fix the config (triggers validate names the field), or delete it; its pipeline does not start',
  },
  'config-needs-newer-eval': {
    severity: 'error',
    title: 'configs that require a newer eval',
    fix: 'deploy the eval and statuses stacks of the release that wrote them (docs/upgrading.md)',
  },
  'config-newer-than-release': {
    severity: 'warning',
    title: 'configs in a newer format than this release',
    fix: 'upgrade the CLI (and eval, if it is behind too): the fields named are ignored until then',
  },
  'deployed-reader-behind': {
    severity: 'error',
    title: 'configs the deployed eval or statuses cannot read as written',
    fix: 'deploy eval and statuses before anything that writes configs (docs/upgrading.md)',
  },
  'orphaned-config': {
    severity: 'error',
    title: 'configs whose owning stack or resource no longer exists',
    fix: 'delete the config (triggers delete REPO PIPELINE) unless its pipeline should still start: then give it an owner again by deploying its stack',
  },
  'config-deleted-by-hand': {
    severity: 'error',
    title: "stacks whose trigger's config is missing",
    fix: 'update the stack (any change to the trigger writes the config again), or remove the trigger from it',
  },
  'pipeline-missing': {
    severity: 'error',
    title: 'configs that name a pipeline that does not exist',
    fix: 'create the pipeline, or correct or delete the config',
  },
  'pipeline-not-entitled': {
    severity: 'error',
    title: 'configs whose pipeline does not agree to be started by the repository',
    fix: 'tag the pipeline (monorepo-triggers:repository) with the repository, as the reason says',
  },
  'snapshot-stale': {
    severity: 'warning',
    title: "repositories whose snapshot is not their configs'",
    fix: "nothing when a config changed since the repository's last push (its next push writes a new snapshot); otherwise see the runbook",
  },
  'dead-letters': {
    severity: 'error',
    title: 'events eval or statuses gave up on',
    fix: 'triggers redrive --dry-run to see them, then triggers redrive (with --aws for the deployment)',
  },
} as const;

export type FindingKind = keyof typeof FINDING_KINDS;
export type Severity = (typeof FINDING_KINDS)[FindingKind]['severity'];

/** One thing found: of what kind, about what (a config key, a stack resource, a queue), and what exactly. */
export interface Finding {
  kind: FindingKind;
  subject: string;
  detail: string;
}

/** How one check went: what it looked at, or why it could not look. */
export interface CheckReport {
  name: string;
  /** What was looked at, in words ("1,204 configs in 31 repositories"). */
  looked?: string;
  skipped?: string;
  findings: Finding[];
  /** How long the check took, in milliseconds. */
  ms?: number;
}

export const severityOf = (finding: Finding): Severity => FINDING_KINDS[finding.kind].severity;
