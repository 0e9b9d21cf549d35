/**
 * The codec benchmark in the browser (driven by scripts/bench-codec.ts): the same corpus and loop
 * as in Node, timed with `performance.now()` (a page has no CPU clock, so `cpu` = wall here).
 */
import { corpus, corpusFrames, measure, round, median, sinkValue, type CodecResult } from '../../../scripts/bench-codec-core.js';
import { encodeMessageSharedRef } from '../../../src/index.js';

const clocks = { wall: () => performance.now(), cpu: () => performance.now() };

(globalThis as unknown as { B: unknown }).B = {
  run(rounds: number, roundMs: number): CodecResult & { shared: number; sink: number } {
    const items = corpus();
    const result = measure(items, corpusFrames(items), rounds, roundMs, clocks);
    const shared: number[] = [];
    for (let i = 0; i < 9; i++) shared.push(round(items, (m) => encodeMessageSharedRef(m), roundMs, clocks).wall);
    return { ...result, shared: median(shared), sink: sinkValue() % 10 };
  },
};
