import { readFileSync } from 'node:fs';
import { gitRepository } from './git-changes';
import { DESTROY_REASONS, MERGE_GROUP_ACTIONS, mergeGroupPayload, serveOnLocalGithub } from './merge-group-payload';
import { UserError } from './output';
import { openOnLocalGithub, pullRequestPayload } from './pull-request-payload';
import { pushPayload } from './push-payload';

/** Where the delivery comes from: a payload file, or a push, pull request or merge group of a clone. */
export interface EventSource {
  pr?: string;
  mergeGroup?: string;
  push?: string;
  ref?: string;
  base?: string;
  number?: number;
  action?: string;
  reason?: string;
  draft?: boolean;
  cwd?: string;
  repo?: string;
  /** X-GitHub-Event for a payload file (a built event names its own). */
  event?: string;
}

export interface EventToSend {
  body: Buffer;
  event: string;
  /** What the stand-in GitHub must know before eval asks it: the pull request, or the clone an event is made in. */
  prepareGithub?: () => Promise<void>;
}

/**
 * The delivery `triggers send` sends: a payload file as it is, or a push, pull request or merge group
 * built from the clone's commits. With the local stack's stand-in GitHub (`githubUrl`), the clone is
 * served to it first, since eval asks GitHub for what the event changed.
 */
export function eventToSend(file: string | undefined, options: EventSource, githubUrl: string | undefined): EventToSend {
  if (!options.mergeGroup && !options.push && !options.pr) return { body: readFileSync(file as string), event: options.event ?? 'push' };
  const cwd = options.cwd ?? process.cwd();
  const repository = options.repo ?? gitRepository(cwd);
  if (!repository) throw new UserError('cannot tell the repository: pass --repo OWNER/NAME', 2);
  const json = (payload: unknown) => Buffer.from(JSON.stringify(payload));
  const base = options.base ? { base: options.base } : {};
  if (options.mergeGroup) {
    const built = mergeGroupPayload({
      range: options.mergeGroup,
      repository,
      number: options.number ?? 1,
      action: (options.action ?? 'checks_requested') as (typeof MERGE_GROUP_ACTIONS)[number],
      ...(options.reason ? { reason: options.reason as (typeof DESTROY_REASONS)[number] } : {}),
      cwd,
      ...base,
    });
    // eval compares the group's base and head commits: the stand-in reads them from the clone.
    const prepareGithub = githubUrl ? () => serveOnLocalGithub(githubUrl, repository, built.dir) : undefined;
    return { body: json(built.payload), event: 'merge_group', ...(prepareGithub ? { prepareGithub } : {}) };
  }
  if (options.push) {
    const built = pushPayload({ range: options.push, repository, cwd, ...(options.ref ? { ref: options.ref } : {}) });
    // eval's compare and trees (a forced push, a new branch, the changes since a last success) read the clone.
    const prepareGithub = githubUrl ? () => serveOnLocalGithub(githubUrl, repository, built.dir) : undefined;
    return { body: json(built.payload), event: 'push', ...(prepareGithub ? { prepareGithub } : {}) };
  }
  const number = options.number ?? 1;
  const draft = !!options.draft;
  const built = pullRequestPayload({
    range: options.pr as string,
    repository,
    number,
    action: options.action ?? 'opened',
    draft,
    cwd,
    ...base,
  });
  // The stand-in must know the pull request before eval asks it for the files.
  const prepareGithub = githubUrl ? () => openOnLocalGithub(githubUrl, repository, number, built, draft) : undefined;
  return { body: json(built.payload), event: 'pull_request', ...(prepareGithub ? { prepareGithub } : {}) };
}
