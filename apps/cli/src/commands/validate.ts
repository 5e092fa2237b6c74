import type { Command } from 'commander';
import { command, type CommandHelp } from '../lib/command-help';
import { bucketOption, jsonOption, prefixOption, sourceOptions } from '../lib/cli-options';
import {
  CONFIG_FORMAT,
  cfnPropertyIssue,
  configWarnings,
  parseCfnProperties,
  validateTriggerConfig,
  type ConfigIssue,
  type TriggerConfig,
} from '@monorepo-triggers/config-schema';
import { readFileSync } from 'node:fs';
import { findTriggerResources, parseWithLines, pathKeys } from '../lib/cfn-template';
import { openStore, type SourceOptions } from '../lib/config-source';
import { checkRepositories, type RepositoryCheck } from '../lib/github-repositories';
import { out, outJson, paint, progress, UserError, visible } from '../lib/output';

export const VALIDATE_HELP: CommandHelp = {
  summary: 'check config files and CloudFormation templates before deploying',
  description: `Checks trigger configurations before they are deployed: a config JSON file, or a CloudFormation
template (YAML or JSON) whose Custom::PipelineTrigger resources are checked. Path patterns are
RE2-syntax regular expressions (no lookaround, no back-references) or globs, and must compile.
Values given by !Ref or !Sub are checked with the template's own values (a parameter's default, a
resource's literal name); the others (pseudo parameters, attributes, imports) are set at deploy time
and reported as not checked.

A valid config can still never start its pipeline: validate warns (!) on a branch or tag written as
a full ref (refs/heads/main never matches: write main), on a path pattern that looks like a glob
while pathSyntax is regex (set "pathSyntax": "glob"), on a path pattern rooted at /, and, when a
GitHub credential is at hand (GITHUB_TOKEN, with GITHUB_API_URL or api.github.com), on a repository
GitHub does not know or knows under another name (without one, that check is skipped). --strict
fails (exit 1) on warnings too.

With --stored (implied by --bucket), checks every config already in the store, the running local
stack's or the bucket's, as eval reads them: configs in a newer format than this release reads are
listed apart (decided without the fields it does not know), and refused ones fail the run. Run it
after upgrading, and run the release you would roll back to before rolling back (docs/upgrading.md).`,
  examples: [
    'triggers validate infra/examples/pipeline-with-trigger.yaml examples/configs/acme-platform-orders.json',
    'triggers validate --stored',
  ],
  footer: 'Exit status: 0 when everything is valid (with --strict: and nothing is warned about), 1 otherwise.',
};

type Located = ConfigIssue & { line?: number };

export interface FileResult {
  file: string;
  kind: 'config' | 'template';
  resources: {
    resource?: string;
    issues: Located[];
    /** What a valid config says that cannot be what it means (never for an invalid one). */
    warnings: Located[];
    /** The repository a valid config names (for GitHub's check). */
    repository?: string;
    unresolved: string[];
    resolved?: string[];
  }[];
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
  const verdict = (
    result: { ok: true; value: TriggerConfig } | { ok: false; issues: ConfigIssue[] },
    at: (string | number)[],
    cfn: boolean,
  ) =>
    result.ok
      ? {
          issues: [],
          warnings: located(cfn ? configWarnings(result.value).map(cfnPropertyIssue) : configWarnings(result.value), at),
          repository: result.value.repository,
        }
      : { issues: located(result.issues, at), warnings: [] };
  if ('Resources' in document || 'AWSTemplateFormatVersion' in document) {
    const resources = findTriggerResources(document).map(({ logicalId, properties, unresolved, resolved }) => {
      const result = parseCfnProperties(properties, { stackId: 'validate', logicalResourceId: logicalId });
      return { resource: logicalId, ...verdict(result, ['Resources', logicalId, 'Properties'], true), unresolved, resolved };
    });
    return { file, kind: 'template', resources };
  }
  return { file, kind: 'config', resources: [{ ...verdict(validateTriggerConfig(document), [], false), unresolved: [] }] };
}

/** GitHub's warnings, added to the resources whose repository they are about (under the field that names it). */
function addRepositoryWarnings(results: FileResult[], check: RepositoryCheck): void {
  for (const r of results)
    for (const res of r.resources) {
      const warning = res.repository ? check.warnings.get(res.repository) : undefined;
      if (warning) res.warnings.push({ path: r.kind === 'template' ? 'Repository' : 'repository', message: warning });
    }
}

/** Says which repositories GitHub could not be asked about: not checked, so not warned about either. */
function printUnchecked(check: RepositoryCheck): void {
  for (const [repository, why] of check.unchecked)
    out(paint('dim', `  could not ask ${visible(check.asked)} about ${repository}: ${why} (not checked)`));
}

export async function runValidate(files: string[], json: boolean, strict = false): Promise<number> {
  const results = files.map(validateFile);
  const check = await checkRepositories(results.flatMap((r) => r.resources.flatMap((res) => (res.repository ? [res.repository] : []))));
  addRepositoryWarnings(results, check);
  const failed = results.some((r) => r.error || r.resources.some((res) => res.issues.length > 0));
  const warned = results.some((r) => r.resources.some((res) => res.warnings.length > 0));
  const code = failed || (strict && warned) ? 1 : 0;
  if (json) {
    outJson({ valid: !failed, warned, strict, files: results });
    return code;
  }
  for (const r of results) {
    const file = visible(r.file);
    if (r.error) {
      out(`${paint('red', '✗')} ${file}: ${visible(r.error)}`);
      continue;
    }
    if (r.kind === 'template' && r.resources.length === 0) out(`${paint('yellow', '!')} ${file}: no Custom::PipelineTrigger resources`);
    for (const res of r.resources) {
      const resource = res.resource ? visible(res.resource) : undefined;
      const where = resource ? `${file}: resource ${resource}` : file;
      const at = (issue: Located) => (issue.line ? `${file}:${issue.line}${resource ? `: resource ${resource}` : ''}` : where);
      if (res.issues.length === 0 && res.warnings.length === 0) out(`${paint('green', '✓')} ${where}`);
      for (const issue of res.issues) out(`${paint('red', '✗')} ${at(issue)}: ${visible(issue.path)}: ${visible(issue.message)}`);
      for (const warning of res.warnings)
        out(`${paint('yellow', '!')} ${at(warning)}: ${visible(warning.path)}: ${visible(warning.message)}`);
      if (res.resolved?.length)
        out(
          `  ${paint('dim', `checked with the template's own values (parameter defaults, resource names): ${res.resolved.map(visible).join(', ')}`)}`,
        );
      if (res.unresolved.length > 0)
        out(`  ${paint('dim', `not checked (set at deploy time): ${res.unresolved.map(visible).join(', ')}`)}`);
    }
  }
  printUnchecked(check);
  if (strict && warned && !failed) out(paint('red', 'failed: warnings with --strict'));
  return code;
}

/** Checks every config in the store (local stack or --bucket), as eval would read it. */
export async function runValidateStored(source: SourceOptions, json: boolean, strict = false): Promise<number> {
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
  const check = await checkRepositories(listing.configs.map(({ config }) => config.repository));
  const warnings = listing.configs
    .flatMap(({ key, config }) => {
      const github = check.warnings.get(config.repository);
      return [...configWarnings(config), ...(github ? [{ path: 'repository', message: github }] : [])].map((w) => ({ key, ...w }));
    })
    .sort(byKey);
  const code = invalid.length > 0 || (strict && warnings.length > 0) ? 1 : 0;
  if (json) {
    outJson({ valid: invalid.length === 0, source: description, configs: valid, invalid, newer, warnings });
    return code;
  }
  const newerKeys = new Set(newer.map(({ key }) => key));
  const warnedKeys = new Set(warnings.map(({ key }) => key));
  for (const key of valid) if (!newerKeys.has(key) && !warnedKeys.has(key)) out(`${paint('green', '✓')} ${visible(key)}`);
  for (const { key, format, ignored } of newer)
    out(
      `${paint('yellow', '~')} ${visible(key)}: format ${format}, newer than this release reads (${CONFIG_FORMAT}): decided without ${ignored.map(visible).join(', ') || 'nothing'} (docs/upgrading.md)`,
    );
  for (const { key, path, message } of warnings) out(`${paint('yellow', '!')} ${visible(key)}: ${visible(path)}: ${visible(message)}`);
  for (const { key, issues } of invalid)
    for (const issue of issues) out(`${paint('red', '✗')} ${visible(key)}: ${visible(issue.path)}: ${visible(issue.message)}`);
  printUnchecked(check);
  const needNewer = invalid.filter((bad) => bad.needsFormat !== undefined).length;
  const notes = [newer.length ? `${newer.length} in a newer format` : '', warnedKeys.size ? `${warnedKeys.size} with warnings` : ''].filter(
    Boolean,
  );
  out(
    paint(
      'dim',
      `${valid.length} valid${notes.length ? ` (${notes.join(', ')})` : ''}, ${invalid.length} invalid config(s)${needNewer ? ` (${needNewer} needing a newer release to be read)` : ''} in ${visible(description)}`,
    ),
  );
  if (strict && warnings.length > 0 && invalid.length === 0) out(paint('red', 'failed: warnings with --strict'));
  return code;
}

export function registerValidate(program: Command, done: (code: number) => void): void {
  command(program, 'validate', VALIDATE_HELP)
    .argument('[files...]', 'config JSON files and CloudFormation templates (YAML or JSON)')
    .option('--stored', 'check the configs already in the store instead of files')
    .option('--strict', 'fail (exit 1) on warnings too: configs that are valid but can never start their pipeline')
    .addOption(bucketOption())
    .addOption(prefixOption('configs'))
    .addOption(jsonOption())
    .action(async (files: string[], options: { stored?: boolean; strict?: boolean; bucket?: string; prefix?: string; json?: boolean }) => {
      const stored = options.stored || !!options.bucket;
      if (stored && files.length > 0) throw new UserError('validate takes files or --stored, not both (see triggers validate --help)', 2);
      if (!stored && files.length === 0)
        throw new UserError('validate needs at least one file, or --stored (see triggers validate --help)', 2);
      const strict = !!options.strict;
      done(
        stored ? await runValidateStored(sourceOptions(options), !!options.json, strict) : await runValidate(files, !!options.json, strict),
      );
    });
}
