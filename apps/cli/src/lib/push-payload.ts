import { branchRef, refName } from '@monorepo-triggers/config-schema';
import { NULL_SHA } from '@monorepo-triggers/lambda-runtime';
import { pushPayloadOfClone } from '@monorepo-triggers/local-github';
import { execFileSync } from 'node:child_process';
import { git, gitCommit, gitYes } from './git-changes';
import { UserError, visible } from './output';

export interface PushPayloadOptions {
  /** `BEFORE..AFTER`: the ref's commit before the push (40 zeros: the push creates it) and after it, in the clone. */
  range: string;
  repository: string;
  /** The ref pushed (`main`, `refs/heads/main`, `refs/tags/v1`); default: AFTER when it names a branch, else the branch checked out, else main. */
  ref?: string;
  cwd: string;
}

/** What `send --push` posts, and the clone the local GitHub stand-in serves for it. */
export interface BuiltPush {
  payload: Record<string, unknown>;
  ref: string;
  before: string;
  after: string;
  forced: boolean;
  created: boolean;
  /** The clone's top directory. */
  dir: string;
}

/** `BEFORE..AFTER` taken apart; a usage error for anything else (a push moves a ref between two commits). */
function parsePushRange(range: string): { before: string; after: string } {
  const match = /^([^.\s]+)\.\.([^.\s]+)$/.exec(range);
  if (!match)
    throw new UserError(
      `--push takes BEFORE..AFTER (the ref's commit before the push and after it), got ${visible(JSON.stringify(range))}`,
      2,
    );
  return { before: match[1] as string, after: match[2] as string };
}

/** The ref a push moves: --ref, else AFTER when it names a branch of the clone, else the branch checked out, else main. */
function pushedRef(dir: string, after: string, option: string | undefined): string {
  if (option) return branchRef(option);
  const named = refName(after);
  if (gitYes(dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${named}`)) return `refs/heads/${named}`;
  const current = (() => {
    try {
      return execFileSync('git', ['symbolic-ref', '-q', 'HEAD'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  })();
  return current || 'refs/heads/main';
}

/**
 * A push delivery for moving a ref of a local clone from BEFORE to AFTER, shaped as GitHub sends it
 * (the fields of @octokit/webhooks-examples' push example): the commits new to the ref, oldest first,
 * each with the paths it added, removed and modified against its first parent, within GitHub's caps
 * (the stand-in GitHub's pushPayloadOfClone, which the tests' GitRepo uses too);
 * `forced` when BEFORE is not in AFTER's history (a force-push), `created` when BEFORE is 40 zeros.
 */
export function pushPayload(options: PushPayloadOptions): BuiltPush {
  const { before: beforeRevision, after: afterRevision } = parsePushRange(options.range);
  const dir = git(options.cwd, 'rev-parse', '--show-toplevel');
  const created = beforeRevision === NULL_SHA;
  const before = created ? NULL_SHA : gitCommit(beforeRevision, dir);
  const after = gitCommit(afterRevision, dir);
  const ref = pushedRef(dir, afterRevision, options.ref);
  const forced = !created && !gitYes(dir, 'merge-base', '--is-ancestor', before, after);
  const payload = pushPayloadOfClone(dir, { repository: options.repository, defaultBranch: 'main', ref, before, after, created, forced });
  return { ref, before, after, forced, created, dir, payload };
}
