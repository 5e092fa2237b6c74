import { compilePathPattern } from '@monorepo-triggers/config-schema';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { configGlob } from './nx-glob';

// Nx's input globs in the config's syntax. The direction is the whole point: an include may only
// grow and an exclusion only shrink, so a file Nx counts is never lost. picomatch, which reads
// extglobs as Nx's docs describe them, is the second implementation the rewrite is checked against.

const ours = (glob: string) => compilePathPattern(glob, 'glob', 0);
const nx = (glob: string) => picomatch(glob, { dot: true });

describe('configGlob', () => {
  it.each([
    // [Nx's glob, as an include, as an exclusion] (written by hand)
    ['libs/a/**/*', 'libs/a/**', 'libs/a/**'],
    ['**/*', '**', '**'],
    ['libs/a/jest.config.[jt]s', 'libs/a/jest.config.[jt]s', 'libs/a/jest.config.[jt]s'],
    ['libs/a/**/*.{ts,tsx}', 'libs/a/**/*.{ts,tsx}', 'libs/a/**/*.{ts,tsx}'],
    ['libs/a/**/@(x|y).ts', 'libs/a/**/{x,y}.ts', 'libs/a/**/{x,y}.ts'],
    ['libs/a/**/?(*.)+(spec|test).[jt]s?(x)', 'libs/a/**/{,*.}*.[jt]s{,x}', 'libs/a/**/{,*.}{spec,test}.[jt]s{,x}'],
    ['libs/a/*(foo).ts', 'libs/a/*.ts', 'libs/a/{,foo}.ts'],
    ['libs/a/!(index).ts', 'libs/a/*.ts', undefined],
  ])('%s: include %s, exclusion %s', (glob, include, exclude) => {
    expect(configGlob(glob, 'include')).toBe(include);
    expect(configGlob(glob, 'exclude')).toBe(exclude);
  });

  const GLOBS = [
    'libs/a/**/?(*.)+(spec|test).[jt]s?(x)?(.snap)',
    'libs/a/**/*(x|y)z.ts',
    'libs/a/**/+(ab).md',
    'libs/a/@(src|lib)/**/*.ts',
    'libs/a/!(index).ts',
  ];
  const segment = fc.constantFrom('libs', 'a', 'src', 'lib', 'x', 'y', 'z', 'ab', 'abab', 'index', 'spec', 'test', 'e2e');
  const name = fc
    .tuple(
      fc.constantFrom('', 'x', 'y', 'xy', 'yx', 'z', 'ab', 'abab', 'index', 'foo.'),
      fc.constantFrom('', 'spec', 'test', 'spectest', 'z'),
      fc.constantFrom('.ts', '.js', '.tsx', '.jsx', '.ts.snap', '.tsx.snap', '.md'),
    )
    .map(([a, b, c]) => `${a}${b}${c}`)
    .filter((n) => n !== '' && !n.startsWith('.'));
  const path = fc
    .tuple(fc.array(segment, { minLength: 0, maxLength: 3 }), name)
    .map(([dirs, file]) => ['libs', 'a', ...dirs, file].join('/'));

  it.each(GLOBS)('as an include, %s matches every path Nx’s matches', (glob) => {
    const include = ours(configGlob(glob, 'include') as string);
    fc.assert(fc.property(path, (p) => !nx(glob)(p) || include.test(p)));
  });

  it.each(GLOBS)('as an exclusion, %s leaves out only paths Nx’s leaves out', (glob) => {
    const rewritten = configGlob(glob, 'exclude');
    if (rewritten === undefined) return; // dropped: it leaves out nothing
    const exclude = ours(rewritten);
    fc.assert(fc.property(path, (p) => !exclude.test(p) || nx(glob)(p)));
  });
});
