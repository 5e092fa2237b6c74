/**
 * Format versions of a stored trigger configuration: the compatibility contract between the release
 * that writes a config (cfresource, `triggers put`) and the releases that read it (eval, statuses,
 * the CLI), which are deployed at different times and rolled back on their own (docs/upgrading.md).
 *
 * - A config says which format it is written in (`version`). Format 1 is every field of
 *   config-schema 1.0.0 (schemas/trigger-config.v1.schema.json); each later format adds fields, listed
 *   in FORMAT_ADDITIONS, and a release reads every format up to CONFIG_FORMAT.
 * - Writers write the lowest format that expresses the config (`formatOf`): a config that uses
 *   nothing added after format 1 is format 1, which every release ever deployed reads; a field left
 *   at its default is not written, because a new field's default is always the behaviour of the
 *   releases before it.
 * - A reader meeting a newer format decides with the fields it knows and says which it ignored,
 *   at warning level (`readTriggerConfig`): ignoring a field can only bring back what the release
 *   before did, never silence the pipeline. A field an older reader must not ignore (it forbids
 *   starts, or changes what a start does) raises the config's `minReaderVersion`: a reader below it
 *   refuses the config, loudly, rather than start a build the team forbade; and writers refuse to
 *   write it while a deployed reader is below it (`writeRefusal`).
 */

/** One field a format version added after format 1. */
export interface FormatAddition {
  /** The format version that added the field. */
  version: number;
  /** Where it is: a top-level field (`mergeQueue`) or a field of a section (`pullRequests.labels`). */
  field: string;
  /**
   * Whether a reader of an older format may decide without it: true when ignoring it can only make
   * that reader do what the release before it did (start at least as much, the same way). False for
   * a field that forbids starts or changes what a start does, and for a new value of an existing
   * field (an older reader cannot read it at all).
   */
  olderReadersMayIgnore: boolean;
  /**
   * Its default, when it has one: a field at its default is the behaviour of the release before,
   * so it is not written and does not raise the config's format.
   */
  default?: unknown;
}

/**
 * Every field added after format 1, oldest first. Adding one: give it the next version (or the
 * version not yet released), a default that is the behaviour of the release before, and say whether
 * older readers may ignore it; publish the new format's JSON Schema (`nx run config-schema:json-schema`).
 */
export const FORMAT_ADDITIONS: readonly FormatAddition[] = [
  // Merge groups (GitHub's merge queue). An older reader ignoring it starts nothing for a merge
  // group, which is all any release before did: never fewer builds than before.
  { version: 2, field: 'mergeQueue', olderReadersMayIgnore: true },
  // Changes since the last success. An older reader ignoring it decides on the push alone, as every
  // release before did: it may start a failed pipeline again later than asked, never start less
  // than that release would.
  { version: 3, field: 'compareWith', olderReadersMayIgnore: true, default: 'push' },
  // Where the paths came from in an Nx workspace (the project and target). It only names their
  // origin: every reader decides on the paths, so an older reader ignoring it decides the same.
  { version: 4, field: 'nx', olderReadersMayIgnore: true },
];

/** The newest format this release reads (and may write). */
export const CONFIG_FORMAT = FORMAT_ADDITIONS.reduce((newest, addition) => Math.max(newest, addition.version), 1);

/** The format a config is written in, and the oldest reader that may decide with it. */
export interface ConfigFormat {
  version: number;
  /** 1 when every reader that reads format 1 may decide with it (ignoring what it does not know). */
  minReaderVersion: number;
}

/** The value at a dotted field path (`pullRequests.events`), if any. */
function valueAt(config: object, field: string): unknown {
  let value: unknown = config;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Whether a field of a config counts as written: set, and not at its default. */
function isWritten(config: object, addition: FormatAddition): boolean {
  const value = valueAt(config, addition.field);
  if (value === undefined) return false;
  return !('default' in addition) || JSON.stringify(value) !== JSON.stringify(addition.default);
}

/** The lowest format that expresses `config`, and the oldest reader allowed to decide with it. */
export function formatOf(config: object, additions: readonly FormatAddition[] = FORMAT_ADDITIONS): ConfigFormat {
  let version = 1;
  let minReaderVersion = 1;
  for (const addition of additions) {
    if (!isWritten(config, addition)) continue;
    version = Math.max(version, addition.version);
    if (!addition.olderReadersMayIgnore) minReaderVersion = Math.max(minReaderVersion, addition.version);
  }
  return { version, minReaderVersion };
}

/**
 * `config` as a writer stores it: in its lowest format (`version`, and `minReaderVersion` only when
 * above 1, so format 1 stays exactly what every released reader accepts), without the later
 * formats' fields that are at their default. Field order is kept.
 */
export function inLowestFormat<T extends object>(config: T, additions: readonly FormatAddition[] = FORMAT_ADDITIONS): T {
  const { version, minReaderVersion } = formatOf(config, additions);
  const out = structuredClone(config) as Record<string, unknown>;
  for (const addition of additions) {
    if (isWritten(config, addition) || valueAt(config, addition.field) === undefined) continue;
    const path = addition.field.split('.');
    const name = path.pop() as string;
    const holder = path.length === 0 ? out : valueAt(out, path.join('.'));
    if (holder !== null && typeof holder === 'object') delete (holder as Record<string, unknown>)[name];
  }
  out['version'] = version;
  if (minReaderVersion > 1) out['minReaderVersion'] = minReaderVersion;
  else delete out['minReaderVersion'];
  return out as T;
}

/**
 * What one deployed reader reads: the config format it announces (its stack's `ConfigFormat`
 * output), or undefined for a release from before format versions, which reads format 1 only and
 * refuses any other whole.
 */
export interface DeployedReader {
  /** What it is, for the message: `eval (stack monorepo-triggers-eval)`. */
  name: string;
  reads: number | undefined;
}

/**
 * Why a writer must not write a config of this format while these readers are deployed, or
 * undefined when every one of them decides with it. A reader from before format versions must get
 * format 1; a reader of format R must not get a config whose minReaderVersion is above R (one that
 * may ignore fields gets any version).
 */
export function writeRefusal(format: ConfigFormat, readers: readonly DeployedReader[]): string | undefined {
  const behind = readers.filter((reader) => (reader.reads === undefined ? format.version > 1 : reader.reads < format.minReaderVersion));
  if (behind.length === 0) return undefined;
  const which = behind
    .map(
      (reader) =>
        `${reader.name} reads ${reader.reads === undefined ? 'format 1 only (a release from before format versions)' : `up to format ${reader.reads}`}`,
    )
    .join('; ');
  const needs =
    behind.some((reader) => reader.reads === undefined) && format.minReaderVersion === 1 ? format.version : format.minReaderVersion;
  return `this config is format ${format.version} and needs readers of format ${needs} or later, but ${which}: deploy the readers first (docs/upgrading.md), or leave out the fields that need them`;
}
