import type { CommandHelp } from '../lib/command-help';
import { CONFIG_FORMAT, parseCfnProperties, validateTriggerConfig, type ConfigIssue } from '@monorepo-triggers/config-schema';
import { readFileSync } from 'node:fs';
import { findTriggerResources, parseWithLines, pathKeys } from '../lib/cfn-template';
import { openStore, type SourceOptions } from '../lib/config-source';
import { out, paint, progress } from '../lib/output';

export const VALIDATE_HELP: CommandHelp = {
  summary: 'check config files and CloudFormation templates before deploying',
  description: `Checks trigger configurations before they are deployed: a config JSON file, or a CloudFormation
template (YAML or JSON) whose Custom::PipelineTrigger resources are checked. Path patterns are
RE2-syntax regular expressions (no lookaround, no back-references) or globs, and must compile.
Values given by !Ref or !Sub are checked with the template's own values (a parameter's default, a
resource's literal name); the others (pseudo parameters, attributes, imports) are set at deploy time
and reported as not checked.

With --stored (implied by --bucket), checks every config already in the store, the running local
stack's or the bucket's, as eval reads them: configs in a newer format than this release reads are
listed apart (decided without the fields it does not know), and refused ones fail the run. Run it
after upgrading, and run the release you would roll back to before rolling back (docs/upgrading.md).`,
  examples: [
    'triggers validate infra/examples/pipeline-with-trigger.yaml examples/configs/acme-platform-orders.json',
    'triggers validate --stored',
  ],
  footer: 'Exit status: 0 when everything is valid, 1 otherwise.',
};

export interface FileResult {
  file: string;
  kind: 'config' | 'template';
  resources: { resource?: string; issues: (ConfigIssue & { line?: number })[]; unresolved: string[]; resolved?: string[] }[];
  error?: string;
}

/** Validates one file, whatever it is; never throws for bad content. */
export function validateFile(file: string): FileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { file, kind: 'config', resources: [], error: `cannot read: ${(error as Error).message}` };
  }
  let parsed: ReturnType<typeof parseWithLines>;
  try {
    parsed = parseWithLines(text);
  } catch (error) {
    return { file, kind: 'config', resources: [], error: `not JSON or YAML: ${(error as Error).message}` };
  }
  const document = parsed.value;
  /** Each issue with the line of the field it is about (or of the object that lacks it). */
  const located = (issues: ConfigIssue[], at: (string | number)[]) =>
    issues.map((issue) => ({ ...issue, line: parsed.lineOf([...at, ...pathKeys(issue.path)]) }));
  if ('Resources' in document || 'AWSTemplateFormatVersion' in document) {
    const resources = findTriggerResources(document).map(({ logicalId, properties, unresolved, resolved }) => {
      const result = parseCfnProperties(properties, { stackId: 'validate', logicalResourceId: logicalId });
      return {
        resource: logicalId,
        issues: result.ok ? [] : located(result.issues, ['Resources', logicalId, 'Properties']),
        unresolved,
        resolved,
      };
    });
    return { file, kind: 'template', resources };
  }
  const result = validateTriggerConfig(document);
  return { file, kind: 'config', resources: [{ issues: result.ok ? [] : located(result.issues, []), unresolved: [] }] };
}

export function runValidate(files: string[], json: boolean): number {
  const results = files.map(validateFile);
  const failed = results.some((r) => r.error || r.resources.some((res) => res.issues.length > 0));
  if (json) {
    out(JSON.stringify({ valid: !failed, files: results }, null, 2));
    return failed ? 1 : 0;
  }
  for (const r of results) {
    if (r.error) {
      out(`${paint('red', '✗')} ${r.file}: ${r.error}`);
      continue;
    }
    if (r.kind === 'template' && r.resources.length === 0) out(`${paint('yellow', '!')} ${r.file}: no Custom::PipelineTrigger resources`);
    for (const res of r.resources) {
      const where = res.resource ? `${r.file}: resource ${res.resource}` : r.file;
      if (res.issues.length === 0) out(`${paint('green', '✓')} ${where}`);
      for (const issue of res.issues) {
        const at = issue.line ? `${r.file}:${issue.line}${res.resource ? `: resource ${res.resource}` : ''}` : where;
        out(`${paint('red', '✗')} ${at}: ${issue.path}: ${issue.message}`);
      }
      if (res.resolved?.length)
        out(`  ${paint('dim', `checked with the template's own values (parameter defaults, resource names): ${res.resolved.join(', ')}`)}`);
      if (res.unresolved.length > 0) out(`  ${paint('dim', `not checked (set at deploy time): ${res.unresolved.join(', ')}`)}`);
    }
  }
  return failed ? 1 : 0;
}

/** Checks every config in the store (local stack or --bucket), as eval would read it. */
export async function runValidateStored(source: SourceOptions, json: boolean): Promise<number> {
  const { store, description } = openStore(source);
  const bar = json ? undefined : progress('reading configs');
  const listing = await store.list(undefined, {
    onProgress: ({ listed, read }) => (read === 0 ? bar?.update(listed) : bar?.update(read, listed)),
  });
  bar?.done();
  const valid = listing.configs.map(({ key }) => key).sort();
  const byKey = <T extends { key: string }>(a: T, b: T) => a.key.localeCompare(b.key);
  const invalid = listing.invalid
    .map(({ key, issues, needsReader }) => ({ key, issues, ...(needsReader !== undefined ? { needsFormat: needsReader } : {}) }))
    .sort(byKey);
  // Valid for this release, but in a newer format: decided without the fields it does not know.
  const newer = listing.configs.flatMap(({ key, newer: n }) => (n ? [{ key, format: n.version, ignored: n.ignored }] : [])).sort(byKey);
  if (json) {
    out(JSON.stringify({ valid: invalid.length === 0, source: description, configs: valid, invalid, newer }, null, 2));
    return invalid.length === 0 ? 0 : 1;
  }
  const newerKeys = new Set(newer.map(({ key }) => key));
  for (const key of valid) if (!newerKeys.has(key)) out(`${paint('green', '✓')} ${key}`);
  for (const { key, format, ignored } of newer)
    out(
      `${paint('yellow', '~')} ${key}: format ${format}, newer than this release reads (${CONFIG_FORMAT}): decided without ${ignored.join(', ') || 'nothing'} (docs/upgrading.md)`,
    );
  for (const { key, issues } of invalid) for (const issue of issues) out(`${paint('red', '✗')} ${key}: ${issue.path}: ${issue.message}`);
  const needNewer = invalid.filter((bad) => bad.needsFormat !== undefined).length;
  out(
    paint(
      'dim',
      `${valid.length} valid${newer.length ? ` (${newer.length} in a newer format)` : ''}, ${invalid.length} invalid config(s)${needNewer ? ` (${needNewer} needing a newer release to be read)` : ''} in ${description}`,
    ),
  );
  return invalid.length === 0 ? 0 : 1;
}
