import Ajv2020 from 'ajv/dist/2020';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { triggerConfigJsonSchema } from '../src/schema/json-schema';
import { validateTriggerConfig } from '../src/schema/validate';

const workspace = join(__dirname, '..', '..', '..');
const schemaFile = join(__dirname, '..', 'trigger-config.schema.json');

/** Every ```json block in the project docs that is a trigger configuration (has "includePaths"). */
function documentedExamples(): { file: string; example: unknown }[] {
  const files = [
    ...readdirSync(join(workspace, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(workspace, 'docs', f)),
    join(__dirname, '..', 'README.md'),
    join(workspace, 'README.md'),
  ];
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => m[1] as string)
      .filter((block) => block.includes('"includePaths"'))
      .map((block) => ({ file, example: JSON.parse(block) })),
  );
}

describe('trigger-config.schema.json', () => {
  it('is up to date with the zod schema (regenerate with `nx run config-schema:json-schema`)', () => {
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(triggerConfigJsonSchema());
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
  const examples = documentedExamples();

  it('finds the documented examples, pull request sections among them', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(examples.filter((e) => 'pullRequests' in (e.example as object)).length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((e, i) => [i, e.file.replace(workspace, ''), e.example]))(
    'accepts documented example %i from %s, as zod does',
    (_i, _file, example) => {
      expect({ valid: validate(example), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
      expect(validateTriggerConfig(example)).toMatchObject({ ok: true });
    },
  );

  it.each([
    ['an unknown event', { events: ['closed'] }],
    ['a misspelt field', { fork: true }],
    ['drafts as text', { drafts: 'yes' }],
    ['no base branch', { baseBranches: [] }],
  ])('rejects a pullRequests section with %s, as zod does', (_name, pullRequests) => {
    const bad = { version: 1, repository: 'acme/platform', pipelineName: 'x', branches: ['main'], includePaths: ['^a/'], pullRequests };
    expect(validate(bad)).toBe(false);
    expect(validateTriggerConfig(bad).ok).toBe(false);
  });

  it('rejects what zod rejects structurally', () => {
    const bad = { version: 1, repository: 'acme/platform', pipelineName: 'x', branches: [], includePaths: ['^a/'], extra: 1 };
    expect(validate(bad)).toBe(false);
    expect(validateTriggerConfig(bad).ok).toBe(false);
  });
});
