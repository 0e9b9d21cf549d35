/**
 * What's tested: the Rust router's rules case by case (`*`, `**`, `k*` inside a segment, `/a/**`
 * against `/a`, the trailing-`**` rule of `k*` patterns), refusals, agreement with a brute-force
 * backtracking reference on random small patterns (fast-check), and the work on adversarial
 * patterns measured in segment tests: at most (pattern segments + 1) × (address segments + 1).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  AddressPatternError, addressSegments, compileAddressPattern, matchAddress, PATTERN_LIMITS, type MatchMeter,
} from './address-pattern.js';

describe('the Rust router rules', () => {
  test.each<[string, string, boolean]>([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c', false],
    ['/a/*', '/a/b', true],
    ['/a/*', '/a', false],
    ['/a/*', '/a/', true], // `*` matches an empty last segment (trie wildcard branch)
    ['/a/*', '/a/b/c', false],
    ['/a/*/c', '/a/b/c', true],
    ['/a/**', '/a', true], // the trie's `**` matches zero segments
    ['/a/**', '/a/b/c/d', true],
    ['/a/**', '/ab', false],
    ['/a/**/z', '/a/z', true],
    ['/a/**/z', '/a/b/c/z', true],
    ['/a/**/z', '/a/b/c/y', false],
    ['/**', '/anything/at/all', true],
    ['/**', '/', true],
    ['/**', 'no-slash', false],
    ['/lumen/scene/*/layer/*/opacity', '/lumen/scene/0/layer/3/opacity', true],
    ['/lumen/scene/*/layer/*/opacity', '/lumen/scene/opacity', false],
    ['/lumen/**/opacity', '/lumen/opacity', true],
    ['/e/pre/k*', '/e/pre/kick', true], // a glob inside one segment
    ['/e/pre/k*', '/e/pre/k', true],
    ['/e/pre/k*', '/e/pre/snare', false],
    ['/e/pre/k*', '/e/pre/kick/1', false],
    ['/a*', '/abc', true],
    ['/a*c', '/abc', true],
    ['/a*c', '/abd', false],
    ['/*x*y*', '/0x1y2', true],
    ['/*x*y*', '/0y1x2', false],
    ['/zone5*/**', '/zone5a/b', true],
    ['/zone5*/**', '/zone5a/', true],
    ['/zone5*/**', '/zone5a', false], // glob-match: a trailing `/**` needs the `/`
    ['/**/zone5*', '/zone5a', true],
    ['/**/zone5*', '/x/y/zone5', true],
    ['/a**b/c', '/axxb/c', true], // `**` inside a segment is a one-segment glob
    ['/a**b/c', '/ax/b/c', false],
    ['/a?/b', '/a?/b', true], // literal without a `k*` segment, as in the trie
    ['/a/', '/a/', true],
    ['/a/', '/a', false],
  ])('%s vs %s → %s', (pattern, address, expected) => {
    expect(matchAddress(pattern, address)).toBe(expected);
    expect(compileAddressPattern(pattern).matches(addressSegments(address))).toBe(expected);
  });

  test('exact and match-all patterns are recognised', () => {
    expect(compileAddressPattern('/a/b').exact).toBe(true);
    expect(compileAddressPattern('/**').matchesAll).toBe(true);
    expect(compileAddressPattern('/a/**').matchesAll).toBe(false);
  });
});

describe('refusals', () => {
  test.each<[string, RegExp]>([
    ['', /start with/],
    ['a/b', /start with/],
    ['/a//b', /empty segment/],
    [`/${Array(256).fill('x').join('/')}`, /256 segments \(limit 255\)/],
    [`/${Array(65).fill('**').join('/')}`, /65 "\*\*" segments \(limit 64\)/],
    ['/k*/a?', /glob syntax/],
    ['/k*/[ab]', /glob syntax/],
  ])('%s', (pattern, message) => {
    expect(() => compileAddressPattern(pattern)).toThrow(AddressPatternError);
    expect(() => compileAddressPattern(pattern)).toThrow(message);
  });

  test('the limits are accepted exactly', () => {
    expect(() => compileAddressPattern(`/${Array(PATTERN_LIMITS.maxSegments).fill('*').join('/')}`)).not.toThrow();
    expect(() => compileAddressPattern(`/${Array(PATTERN_LIMITS.maxGlobstars).fill('**').join('/')}`)).not.toThrow();
  });

  test('errors are RangeErrors', () => {
    expect(() => compileAddressPattern('x')).toThrow(RangeError);
  });
});

/** The rules written as plain backtracking (exponential; small inputs only). */
function reference(pattern: string, address: string): boolean {
  if (!address.startsWith('/')) return false;
  const p = pattern.slice(1).split('/');
  const a = address.slice(1).split('/');
  const partial = p.some((s) => s.includes('*') && s !== '*' && s !== '**');
  const seg = (pat: string, s: string): boolean => new RegExp(`^${pat.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's').test(s);
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === a.length;
    if (p[i] === '**') {
      const min = partial && i === p.length - 1 ? 1 : 0;
      for (let k = j + min; k <= a.length; k += 1) if (go(i + 1, k)) return true;
      return false;
    }
    return j < a.length && seg(p[i]!, a[j]!) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

test('agrees with a backtracking reference on random patterns and addresses', () => {
  const segment = fc.constantFrom('a', 'b', 'ab', 'ba', '', 'a*', '*b', '*', 'a*b', '**');
  const word = fc.constantFrom('a', 'b', 'ab', 'ba', 'aab', '');
  fc.assert(fc.property(
    fc.array(segment, { minLength: 1, maxLength: 7 }),
    fc.array(word, { minLength: 1, maxLength: 8 }),
    (ps, as) => {
      const pattern = `/${ps.join('/')}`;
      let compiled;
      try {
        compiled = compileAddressPattern(pattern);
      } catch {
        return ps.slice(0, -1).includes(''); // only empty inner segments are refused here
      }
      const address = `/${as.join('/')}`;
      expect(compiled.matches(address)).toBe(reference(pattern, address));
      return true;
    },
  ), { numRuns: 3000 });
});

describe('work on adversarial patterns, counted in segment tests', () => {
  const bound = (pattern: string, address: string): number => (pattern.split('/').length) * (address.split('/').length);
  const steps = (pattern: string, address: string): { matched: boolean; steps: number } => {
    const meter: MatchMeter = { steps: 0 };
    const matched = compileAddressPattern(pattern).matches(address, meter);
    return { matched, steps: meter.steps };
  };

  test.each<[string, string, string, boolean]>([
    ['10 × /** then /z, 30 segments (stalled the old relay 25 s)', `${'/**'.repeat(10)}/z`, `/${Array(30).fill('a').join('/')}`, false],
    ['64 × /**/a then /z, 255 segments', `${'/**/a'.repeat(64)}/z`, `/${Array(255).fill('a').join('/')}`, false],
    ['64 × /**/*a*b, 255 segments', `${'/**/*a*b'.repeat(64)}`, `/${Array(255).fill('aaaa').join('/')}`, false],
    ['a long block that almost matches everywhere', `/**/${Array(100).fill('a').join('/')}/b/**`, `/${Array(255).fill('a').join('/')}`, false],
    ['a match at the very end', `${'/**/a'.repeat(64)}`, `/${Array(255).fill('b').join('/')}${'/a'.repeat(64)}`, true],
  ])('%s', (_name, pattern, address, expected) => {
    const { matched, steps: n } = steps(pattern, address);
    expect(matched).toBe(expected);
    expect(n).toBeLessThanOrEqual(bound(pattern, address));
  });

  test('the 65 535-byte address against the largest pattern stays within the bound', () => {
    const address = `/${Array(32_767).fill('a').join('/')}`;
    const pattern = `${'/**/a/a/b'.repeat(64)}`.split('/').slice(0, PATTERN_LIMITS.maxSegments + 1).join('/');
    const { matched, steps: n } = steps(pattern, address);
    expect(matched).toBe(false);
    expect(n).toBeLessThanOrEqual(bound(pattern, address));
  });
});
