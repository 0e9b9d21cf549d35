import { expect, test } from 'vitest';
import { compilePattern, isValidPattern } from './patterns.js';

const cases: [string, string, boolean][] = [
  ['/a/b', '/a/b', true],
  ['/a/b', '/a/b/c', false],
  ['/a/*', '/a/b', true],
  ['/a/*', '/a', false],
  ['/a/*', '/a/', false], // `*` needs a non-empty segment
  ['/a/*', '/a/b/c', false],
  ['/a/*/c', '/a/b/c', true],
  ['/a/*/c', '/a/b/d', false],
  ['/a/**', '/a', true], // zero segments
  ['/a/**', '/a/b/c/d', true],
  ['/a/**', '/ab', false],
  ['/a/**/z', '/a/z', true],
  ['/a/**/z', '/a/b/c/z', true],
  ['/a/**/z', '/a/b/c/y', false],
  ['/**', '/anything/at/all', true],
  ['/lumen/scene/*/layer/*/opacity', '/lumen/scene/0/layer/3/opacity', true],
  ['/lumen/scene/*/layer/*/opacity', '/lumen/scene/opacity', false],
  ['/a*', '/abc', false], // wildcards are whole segments only
];

test.each(cases)('%s vs %s → %s', (pattern, address, expected) => {
  expect(compilePattern(pattern)(address)).toBe(expected);
});

test('patterns must start with /', () => {
  expect(isValidPattern('/x')).toBe(true);
  expect(isValidPattern('x/y')).toBe(false);
  expect(isValidPattern('')).toBe(false);
});
