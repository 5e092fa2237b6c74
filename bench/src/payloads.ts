import { sign } from '@monorepo-triggers/github-signature';

/**
 * A GitHub-shaped push payload of about `bytes` bytes: up to 2,048 commits (GitHub's cap) whose size
 * is mostly commit messages and metadata, with a few changed paths each, like real pushes.
 */
export function pushPayload(bytes: number, seed = 0): string {
  const commit = (i: number, messageBytes: number) => ({
    id: (seed * 100000 + i).toString(16).padStart(40, '0'),
    tree_id: i.toString(16).padStart(40, 'f'),
    distinct: true,
    message: `change ${i}: ${'lorem ipsum dolor sit amet '.repeat(Math.max(1, Math.ceil(messageBytes / 27)))}`.slice(
      0,
      Math.max(10, messageBytes),
    ),
    timestamp: '2026-11-25T10:00:00Z',
    url: `https://github.com/acme/platform/commit/${i}`,
    author: { name: 'Octo Cat', email: 'octocat@example.com', username: 'octocat' },
    committer: { name: 'Octo Cat', email: 'octocat@example.com', username: 'octocat' },
    added: [`services/svc-${i % 40}/src/new-${i}.ts`],
    removed: [],
    modified: [`services/svc-${i % 40}/src/index.ts`, `libs/lib-${i % 7}/src/util-${i % 13}.ts`],
  });
  const base = {
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: (seed + 1).toString(16).padStart(40, 'b'),
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: 'https://github.com/acme/platform/compare/a...b',
    repository: { id: 1, name: 'platform', full_name: 'acme/platform', default_branch: 'main', private: true },
    pusher: { name: 'octocat' },
  };
  const probe = JSON.stringify(commit(0, 0)).length;
  const count = Math.max(1, Math.min(2048, Math.floor(bytes / (probe + 200))));
  const messageBytes = Math.max(10, Math.floor((bytes - JSON.stringify(base).length) / count) - probe - 2);
  const commits = Array.from({ length: count }, (_, i) => commit(i, messageBytes));
  return JSON.stringify({ ...base, commits, head_commit: commits[commits.length - 1] });
}

/** The API Gateway v2 event GitHub's delivery becomes. */
export function signedEvent(body: string, secret: string, delivery = 'bench') {
  return {
    version: '2.0',
    requestContext: { http: { method: 'POST' } },
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': sign(secret, body),
    },
    body,
    isBase64Encoded: false,
  };
}
