/**
 * What's tested: the split of the codec into entry points. An encode-only import reaches no
 * decoding module, a decode import reaches no MessagePack, the `./codec` entry decodes v0 only
 * after `registerLegacy()` (or with a `legacy` option), and the root entry decodes v0 as before.
 * The bundle sizes themselves are measured by `npm run size`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { LEGACY_VECTORS, VECTORS } from '../../test/fixtures/vectors.js';
import { fromHex } from '../../test/fixtures/hex.js';
import * as codec from '../codec.js';
import * as legacy from '../legacy.js';
import * as root from '../index.js';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every module a file imports at run time (type-only imports excluded), transitively; bare specifiers as themselves. */
function runtimeGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.startsWith('/')) return;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?'([^']+)'/gm)) {
      const spec = m[1] as string;
      visit(spec.startsWith('.') ? join(dirname(file), spec.replace(/\.js$/, '.ts')) : spec);
    }
  };
  visit(join(srcDir, entry));
  return seen;
}

const names = (graph: Set<string>): string[] => [...graph].map((f) => f.replace(`${srcDir}/`, ''));

describe('module graph of the entry points', () => {
  test('encode.ts reaches no decoding module and no MessagePack', () => {
    const graph = names(runtimeGraph('protocol/encode.ts'));
    expect(graph).toContain('protocol/Encoder.ts');
    for (const decoding of ['protocol/Decoder.ts', 'protocol/decode-messages.ts', 'protocol/legacy.ts', '@msgpack/msgpack']) {
      expect(graph).not.toContain(decoding);
    }
  });

  test('decode.ts reaches no encoder and no MessagePack', () => {
    const graph = names(runtimeGraph('protocol/decode.ts'));
    expect(graph).toContain('protocol/Decoder.ts');
    for (const other of ['protocol/Encoder.ts', 'protocol/legacy.ts', '@msgpack/msgpack']) expect(graph).not.toContain(other);
  });

  test('the legacy entry is where MessagePack comes in', () => {
    expect(names(runtimeGraph('legacy.ts'))).toContain('@msgpack/msgpack');
  });
});

describe('entries', () => {
  const v0 = LEGACY_VECTORS.map((v) => ({ ...v, bytes: fromHex(v.hex) }));

  test('./codec and the root entry export the same names', () => {
    const extra = Object.keys(root).filter((k) => !(k in codec));
    expect(Object.keys(codec).filter((k) => !(k in root))).toEqual([]);
    // The root entry adds the transport, the bridge, the recorder and the legacy functions.
    expect(extra).toEqual(expect.arrayContaining(['registerLegacy', 'decodeLegacy', 'WasmWebSocketTransport', 'WasmBridge', 'FrameLog']));
  });

  test('./codec encodes and decodes every vector like the root entry', () => {
    for (const v of VECTORS) {
      const bytes = fromHex(v.hex);
      expect(codec.decode(bytes)).toEqual(root.decode(bytes));
      if (!v.decodeOnly) expect(codec.encodeMessage(v.message, { ...(v.qos === undefined ? {} : { qos: v.qos }), ...(v.timestamp === undefined ? {} : { timestamp: v.timestamp }) })).toEqual(bytes);
    }
  });

  test('v0: the root entry decodes it; ./codec refuses it until registerLegacy(), then decodes it the same', () => {
    for (const v of v0) {
      expect(() => root.decode(v.bytes)).not.toThrow();
      let code: unknown;
      try {
        codec.decode(v.bytes);
      } catch (e) {
        code = e instanceof codec.ClaspDecodeError ? e.code : e;
      }
      expect(code).toBe('legacy-not-enabled');
    }
    // A Decoder with its own v0 reader needs no registration.
    const own = new codec.Decoder({ legacy: legacy.decodeLegacy });
    for (const v of v0) expect(own.decode(v.bytes)).toEqual(root.decode(v.bytes));

    legacy.registerLegacy();
    for (const v of v0) {
      expect(codec.decode(v.bytes)).toEqual(root.decode(v.bytes));
      expect(codec.decodeMessage(v.bytes)).toEqual(root.decodeMessage(v.bytes));
    }
  });
});
