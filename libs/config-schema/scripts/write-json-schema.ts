// Writes the JSON Schema of the current config format from the zod schema, so the published JSON
// Schema never drifts: trigger-config.schema.json (always the newest) and
// schemas/trigger-config.v<format>.schema.json, one per released format. A released format's file is
// never rewritten by a later format: readers and other teams validate against it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FORMAT } from '../src/schema/config-format';
import { triggerConfigJsonSchema, versionedSchemaFile } from '../src/schema/json-schema';

const root = join(__dirname, '..');
const newest = join(root, 'trigger-config.schema.json');
writeFileSync(newest, JSON.stringify(triggerConfigJsonSchema(), null, 2) + '\n');
console.log(`wrote ${newest}`);
mkdirSync(join(root, 'schemas'), { recursive: true });
const versioned = join(root, versionedSchemaFile(CONFIG_FORMAT));
writeFileSync(versioned, JSON.stringify(triggerConfigJsonSchema(CONFIG_FORMAT), null, 2) + '\n');
console.log(`wrote ${versioned}`);
