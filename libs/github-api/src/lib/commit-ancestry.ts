import { GithubApiError, type GithubApi } from './github-client';
import { compareStatusSchema } from './github-api.schema';
import { repoPath } from './repo-path';

/** How `newer` relates to `older`: descends from it, is it, is its ancestor, or neither. */
export type CommitRelation = 'same' | 'descendant' | 'ancestor' | 'diverged';

const RELATION_OF: Record<string, CommitRelation> = { identical: 'same', ahead: 'descendant', behind: 'ancestor', diverged: 'diverged' };

/**
 * Git ancestry from GitHub's compare API (`older...newer`: its `status`, one request, no files
 * needed). A commit GitHub no longer knows (a force-push's dead end, collected) or histories without a
 * common ancestor answer 404: neither descends from the other. Anything else GitHub refuses rejects.
 */
export class CommitAncestry {
  constructor(private readonly github: GithubApi) {}

  async relation(repository: string, older: string, newer: string): Promise<CommitRelation> {
    const status = (await this.compare(repository, older, newer))?.status;
    return status === undefined ? 'diverged' : (RELATION_OF[status] ?? 'diverged');
  }

  /** How `newer` relates to `older`, and how many commits it is past their merge base (`ahead_by`), in one request. */
  async compareCommits(repository: string, older: string, newer: string): Promise<{ relation: CommitRelation; commitsSince?: number }> {
    const answer = await this.compare(repository, older, newer);
    if (!answer) return { relation: 'diverged' };
    return {
      relation: RELATION_OF[answer.status] ?? 'diverged',
      ...(answer.ahead_by !== undefined ? { commitsSince: answer.ahead_by } : {}),
    };
  }

  /** Whether `commit` is in the history of the branch's head now. */
  async onBranch(repository: string, commit: string, branch: string): Promise<boolean> {
    const status = (await this.compare(repository, commit, branch))?.status;
    return status === 'ahead' || status === 'identical';
  }

  private async compare(repository: string, base: string, head: string): Promise<{ status: string; ahead_by?: number } | undefined> {
    try {
      // A branch's slashes stay as they are, as GitHub's own compare links write them.
      const part = (rev: string) => encodeURIComponent(rev).replace(/%2F/g, '/');
      const path = `${repoPath(repository)}/compare/${part(base)}...${part(head)}?per_page=1`;
      return compareStatusSchema.parse((await this.github.get(path, repository)).body);
    } catch (error) {
      if (error instanceof GithubApiError && error.status === 404) return undefined;
      throw error;
    }
  }
}
