import Ajv2020 from 'ajv/dist/2020';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FORMAT } from '../src/schema/config-format';
import { triggerConfigJsonSchema, versionedSchemaFile } from '../src/schema/json-schema';
import { readTriggerConfig } from '../src/schema/read-config';
import { storedConfigText, validateTriggerConfig } from '../src/schema/validate';
import { corpusDecisions, type CorpusDecision, type CorpusEvents } from './format-corpus';

// The compatibility promise of released formats (docs/upgrading.md): every config a release stored in
// format N (tests/format-N/configs, written by that release: scripts/write-format-golden.ts) stays
// valid for every later release, validates against format N's published JSON Schema, and decides
// exactly as that release decided (tests/format-N/decisions.json, checked by hand when written).

const root = join(__dirname, '..');
const formats = Array.from({ length: CONFIG_FORMAT }, (_, i) => i + 1);
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as unknown;

describe('published JSON Schemas', () => {
  it.each(formats)('format %i has its JSON Schema committed', (format) => {
    expect(existsSync(join(root, versionedSchemaFile(format)))).toBe(true);
  });

  it('the current format’s is what the zod schema generates (`nx run config-schema:json-schema`)', () => {
    expect(read(join(root, versionedSchemaFile(CONFIG_FORMAT)))).toEqual(triggerConfigJsonSchema(CONFIG_FORMAT));
  });

  it('no schema is published for a format this release does not know', () => {
    const published = readdirSync(join(root, 'schemas')).map((file) => Number(/^trigger-config\.v(\d+)\.schema\.json$/.exec(file)?.[1]));
    expect(published.sort()).toEqual(formats);
  });
});

describe.each(formats)('configs stored in format %i', (format) => {
  const dir = join(root, 'tests', `format-${format}`);
  const files = readdirSync(join(dir, 'configs')).filter((file) => file.endsWith('.json'));
  const stored = files.map((file) => read(join(dir, 'configs', file)));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const schema = ajv.compile(read(join(root, versionedSchemaFile(format))) as object);

  it('are a corpus of every kind of field', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files.map((file, i) => [file, stored[i]]))('%s validates against the format’s published JSON Schema', (_file, config) => {
    expect({ valid: schema(config), errors: schema.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  it.each(files.map((file, i) => [file, stored[i]]))('%s is still read as written, with nothing ignored', (_file, config) => {
    const result = readTriggerConfig(config);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.newer).toBeUndefined();
  });

  it.each(files.map((file, i) => [file, stored[i]]))('%s is stored again byte for byte by this release’s writer', (_file, config) => {
    const result = validateTriggerConfig(config);
    expect(result.ok && storedConfigText(result.value)).toBe(JSON.stringify(config, null, 2));
  });

  it('decide exactly as the release that stored them decided', () => {
    const expected = read(join(dir, 'decisions.json')) as CorpusDecision[];
    const events = read(join(dir, 'events.json')) as CorpusEvents;
    expect(expected.length).toBe(stored.length * (events.pushes.length + events.pullRequests.length + (events.mergeGroups?.length ?? 0)));
    // Sorted alike: readdir's order is not the order the corpus was written in.
    const key = (d: CorpusDecision) => `${d.pipeline}\u0000${d.event}`;
    const sorted = (list: CorpusDecision[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(corpusDecisions(stored, events))).toEqual(sorted(expected));
  });
});

describe('what this release writes', () => {
  const written = read(join(root, 'tests', 'format-1', 'written.json')) as unknown[];

  it.each(written.map((config, i) => [i, config]))(
    'config %i, using nothing added after format 1, is written as format 1, exactly what releases from before format versions read',
    (_i, config) => {
      const result = validateTriggerConfig(config);
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      const text = JSON.parse(storedConfigText(result.value)) as Record<string, unknown>;
      expect(text['version']).toBe(1);
      expect('minReaderVersion' in text).toBe(false);
      const v1 = new Ajv2020({ strict: false }).compile(read(join(root, versionedSchemaFile(1))) as object);
      expect(v1(text)).toBe(true);
    },
  );
});
