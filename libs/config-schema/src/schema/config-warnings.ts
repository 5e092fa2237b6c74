import type { PathSyntax } from '../decision/path-patterns';
import { formatPath, type ConfigIssue } from './issues';

/** A config's pattern lists, as `configWarnings` reads them. */
interface PatternLists {
  branches: readonly string[];
  tags: readonly string[];
  includePaths: readonly string[];
  excludePaths: readonly string[];
  pathSyntax: PathSyntax;
  pullRequests?: { baseBranches?: readonly string[]; includePaths?: readonly string[]; excludePaths?: readonly string[] };
  mergeQueue?: { baseBranches?: readonly string[]; includePaths?: readonly string[]; excludePaths?: readonly string[] };
  reportSkipped?: boolean;
}

/**
 * What a glob written where a regular expression is read has that a regular expression reads
 * otherwise (`/*`: any number of `/`; `{ts,tsx}`: that text), in words; undefined when the pattern
 * does not look like a glob. `**` and a leading `*` do not compile as regular expressions at all.
 */
export function globLookalike(source: string): string | undefined {
  if (source.includes('**')) return '"**" is not a regular expression';
  if (source.startsWith('*')) return 'a leading "*" repeats nothing';
  const slashStar = /\/\*/.exec(source);
  if (slashStar) return '"/*" means "any number of /"';
  const braces = [...source.matchAll(/\{([^{}]*)\}/g)].find(([, inside]) => inside?.includes(',') && !/^\d*,\d*$/.test(inside));
  if (braces) return `"${braces[0]}" is that very text, not a choice`;
  return undefined;
}

/** The hint an error for a glob-looking regular expression ends with. */
export const GLOB_HINT = 'it looks like a glob: set "pathSyntax": "glob" (PathSyntax: glob in a template) to match it as one';

const REF_PREFIX = /^refs\/(heads|tags)\//;

/** Why a branch or tag glob written as a full ref never matches, and what to write. */
function refWarning(source: string, list: 'branches' | 'tags'): string | undefined {
  const prefix = REF_PREFIX.exec(source);
  if (!prefix) {
    return source.startsWith('refs/')
      ? `never matches: a push of ${source} is neither a branch nor a tag, and starts nothing (pull requests: the pullRequests section)`
      : undefined;
  }
  const name = JSON.stringify(source.slice(prefix[0].length));
  const kind = prefix[1] === 'heads' ? 'branch' : 'tag';
  if ((kind === 'branch') === (list === 'branches'))
    return `never matches: a ${kind} is matched by its name, without ${prefix[0]}: write ${name}`;
  return kind === 'branch'
    ? `never matches: names a branch, and tags holds tag names: put ${name} in branches`
    : `never matches: names a tag, and branches holds branch names: put ${name} in tags`;
}

/** Why a path pattern that starts at "/" never matches: git's paths are relative to the repository's root. */
function rootedPathWarning(source: string, syntax: PathSyntax): string | undefined {
  const rooted = syntax === 'glob' ? source.startsWith('/') : /^\^(\\?\/)/.test(source);
  return rooted
    ? `never matches: changed paths have no leading "/" (services/orders/x.ts, as git lists them): write ${JSON.stringify(
        syntax === 'glob' ? source.replace(/^\/+/, '') : source.replace(/^\^(\\?\/)+/, '^'),
      )}`
    : undefined;
}

/**
 * What a valid config says that cannot be what it means: a branch or tag written as a full ref
 * (`refs/heads/main`: refs are matched by name, so it never matches), a path pattern that looks like
 * a glob while pathSyntax is regex, a path pattern rooted at `/`, a merge queue section whose
 * required check could not pass on the pull requests themselves. Warnings, not errors: eval accepts
 * the config (the rules of what is valid do not change); `triggers validate` and `put` print them.
 */
export function configWarnings(config: PatternLists): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  const refs = (path: (string | number)[], list: readonly string[] | undefined, kind: 'branches' | 'tags') =>
    list?.forEach((source, index) => {
      const message = refWarning(source, kind);
      if (message) warnings.push({ path: formatPath([...path, index]), message: `${JSON.stringify(source)} ${message}` });
    });
  const paths = (path: (string | number)[], list: readonly string[] | undefined) =>
    list?.forEach((source, index) => {
      const glob = config.pathSyntax === 'regex' ? globLookalike(source) : undefined;
      const message =
        rootedPathWarning(source, config.pathSyntax) ??
        (glob ? `reads as a regular expression (pathSyntax is regex), where ${glob}; ${GLOB_HINT}` : undefined);
      if (message) warnings.push({ path: formatPath([...path, index]), message: `${JSON.stringify(source)} ${message}` });
    });
  refs(['branches'], config.branches, 'branches');
  refs(['tags'], config.tags, 'tags');
  refs(['pullRequests', 'baseBranches'], config.pullRequests?.baseBranches, 'branches');
  paths(['includePaths'], config.includePaths);
  paths(['excludePaths'], config.excludePaths);
  paths(['pullRequests', 'includePaths'], config.pullRequests?.includePaths);
  paths(['pullRequests', 'excludePaths'], config.pullRequests?.excludePaths);
  refs(['mergeQueue', 'baseBranches'], config.mergeQueue?.baseBranches, 'branches');
  paths(['mergeQueue', 'includePaths'], config.mergeQueue?.includePaths);
  paths(['mergeQueue', 'excludePaths'], config.mergeQueue?.excludePaths);
  warnings.push(...mergeQueueWarnings(config));
  return warnings;
}

/**
 * A merge queue waits for a required check on the group, and GitHub lets a pull request into the
 * queue only once the same check passed on the pull request: the context must report there too.
 */
function mergeQueueWarnings(config: PatternLists): ConfigIssue[] {
  if (!config.mergeQueue) return [];
  if (!config.pullRequests)
    return [
      {
        path: 'mergeQueue',
        message:
          'has no pullRequests beside it: a required check of this context never reports on pull requests, so none can enter the queue; add pullRequests (with reportSkipped) or require another check for pull requests',
      },
    ];
  if (!config.reportSkipped)
    return [
      {
        path: 'reportSkipped',
        message:
          'is false with mergeQueue: a pull request this pipeline does not concern gets no status, so a required check of this context stays pending and it cannot enter the queue; set reportSkipped to true',
      },
    ];
  return [];
}
