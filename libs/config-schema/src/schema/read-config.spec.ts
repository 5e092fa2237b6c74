import { createChangeSet } from '../decision/change-set';
import { compileTrigger } from '../decision/compiled-trigger';
import { decide } from '../decision/decide';
import { decidePullRequest } from '../decision/decide-pull-request';
import { CONFIG_FORMAT } from './config-format';
import { readTriggerConfig } from './read-config';
import { validateTriggerConfig } from './validate';

// A config as the next format's writer would store it: this release's fields, and fields it has
// never heard of at the top level and inside its sections.
const NEXT = CONFIG_FORMAT + 1;
const known = {
  repository: 'acme/platform',
  pipelineName: 'orders-service',
  branches: ['main'],
  includePaths: ['^services/orders/'],
  excludePaths: ['\\.md$'],
  sourceActionName: 'Source',
  pullRequests: { events: ['opened', 'synchronize'] },
};
const newer = {
  ...known,
  version: NEXT,
  schedule: { cron: '0 3 * * *' },
  concurrency: 'cancel-older',
  pullRequests: { ...known.pullRequests, labels: ['safe-to-build'] },
};

describe('readTriggerConfig', () => {
  it('reads a config of a format it knows as validateTriggerConfig does', () => {
    const config = { ...known, version: CONFIG_FORMAT };
    expect(readTriggerConfig(config)).toEqual(validateTriggerConfig(config));
  });

  it('decides a newer format with the fields it knows, and names every field it ignored', () => {
    const result = readTriggerConfig(newer);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.newer).toEqual({ version: NEXT, ignored: ['pullRequests.labels', 'schedule', 'concurrency'] });
    expect(result.value.version).toBe(NEXT);

    // Exactly as the same config without the unknown fields: what the release before decided.
    const before = validateTriggerConfig({ ...known, version: CONFIG_FORMAT });
    if (!before.ok) throw new Error(JSON.stringify(before.issues));
    const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };
    const pull = { repository: 'acme/platform', number: 1, event: 'opened', baseRef: 'refs/heads/main', draft: false, fromFork: false };
    for (const paths of [['services/orders/a.ts'], ['services/orders/README.md'], ['other/x']]) {
      const changes = createChangeSet(paths, true);
      expect(decide(compileTrigger(result.value), push, changes)).toEqual(decide(compileTrigger(before.value), push, changes));
      expect(decidePullRequest(compileTrigger(result.value), pull, changes)).toEqual(
        decidePullRequest(compileTrigger(before.value), pull, changes),
      );
    }
  });

  it('refuses a newer format whose minReaderVersion is above its own, saying which reader it needs', () => {
    const result = readTriggerConfig({ ...newer, minReaderVersion: NEXT });
    expect(result).toMatchObject({ ok: false, needsReader: NEXT });
    expect(!result.ok && result.issues[0]?.path).toBe('minReaderVersion');
    expect(!result.ok && result.issues[0]?.message).toContain(`reads format ${NEXT}`);
  });

  it('decides a newer format whose minReaderVersion it meets', () => {
    expect(readTriggerConfig({ ...newer, minReaderVersion: CONFIG_FORMAT })).toMatchObject({ ok: true, newer: { version: NEXT } });
  });

  it('refuses a newer format whose known fields break its rules, naming the field and the format', () => {
    const result = readTriggerConfig({ ...newer, pullRequests: { events: ['labeled'] } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['pullRequests.events[0]']);
    expect(!result.ok && result.issues[0]?.message).toContain(`written in format ${NEXT}`);
    expect(!result.ok && 'needsReader' in result).toBe(false);
  });

  it.each([
    ['a version below 1', { ...known, version: 0 }, 'version'],
    ['a version that is not a whole number', { ...known, version: 1.5 }, 'version'],
    ['a version as text', { ...known, version: '2' }, 'version'],
    ['no version', known, 'version'],
  ])('refuses %s as invalid, not as newer', (_name, config, path) => {
    const result = readTriggerConfig(config);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toContain(path);
    expect(!result.ok && 'needsReader' in result).toBe(false);
  });

  it('a writer refuses a format it does not know (the field and a way out)', () => {
    const result = validateTriggerConfig(newer);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.find((i) => i.path === 'version')?.message).toContain('use a newer release');
  });
});
