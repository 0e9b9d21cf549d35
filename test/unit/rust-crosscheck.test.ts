/**
 * TS ↔ Rust cross-check: a random corpus of every message type goes TS encode → Rust decode →
 * Rust encode → TS decode (`clasp-wasm-core`, through its native `crosscheck` example). The
 * bytes Rust writes back must equal the bytes TS wrote, TS must decode them to the original
 * message, and Rust's own view of the decoded message (as tagged JSON) must equal it too, so a
 * field Rust reads into the wrong place cannot hide behind a symmetric re-encoding.
 *
 * Maps are generated with their keys in UTF-8 byte order: Rust encodes maps in key order
 * (a `HashMap` has no other stable order), TS in insertion order.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { decodeMessage, encodeMessage, type DecodedMessage, type QoS, type Value } from '../../src/index.js';
import { message as messageArb } from '../fixtures/arbitraries.js';
import { fromHex, toHex } from '../fixtures/hex.js';
import { untag } from '../fixtures/vectors.js';

const bridgeDir = resolve(import.meta.dirname, '../../wasm-bridge');
const binary = join(bridgeDir, 'target/debug/examples/crosscheck');
const CORPUS = 3000;

beforeAll(() => {
  const debian = existsSync('/usr/bin/cargo') && existsSync('/usr/bin/rustc');
  const cargo = debian ? '/usr/bin/cargo' : 'cargo';
  const env = debian ? { ...process.env, RUSTC: '/usr/bin/rustc' } : process.env;
  const r = spawnSync(cargo, ['build', '--offline', '-p', 'clasp-wasm-core', '--example', 'crosscheck'], { cwd: bridgeDir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cargo build of the crosscheck example failed:\n${r.stderr}`);
}, 180_000);

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const byKey = (a: [string, unknown], b: [string, unknown]) => Buffer.compare(utf8(a[0]), utf8(b[0]));

/** The same value with every Map's entries in UTF-8 key order. */
function sortMaps<T>(v: T): T {
  if (v instanceof Map) return new Map([...v.entries()].map(([k, x]) => [k, sortMaps(x)] as [string, unknown]).sort(byKey)) as T;
  if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(sortMaps) as T;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sortMaps(x)])) as T;
}

interface Case {
  message: DecodedMessage;
  qos: QoS | undefined;
  timestamp: bigint | undefined;
}

test(`a random corpus of ${CORPUS} messages survives TS → Rust → TS byte for byte and value for value`, () => {
  const seed = Number(process.env['CROSSCHECK_SEED'] ?? Date.now() % 2 ** 31);
  const arb = fc.record({
    message: messageArb.map(sortMaps),
    qos: fc.option(fc.constantFrom<QoS>(0, 1, 2), { nil: undefined }),
    timestamp: fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { nil: undefined }),
  });
  const corpus: Case[] = fc.sample(arb, { numRuns: CORPUS, seed });
  const frames = corpus.map((c) => encodeMessage(c.message as never, { qos: c.qos, timestamp: c.timestamp }));
  const r = spawnSync(binary, { input: frames.map(toHex).join('\n') + '\n', encoding: 'utf8', maxBuffer: 256 << 20 });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(CORPUS);
  const kinds = new Set<string>();
  lines.forEach((line, i) => {
    const where = `seed ${seed}, case ${i}: ${toHex(frames[i] as Uint8Array)}`;
    expect(line.startsWith('OK '), `${where}\n${line}`).toBe(true);
    const [hex = '', json = ''] = line.slice(3).split('\t');
    expect(hex, where).toBe(toHex(frames[i] as Uint8Array));
    const original = (corpus[i] as Case).message;
    expect(decodeMessage(fromHex(hex)).message, where).toEqual(original);
    expect(JSON.parse(json, untag) as Value, where).toEqual(original);
    kinds.add(original.type);
  });
  // Every message type TS and Rust share was in the corpus.
  expect(kinds.size).toBeGreaterThanOrEqual(19);
});
