import { configKey, parseConfigKey } from './config-key';
import { storeSettingsFromEnv } from './settings';

describe('storeSettingsFromEnv', () => {
  it('applies the documented defaults', () => {
    expect(storeSettingsFromEnv({ CONFIG_BUCKET: 'b' })).toEqual({ bucket: 'b', prefix: 'mono-repo/config', forcePathStyle: false });
  });

  it('normalises the prefix and reads path style', () => {
    expect(storeSettingsFromEnv({ CONFIG_BUCKET: 'b', CONFIG_PREFIX: '/x/y/', S3_FORCE_PATH_STYLE: 'true' })).toEqual({
      bucket: 'b',
      prefix: 'x/y',
      forcePathStyle: true,
    });
  });

  it('names a missing or malformed variable', () => {
    expect(() => storeSettingsFromEnv({})).toThrow(/CONFIG_BUCKET/);
    expect(() => storeSettingsFromEnv({ CONFIG_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/S3_FORCE_PATH_STYLE/);
  });
});

describe('config keys', () => {
  it('round-trips a key', () => {
    const key = configKey('mono-repo/config', 'Acme/Platform', 'Orders');
    expect(key).toBe('mono-repo/config/acme/platform/Orders.json');
    expect(parseConfigKey('mono-repo/config', key)).toEqual({ repository: 'acme/platform', pipelineName: 'Orders' });
  });

  it.each([
    'other/acme/platform/x.json',
    'mono-repo/config/acme/x.json',
    'mono-repo/config/acme/platform/x.txt',
    'mono-repo/config/a/b/c/d.json',
    'failed-create-marker',
  ])('does not take %s for a config key', (key) => expect(parseConfigKey('mono-repo/config', key)).toBeUndefined());

  it('refuses a repository that is not owner/name', () => {
    expect(() => configKey('p', 'platform', 'x')).toThrow(/owner\/name/);
  });
});
