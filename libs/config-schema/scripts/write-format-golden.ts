// Writes the compatibility corpus of the current config format, once, when the format is released:
// tests/format-<N>/configs/ (each config of written.json as this release stores it) and
// decisions.json (what this release decides for each of them on each event of events.json).
// tests/format-compatibility.spec.ts then holds every later release to both: they stay valid, and
// decide the same. It never overwrites: a released format's corpus is a promise, not a snapshot to
// refresh when a decision changes (docs/upgrading.md).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FORMAT } from '../src/schema/config-format';
import { storedConfigText, validateTriggerConfig } from '../src/schema/validate';
import { corpusDecisions, type CorpusEvents } from '../tests/format-corpus';

const dir = join(__dirname, '..', 'tests', `format-${CONFIG_FORMAT}`);
const decisionsFile = join(dir, 'decisions.json');
if (existsSync(decisionsFile)) {
  console.error(`${decisionsFile} exists: a released format's corpus is never rewritten`);
  process.exit(1);
}
const written = JSON.parse(readFileSync(join(dir, 'written.json'), 'utf8')) as unknown[];
const events = JSON.parse(readFileSync(join(dir, 'events.json'), 'utf8')) as CorpusEvents;
mkdirSync(join(dir, 'configs'), { recursive: true });
const stored = written.map((input) => {
  const result = validateTriggerConfig(input);
  if (!result.ok) throw new Error(`written.json holds an invalid config: ${JSON.stringify(result.issues)}`);
  const text = storedConfigText(result.value);
  writeFileSync(join(dir, 'configs', `${result.value.pipelineName}.json`), text + '\n');
  return JSON.parse(text) as unknown;
});
writeFileSync(decisionsFile, JSON.stringify(corpusDecisions(stored, events), null, 2) + '\n');
console.log(`wrote ${dir}`);
