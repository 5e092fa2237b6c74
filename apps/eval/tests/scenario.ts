import type { CompactPushEvent } from '@monorepo-triggers/eval-input';
import { compactPushEvent } from '@monorepo-triggers/test-harness';

export const REPO = 'Acme/Platform';
export const SHA_BEFORE = '1'.repeat(40);
export const SHA_AFTER = '2'.repeat(40);

/** The trigger configs of a small monorepo: two services sharing a lib, a web app, a docs site. */
export const monorepoConfigs = [
  {
    version: 1,
    repository: REPO,
    pipelineName: 'orders',
    branches: ['main', 'release/**'],
    tags: ['orders-v*'],
    includePaths: ['^services/orders/', '^libs/money/'],
    excludePaths: ['\\.md$'],
    sourceActionName: 'Source',
    variables: { SERVICE: 'orders' },
  },
  {
    version: 1,
    repository: REPO,
    pipelineName: 'billing',
    branches: ['main'],
    includePaths: ['services/billing/**', 'libs/money/**'],
    excludePaths: ['**/*.md'],
    pathSyntax: 'glob',
    onIncompleteChanges: 'skip',
  },
  { version: 1, repository: REPO, pipelineName: 'web', branches: ['main'], includePaths: ['^apps/web/', '^libs/ui/'] },
  { version: 1, repository: REPO, pipelineName: 'docs-site', branches: ['main'], tags: ['docs-*'], includePaths: ['^docs/'] },
];

/** A compact push event as webhook sends it. */
export function pushEvent(overrides: Partial<CompactPushEvent> = {}): CompactPushEvent {
  return compactPushEvent({ repository: REPO, before: SHA_BEFORE, after: SHA_AFTER, ...overrides });
}
