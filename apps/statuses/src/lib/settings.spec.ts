import { statusesSettingsFromEnv } from './settings';

describe('statusesSettingsFromEnv', () => {
  const prefix = 'arn:aws:sts::123456789012:assumed-role/monorepo-triggers-eval/';

  it('applies defaults and keeps the eval principal it reports for', () => {
    expect(statusesSettingsFromEnv({ CONFIG_BUCKET: 'b', EVAL_PRINCIPAL_PREFIX: prefix, GITHUB_APP_SECRET_ID: 'gh/app' })).toEqual({
      bucket: 'b',
      configPrefix: 'mono-repo/config',
      recordsPrefix: 'mono-repo/records',
      lastSuccessPrefix: 'mono-repo/last-success',
      forcePathStyle: false,
      github: { apiUrl: 'https://api.github.com', credential: { app: { secretId: 'gh/app', maxAgeMs: 300_000 } } },
      evalPrincipalPrefix: prefix,
    });
  });

  it.each([
    ['missing', undefined],
    ['a role ARN instead of its sessions', 'arn:aws:iam::123456789012:role/monorepo-triggers-eval'],
    ['without the trailing slash (would also match monorepo-triggers-eval-other)', prefix.slice(0, -1)],
    ['any role', 'arn:aws:sts::123456789012:assumed-role/'],
  ])('refuses an EVAL_PRINCIPAL_PREFIX %s, naming it', (_, value) => {
    expect(() => statusesSettingsFromEnv({ CONFIG_BUCKET: 'b', ...(value ? { EVAL_PRINCIPAL_PREFIX: value } : {}) })).toThrow(
      /^statuses: invalid configuration: EVAL_PRINCIPAL_PREFIX/,
    );
  });
});
