/**
 * What's tested: the raw ABI numbers and names are the same on both sides. `wasm-bridge/src/abi.rs`
 * and `src/wasm/abi.ts` are written by hand, one per language; this reads the Rust source and
 * compares every constant (statuses, event kinds, `clasp_deliver` answers) with the TypeScript
 * module, the status names with `STATUS_BY_CODE`, and the `clasp_host` imports and `clasp_*`
 * exports of `ffi.rs` / `lib.rs` with `HostImports` and `REQUIRED_EXPORTS`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as abi from '../../src/wasm/abi.js';

const root = resolve(import.meta.dirname, '..', '..');
const rust = (path: string): string => readFileSync(join(root, 'wasm-bridge', 'src', path), 'utf8');
const abiRs = rust('abi.rs');

/** `pub const NAME: u32 = 7;` → NAME → 7, for every integer constant of abi.rs. */
function rustConstants(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of abiRs.matchAll(/^\s*pub const ([A-Z][A-Z0-9_]*): [iu](?:8|16|32|64|size) = (0x[0-9a-fA-F_]+|[0-9_]+);/gm)) {
    out.set(m[1] as string, Number((m[2] as string).replaceAll('_', '')));
  }
  return out;
}

/** The `STATUS_NAMES` array of abi.rs (names of statuses 2, 3, …). */
function rustStatusNames(): string[] {
  const body = /const STATUS_NAMES: \[&str; (\d+)\] = \[([^\]]*)\];/.exec(abiRs);
  if (body === null) throw new Error('STATUS_NAMES not found in abi.rs');
  const names = [...(body[2] as string).matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
  expect(names).toHaveLength(Number(body[1]));
  return names;
}

const tsNumbers: [string, number][] = Object.entries(abi as Record<string, unknown>).flatMap(([name, value]) => (typeof value === 'number' ? [[name, value] as [string, number]] : []));

describe('abi.rs ⇄ abi.ts', () => {
  const constants = rustConstants();

  test('abi.rs has the constants this test expects to read', () => {
    expect(constants.size).toBeGreaterThanOrEqual(25);
    for (const prefix of ['STATUS_', 'EVENT_', 'DELIVER_']) expect([...constants.keys()].some((k) => k.startsWith(prefix))).toBe(true);
  });

  test('every Rust constant has the same value in TypeScript', () => {
    const names = rustStatusNames();
    for (const [name, value] of constants) {
      if (name in abi) {
        expect([name, (abi as Record<string, unknown>)[name]]).toEqual([name, value]);
        continue;
      }
      // Error statuses are keyed by the transport's error code in TypeScript.
      expect(name.startsWith('STATUS_')).toBe(true);
      const code = names[value - 2];
      expect([name, code, code === undefined ? undefined : (abi.STATUS_BY_CODE as Record<string, number>)[code]]).toEqual([name, code, value]);
    }
  });

  test('every TypeScript number and status code exists in Rust with the same value', () => {
    for (const [name, value] of tsNumbers) expect([name, constants.get(name)]).toEqual([name, value]);
    const names = rustStatusNames();
    for (const [code, value] of Object.entries(abi.STATUS_BY_CODE)) {
      expect([code, names[value - 2]]).toEqual([code, code]);
      const rustName = `STATUS_${code.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase()}`;
      expect([rustName, constants.get(rustName)]).toEqual([rustName, value]);
    }
  });

  test('the clasp_host imports of ffi.rs are the members of HostImports, in order', () => {
    const rustImports = [...rust('ffi.rs').matchAll(/#\[link_name = "([a-z_]+)"\]/g)].map((m) => m[1]);
    const abiTs = readFileSync(join(root, 'src', 'wasm', 'abi.ts'), 'utf8');
    const body = /export interface HostImports \{([\s\S]*?)\n\}/.exec(abiTs)?.[1] ?? '';
    const tsImports = [...body.matchAll(/^ {2}([a-z_]+)\(/gm)].map((m) => m[1]);
    expect(rustImports.length).toBeGreaterThan(0);
    expect(tsImports).toEqual(rustImports);
  });

  test('the clasp_* exports of ffi.rs and the main! macro are REQUIRED_EXPORTS', () => {
    const exported = [...`${rust('ffi.rs')}\n${rust('lib.rs')}`.matchAll(/extern "C" fn (clasp_[a-z_]+)\(/g)].map((m) => m[1]);
    expect([...new Set(exported)].sort()).toEqual([...abi.REQUIRED_EXPORTS].sort());
  });
});
