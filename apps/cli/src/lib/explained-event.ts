import { branchRef } from '@monorepo-triggers/config-schema';
import { githubPushSchema, toCompactPushEvent } from '@monorepo-triggers/github-events';
import { changeRule, createsBranch, describeChangeRule, payloadPathsAreChanges, skipCiMarker } from '@monorepo-triggers/eval-input';
import { type PullRequestEvent } from '@monorepo-triggers/eval-input';
import { formatZodIssues, isCommitSha, isNullSha } from '@monorepo-triggers/lambda-runtime';
import { readFileSync } from 'node:fs';
import { type SourceOptions } from './config-source';
import { gitChangedPaths, gitCommit, gitCommitMessage, gitCurrentBranch, gitRangeHead, gitRepository } from './git-changes';
import { mergeGroupBaseBranch, mergeGroupBranch, mergeGroupRange } from './merge-group-payload';
import { UserError, visible } from './output';
import {
  githubForExplain,
  pullRequestFromGit,
  pullRequestFromGithub,
  pullRequestFromPayload,
  type PullRequestUnderTest,
} from './pull-request-source';

// What `triggers explain` is asked about: the push, pull request or merge group under test, read
// from a payload file, a range of a clone, or GitHub, with its changed paths and how they were found.

export interface ExplainOptions extends SourceOptions {
  payload?: string;
  git?: string;
  pr?: number;
  /** `BASE...HEAD` of the clone: a merge group made on BASE whose head commit is HEAD. */
  'merge-group'?: string;
  /** With --git: the range is a pull request from HEAD into BASE (or into --base). */
  'pull-request'?: boolean;
  /** The branch the pull request targets (the merge group merges into), when BASE is not that branch. */
  base?: string;
  /** For a pull request: which event (opened by default). */
  event?: PullRequestEvent;
  'github-url'?: string;
  'new-branch'?: boolean;
  cwd?: string;
  repo?: string;
  ref?: string;
  json?: boolean;
}

export interface PushUnderTest {
  repository: string;
  ref: string;
  deleted: boolean;
  created: boolean;
  paths: string[];
  complete: boolean;
  /** Which difference the paths are (see ChangeRule). */
  rule: string;
  incompleteReasons?: string[];
  /** The `[skip ci]`-style marker in the head commit's message, if any. */
  skipCi?: string;
  /** The pushed commit, when the push names one (not for a deleted ref). */
  head?: string;
}

/** The payload file's JSON. */
function readPayload(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read the payload ${visible(file)}: ${visible((error as Error).message)}`);
  }
}

/** A pull_request delivery has a pull_request; a push has none. */
const isPullRequestPayload = (json: unknown) => typeof json === 'object' && json !== null && 'pull_request' in json;
/** A merge_group delivery has a merge_group. */
const isMergeGroupPayload = (json: unknown) => typeof json === 'object' && json !== null && 'merge_group' in json;

/** The pull request to explain: --pr, or a pull_request payload; undefined for a push. */
export async function pullRequestFrom(options: ExplainOptions): Promise<PullRequestUnderTest | undefined> {
  if (options.pr !== undefined) {
    if (options.payload || options.git) throw new UserError('give one of --pr NUMBER, --payload FILE or --git BASE..HEAD', 2);
    const repository = options.repo ?? gitRepository(options.cwd ?? process.cwd());
    if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
    return pullRequestFromGithub(repository, options.pr, options.event ?? 'opened', githubForExplain(options['github-url']));
  }
  if (options['pull-request']) {
    if (!options.git) throw new UserError('--pull-request explains a --git BASE...HEAD range as a pull request', 2);
    const cwd = options.cwd ?? process.cwd();
    const repository = options.repo ?? gitRepository(cwd);
    if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
    return pullRequestFromGit(options.git, cwd, repository, options.base, options.event ?? 'opened');
  }
  if (!options.payload) return undefined;
  const json = readPayload(options.payload);
  if (isMergeGroupPayload(json))
    throw new UserError(
      `${visible(options.payload)} is a merge_group payload: explain a merge group from a clone with --merge-group BASE...HEAD (its base and head commits)`,
      2,
    );
  return isPullRequestPayload(json) ? pullRequestFromPayload(options.payload, json, githubForExplain(options['github-url'])) : undefined;
}

export function pushFrom(options: ExplainOptions): PushUnderTest {
  if (!!options.payload === !!options.git)
    throw new UserError('give exactly one of --payload FILE, --git BASE..HEAD or --pr NUMBER (see triggers explain --help)', 2);
  if (options.payload) {
    const json = readPayload(options.payload);
    const parsed = githubPushSchema.safeParse(json);
    if (!parsed.success)
      throw new UserError(
        `${visible(options.payload)} is not a GitHub push payload: ${visible(formatZodIssues(parsed.error.issues, { fieldsOnly: true }))}`,
      );
    const event = toCompactPushEvent(parsed.data, 'explain');
    // Eval's rule: the payload's paths are the change only for an ordinary push. For a forced push or
    // a new branch eval asks GitHub; without it (here), they are hints and onIncompleteChanges decides.
    const rule = changeRule(event);
    const certain = payloadPathsAreChanges(rule);
    return {
      repository: options.repo ?? event.repository,
      ref: branchRef(options.ref ?? event.ref),
      deleted: event.deleted,
      created: createsBranch(rule),
      paths: event.changedPaths,
      complete: certain && !event.incompleteReasons,
      rule: certain
        ? describeChangeRule(rule)
        : `${describeChangeRule(rule)}; eval asks GitHub for it, explain shows the fallback: the payload's paths and onIncompleteChanges`,
      ...(event.incompleteReasons ? { incompleteReasons: event.incompleteReasons } : {}),
      ...(event.skipCi ? { skipCi: event.skipCi } : {}),
      // A commit SHA only: the head is handed to git (changes since a last success), never as one of its options.
      ...(!event.deleted && isCommitSha(event.after) && !isNullSha(event.after) ? { head: event.after } : {}),
    };
  }
  const cwd = options.cwd ?? process.cwd();
  const repository = options.repo ?? gitRepository(cwd);
  if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
  const range = options.git as string;
  const paths = gitChangedPaths(range, cwd);
  const skipCi = skipCiMarker(gitCommitMessage(range, cwd));
  return {
    repository,
    // The push this would be: of the branch checked out (main on a detached HEAD); --ref main asks
    // what the changes start once they reach main.
    ref: branchRef(options.ref ?? gitCurrentBranch(cwd) ?? 'main'),
    deleted: false,
    created: !!options['new-branch'],
    paths,
    complete: true,
    rule: range.includes('...')
      ? `the difference from the merge base (git diff ${range}), as eval takes it for a new branch`
      : `the difference between the two commits (git diff ${range.replace('..', ' ')}), as eval takes it for a forced push`,
    ...(skipCi ? { skipCi } : {}),
    head: gitCommit(gitRangeHead(range), cwd),
  };
}

/** A merge group to explain, from a clone: which group, and what git says it adds to its base. */
export interface MergeGroupUnderTest {
  repository: string;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  paths: string[];
  /** Where its files came from. */
  source: string;
}

/** The options --merge-group leaves no room for: each is another event's. */
const NOT_WITH_MERGE_GROUP = [
  ['pr', '--pr'],
  ['payload', '--payload'],
  ['git', '--git'],
  ['pull-request', '--pull-request'],
  ['event', '--event'],
  ['new-branch', '--new-branch'],
  ['ref', '--ref'],
] as const;

/** The merge group of --merge-group BASE...HEAD, from the clone of --cwd; undefined without it. */
export function mergeGroupFrom(options: ExplainOptions): MergeGroupUnderTest | undefined {
  const range = options['merge-group'];
  if (!range) return undefined;
  const others = NOT_WITH_MERGE_GROUP.filter(([key]) => options[key] !== undefined && options[key] !== false).map(([, flag]) => flag);
  if (others.length > 0)
    throw new UserError(`--merge-group explains a merge group: it goes without ${others.join(', ')} (see triggers explain --help)`, 2);
  const cwd = options.cwd ?? process.cwd();
  const repository = options.repo ?? gitRepository(cwd);
  if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
  const { base, head, dir, baseSha, headSha } = mergeGroupRange(range, cwd);
  const baseBranch = mergeGroupBaseBranch(dir, base, options.base);
  // The group's temporary branch: HEAD's when it is one, else as the queue would name a group of one pull request.
  const headBranch = /^gh-readonly-queue\//.test(head) ? head : mergeGroupBranch(baseBranch, 1, baseSha);
  return {
    repository,
    baseRef: `refs/heads/${baseBranch}`,
    baseSha,
    headRef: `refs/heads/${headBranch}`,
    headSha,
    paths: gitChangedPaths(`${base}...${head}`, dir),
    source: `git diff ${range} (from the merge base), what GitHub compares for a merge group (base_sha...head_sha)`,
  };
}
