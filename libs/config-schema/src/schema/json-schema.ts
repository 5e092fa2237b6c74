import * as z from 'zod/mini';
import { triggerConfigSchema } from './trigger-config.schema';

const BASE_ID = 'https://github.com/monorepo-triggers/monorepo-triggers';

/** Where a released format's JSON Schema is kept in the package: `schemas/trigger-config.v1.schema.json`. */
export function versionedSchemaFile(format: number): string {
  return `schemas/trigger-config.v${format}.schema.json`;
}

/**
 * The JSON Schema (draft 2020-12) of a stored trigger configuration, as written by people: fields
 * with defaults are optional. Rules JSON Schema cannot express (patterns must be RE2 syntax or
 * supported globs, and must compile within the size limits) are enforced by validateTriggerConfig only.
 * With `format`, the schema published for that format version (the current one: this release's).
 */
export function triggerConfigJsonSchema(format?: number): Record<string, unknown> {
  return {
    ...z.toJSONSchema(triggerConfigSchema, { io: 'input', unrepresentable: 'any' }),
    $id: `${BASE_ID}/${format === undefined ? 'trigger-config.schema.json' : versionedSchemaFile(format)}`,
    title: `monorepo-triggers trigger configuration${format === undefined ? '' : `, format ${format}`}`,
  };
}
