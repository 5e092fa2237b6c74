// Writes trigger-config.schema.json from the zod schema, so the published JSON Schema never drifts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { triggerConfigJsonSchema } from '../src/schema/json-schema';

const target = join(__dirname, '..', 'trigger-config.schema.json');
writeFileSync(target, JSON.stringify(triggerConfigJsonSchema(), null, 2) + '\n');
console.log(`wrote ${target}`);
