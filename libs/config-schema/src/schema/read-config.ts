import * as z from 'zod/mini';
import { CONFIG_FORMAT } from './config-format';
import type { ConfigIssue } from './issues';
import { triggerConfigSchema, type TriggerConfig } from './trigger-config.schema';
import { validateTriggerConfig } from './validate';

/** A config written in a format newer than this release reads, decided with the fields it knows. */
export interface NewerFormat {
  /** The format it is written in. */
  version: number;
  /** The fields this release does not know, and decided without (`schedule`, `pullRequests.labels`). */
  ignored: string[];
}

/**
 * A stored config as a reader sees it: valid (perhaps in a newer format, with what was ignored), or
 * refused with the fields and reasons; `needsReader` when a newer format says a reader of this
 * format must not decide with it.
 */
export type ConfigReading =
  { ok: true; value: TriggerConfig; newer?: NewerFormat } | { ok: false; issues: ConfigIssue[]; needsReader?: number };

type Shape = Record<string, z.core.$ZodType>;

/** The object shape inside a field's schema (through optional and default), if it is an object. */
function shapeOf(schema: z.core.$ZodType): Shape | undefined {
  let def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; shape?: Shape };
  while ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType)
    def = def.innerType._zod.def as typeof def;
  return def.type === 'object' ? def.shape : undefined;
}

/** `input` without the fields `shape` does not know, at any depth of known sections; the paths dropped. */
function knownFields(input: Record<string, unknown>, shape: Shape, at = ''): { known: Record<string, unknown>; ignored: string[] } {
  const known: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [field, value] of Object.entries(input)) {
    const schema = shape[field];
    if (!schema) {
      ignored.push(`${at}${field}`);
      continue;
    }
    const inner = shapeOf(schema);
    if (inner && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const nested = knownFields(value as Record<string, unknown>, inner, `${at}${field}.`);
      known[field] = nested.known;
      ignored.push(...nested.ignored);
    } else known[field] = value;
  }
  return { known, ignored };
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads a stored config, whatever release wrote it (the reader's side of config-format.ts). A format
 * this release reads is validated as written. A newer one is refused when its `minReaderVersion` is
 * above CONFIG_FORMAT (it has fields this release must not ignore); otherwise the fields this release
 * does not know are set aside and the rest is validated by this release's rules, so the pipeline
 * keeps starting as the release before would start it, and `newer` says what was ignored.
 */
export function readTriggerConfig(input: unknown): ConfigReading {
  const version = isRecord(input) ? input['version'] : undefined;
  if (!isRecord(input) || typeof version !== 'number' || !Number.isInteger(version) || version <= CONFIG_FORMAT)
    return validateTriggerConfig(input);
  const declared = input['minReaderVersion'];
  const needs = typeof declared === 'number' && Number.isInteger(declared) ? declared : 1;
  if (needs > CONFIG_FORMAT)
    return {
      ok: false,
      needsReader: needs,
      issues: [
        {
          path: 'minReaderVersion',
          message: `is ${needs}: this config (format ${version}) has fields a reader of format ${CONFIG_FORMAT} must not ignore, so this release does not decide with it; deploy a release that reads format ${needs} (docs/upgrading.md)`,
        },
      ],
    };
  const { known, ignored } = knownFields(input, triggerConfigSchema.shape);
  const result = validateTriggerConfig({ ...known, version: CONFIG_FORMAT, minReaderVersion: undefined });
  if (!result.ok) {
    const written = ` (written in format ${version}; this release reads formats 1 to ${CONFIG_FORMAT})`;
    return { ok: false, issues: result.issues.map((issue) => ({ ...issue, message: issue.message + written })) };
  }
  return { ok: true, value: { ...result.value, version }, newer: { version, ignored } };
}
