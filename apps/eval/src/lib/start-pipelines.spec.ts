import { validateTriggerConfig } from '@monorepo-triggers/config-schema';
import { pushEvent } from '../../tests/scenario';
import { createHash } from 'node:crypto';
import { executionToken, pullRequestToken, startRequestFor } from './start-pipelines';
import { evalSettingsFromEnv } from './settings';
import { diffTrees } from './complete-changes';

const config = (overrides: Record<string, unknown> = {}) => {
  const result = validateTriggerConfig({
    version: 1,
    repository: 'Acme/Platform',
    pipelineName: 'orders',
    branches: ['main'],
    includePaths: ['^x/'],
    ...overrides,
  });
  if (!result.ok) throw new Error('bad test config');
  return result.value;
};

describe('executionToken', () => {
  it('is stable for the same push (repository in any case, ref, before, after) and pipeline, and fits CodePipeline', () => {
    const token = executionToken('Acme/Platform', 'refs/heads/main', 'b0', 'abc', 'orders');
    expect(token).toBe(executionToken('acme/platform', 'refs/heads/main', 'b0', 'abc', 'orders'));
    expect(token).toMatch(/^[a-f0-9]{64}$/);
  });

  it.each([
    ['ref', ['Acme/Platform', 'refs/heads/dev', 'b0', 'abc', 'orders']],
    ['pushed commit', ['Acme/Platform', 'refs/heads/main', 'b0', 'abd', 'orders']],
    ['previous commit (a force-push back to a commit built before)', ['Acme/Platform', 'refs/heads/main', 'b1', 'abc', 'orders']],
    ['pipeline', ['Acme/Platform', 'refs/heads/main', 'b0', 'abc', 'billing']],
    ['repository', ['Acme/Other', 'refs/heads/main', 'b0', 'abc', 'orders']],
  ] as const)('differs when the %s differs', (_name, [repository, ref, before, after, pipeline]) => {
    expect(executionToken(repository, ref, before, after, pipeline)).not.toBe(
      executionToken('Acme/Platform', 'refs/heads/main', 'b0', 'abc', 'orders'),
    );
  });
});

describe('pullRequestToken', () => {
  // The documented token (docs/trigger-config.md), by hand: sha256 of `pull_request`, the repository
  // (lower case), pull/<number>, head or merged, the commit built and the pipeline, one per line.
  const byHand = (lines: string[]) => createHash('sha256').update(lines.join('\n')).digest('hex');

  it('is the documented hash, the same whichever event asked, and another for a merge', () => {
    expect(pullRequestToken('Acme/Platform', 7, false, 'abc', 'orders')).toBe(
      byHand(['pull_request', 'acme/platform', 'pull/7', 'head', 'abc', 'orders']),
    );
    expect(pullRequestToken('Acme/Platform', 7, true, 'abc', 'orders')).toBe(
      byHand(['pull_request', 'acme/platform', 'pull/7', 'merged', 'abc', 'orders']),
    );
  });

  it.each([
    ['pull request', [8, false, 'abc', 'orders']],
    ['commit (a force-push)', [7, false, 'abd', 'orders']],
    ['pipeline', [7, false, 'abc', 'billing']],
  ] as const)('differs when the %s differs', (_name, [number, merged, commit, pipeline]) => {
    expect(pullRequestToken('acme/platform', number, merged, commit, pipeline)).not.toBe(
      pullRequestToken('acme/platform', 7, false, 'abc', 'orders'),
    );
  });

  // A push token's first line is `owner/name`, which always has a slash; `pull_request` has none.
  it("never equals a push's token, even one whose other lines are made to look like a pull request's", () => {
    expect(pullRequestToken('acme/platform', 7, false, 'abc', 'orders')).not.toBe(
      executionToken('acme/platform', 'pull/7', 'head', 'abc', 'orders'),
    );
  });
});

describe('startRequestFor', () => {
  it('pins the source action only when the config names one', () => {
    expect(startRequestFor(config(), pushEvent()).sourceRevisions).toBeUndefined();
    expect(startRequestFor(config({ sourceActionName: 'Src' }), pushEvent()).sourceRevisions).toEqual([
      { actionName: 'Src', revisionType: 'COMMIT_ID', revisionValue: pushEvent().after },
    ]);
  });

  it('builds the commit an annotated tag points at, not the tag object', () => {
    const request = startRequestFor(
      config({ sourceActionName: 'Src' }),
      pushEvent({ ref: 'refs/tags/v1', after: 't'.repeat(40), headCommit: 'c'.repeat(40) }),
    );
    expect(request.variables).toContainEqual({ name: 'COMMIT_ID', value: 'c'.repeat(40) });
    expect(request.sourceRevisions?.[0]?.revisionValue).toBe('c'.repeat(40));
  });

  it('passes TAG_NAME for tags and BRANCH_NAME for branches, beside configured variables', () => {
    const names = (ref: string) =>
      startRequestFor(config({ variables: { A: '1' } }), pushEvent({ ref }))
        .variables.map((v) => v.name)
        .sort();
    expect(names('refs/tags/v1')).toEqual(['A', 'COMMIT_ID', 'REPOSITORY', 'TAG_NAME']);
    expect(names('refs/heads/release/1')).toEqual(['A', 'BRANCH_NAME', 'COMMIT_ID', 'REPOSITORY']);
  });
});

describe('diffTrees', () => {
  it('lists added, removed and changed blobs and submodules, not trees', () => {
    const before = [
      { path: 'a', type: 'blob', sha: '1' },
      { path: 'b', type: 'blob', sha: '1' },
      { path: 'd', type: 'tree', sha: '1' },
      { path: 'sub', type: 'commit', sha: '1' },
    ];
    const after = [
      { path: 'a', type: 'blob', sha: '1' },
      { path: 'c', type: 'blob', sha: '1' },
      { path: 'd', type: 'tree', sha: '2' },
      { path: 'sub', type: 'commit', sha: '2' },
    ];
    expect(diffTrees(before, after)).toEqual(['b', 'c', 'sub']);
  });
});

describe('evalSettingsFromEnv', () => {
  it('applies defaults and names a bad variable', () => {
    expect(evalSettingsFromEnv({ CONFIG_BUCKET: 'b' })).toEqual({
      bucket: 'b',
      configPrefix: 'mono-repo/config',
      eventsPrefix: 'mono-repo/events',
      recordsPrefix: 'mono-repo/records',
      lastSuccessPrefix: 'mono-repo/last-success',
      snapshotPrefix: 'mono-repo/snapshots',
      forcePathStyle: false,
      github: { apiUrl: 'https://api.github.com' },
      startConcurrency: 10,
    });
    expect(evalSettingsFromEnv({ CONFIG_BUCKET: 'b', SNAPSHOT_PREFIX: '/team/snaps/' }).snapshotPrefix).toBe('team/snaps');
    expect(() => evalSettingsFromEnv({ CONFIG_BUCKET: 'b', GITHUB_API_URL: 'not a url', GITHUB_TOKEN: 'ghp_secret' })).toThrow(
      /GITHUB_API_URL/,
    );
    expect(() => evalSettingsFromEnv({ CONFIG_BUCKET: 'b', GITHUB_API_URL: 'not a url', GITHUB_TOKEN: 'ghp_secret' })).not.toThrow(
      /ghp_secret/,
    );
    expect(() => evalSettingsFromEnv({})).toThrow(/CONFIG_BUCKET/);
  });
});
