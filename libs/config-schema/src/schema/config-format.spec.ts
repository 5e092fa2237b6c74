import { CONFIG_FORMAT, FORMAT_ADDITIONS, formatOf, inLowestFormat, writeRefusal, type FormatAddition } from './config-format';

// A hand-written history of two later formats, to hold the writer's rules: format 2 adds a section
// older readers may ignore (they never receive its events) and a field with a default; format 3 a
// field that forbids starts, which an older reader must not ignore.
const additions: FormatAddition[] = [
  { version: 2, field: 'mergeQueue', olderReadersMayIgnore: true },
  { version: 2, field: 'compareWith', olderReadersMayIgnore: true, default: 'push' },
  { version: 3, field: 'pullRequests.labels', olderReadersMayIgnore: false },
];
const base = { version: 1, repository: 'a/b', pipelineName: 'p', branches: ['main'], includePaths: ['^x/'] };

describe('formatOf and inLowestFormat (the writer)', () => {
  it.each([
    ['nothing added after format 1', base, { version: 1, minReaderVersion: 1 }],
    ['a format 2 field older readers may ignore', { ...base, mergeQueue: {} }, { version: 2, minReaderVersion: 1 }],
    ['a format 2 field at its default', { ...base, compareWith: 'push' }, { version: 1, minReaderVersion: 1 }],
    ['a format 2 field off its default', { ...base, compareWith: 'last-success' }, { version: 2, minReaderVersion: 1 }],
    ['a format 3 field older readers must understand', { ...base, pullRequests: { labels: ['ok'] } }, { version: 3, minReaderVersion: 3 }],
    ['both kinds', { ...base, mergeQueue: {}, pullRequests: { labels: ['ok'] } }, { version: 3, minReaderVersion: 3 }],
  ])('%s', (_name, config, expected) => {
    expect(formatOf(config, additions)).toEqual(expected);
  });

  it('writes the lowest format, leaves out later fields at their default, and sets minReaderVersion only above 1', () => {
    expect(inLowestFormat({ ...base, version: 3, minReaderVersion: 2, compareWith: 'push' }, additions)).toEqual(base);
    expect(inLowestFormat({ ...base, mergeQueue: {} }, additions)).toEqual({ ...base, version: 2, mergeQueue: {} });
    expect(inLowestFormat({ ...base, pullRequests: { labels: ['ok'] } }, additions)).toEqual({
      ...base,
      version: 3,
      minReaderVersion: 3,
      pullRequests: { labels: ['ok'] },
    });
  });

  it('this release adds mergeQueue (format 2), compareWith (format 3) and nx (format 4), all fields older readers may ignore: they start no less than before', () => {
    expect(FORMAT_ADDITIONS).toEqual([
      { version: 2, field: 'mergeQueue', olderReadersMayIgnore: true },
      { version: 3, field: 'compareWith', olderReadersMayIgnore: true, default: 'push' },
      { version: 4, field: 'nx', olderReadersMayIgnore: true },
    ]);
    expect(CONFIG_FORMAT).toBe(4);
    expect(formatOf({ ...base, nx: { project: 'orders', target: 'build' } })).toEqual({ version: 4, minReaderVersion: 1 });
    expect(formatOf({ ...base, mergeQueue: { stopDestroyed: true } })).toEqual({ version: 2, minReaderVersion: 1 });
    expect(formatOf({ ...base, compareWith: 'last-success' })).toEqual({ version: 3, minReaderVersion: 1 });
    expect(formatOf({ ...base, compareWith: 'push' })).toEqual({ version: 1, minReaderVersion: 1 });
    expect(formatOf(base)).toEqual({ version: 1, minReaderVersion: 1 });
  });
});

describe('writeRefusal (writers check the deployed readers)', () => {
  const eval2 = { name: 'eval', reads: 2 };
  const statuses3 = { name: 'statuses', reads: 3 };
  const beforeFormats = { name: 'eval', reads: undefined };

  it.each([
    ['format 1 to a release from before format versions', { version: 1, minReaderVersion: 1 }, [beforeFormats], false],
    [
      'format 2 to a release from before format versions (it refuses any other format whole)',
      { version: 2, minReaderVersion: 1 },
      [beforeFormats],
      true,
    ],
    ['format 3 that older readers may decide with, to readers of format 2', { version: 3, minReaderVersion: 1 }, [eval2, statuses3], false],
    ['format 3 that needs format 3, to a reader of format 2', { version: 3, minReaderVersion: 3 }, [eval2, statuses3], true],
    ['format 3 that needs format 3, to readers of format 3', { version: 3, minReaderVersion: 3 }, [statuses3], false],
    ['anything, with no reader deployed', { version: 3, minReaderVersion: 3 }, [], false],
  ])('%s: refused %s', (_name, format, readers, refused) => {
    const why = writeRefusal(format, readers);
    expect(why !== undefined).toBe(refused);
    if (why) expect(why).toMatch(/eval reads .*deploy the readers first/);
  });
});
