import * as z from 'zod/mini';
import { triggerConfigSchema } from './trigger-config.schema';

/**
 * The JSON Schema (draft 2020-12) of a stored trigger configuration, as written by people: fields
 * with defaults are optional. Rules JSON Schema cannot express (patterns must be RE2 syntax or
 * supported globs, and must compile within the size limits) are enforced by validateTriggerConfig only.
 */
export function triggerConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(triggerConfigSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/monorepo-triggers/monorepo-triggers/trigger-config.schema.json',
    title: 'monorepo-triggers trigger configuration',
  };
}
