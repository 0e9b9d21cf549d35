/**
 * Codec throughput: this codec vs `@clasp-to/core` 3.3.2 on the same mixed corpus, in one run, in
 * the two places the codec runs: Chromium (the browser side, where CLASP apps use it) and Node.
 * Corpus, loop and ratios: scripts/bench-codec-core.ts.
 *
 * - Node: throughput is messages per second of process CPU time (`process.cpuUsage`, user +
 *   system, GC threads included), which stays comparable on a shared, loaded machine; wall-clock
 *   figures alongside.
 * - Chromium (headless Debian Chromium, the page test/browser/pages/bench-codec.html): wall clock
 *   (`performance.now()`), the same alternating rounds and per-round ratios.
 *
 * Run: `npm run bench:codec` (`BENCH_ROUNDS`, `BENCH_ROUND_MS`; `BENCH_CODEC_BROWSER=0` skips
 * Chromium). The last line is machine-readable; its unprefixed keys are Chromium's, `node_*` Node's.
 */
import { corpus, corpusFrames, measure, median, round, sinkValue, type CodecResult, OURS, THEIRS } from './bench-codec-core.js';
import { encodeMessageSharedRef } from '../src/index.js';
import { launchChromium, startPageServer } from '../test/support/browser.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 31);
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 60);
const BROWSER = process.env['BENCH_CODEC_BROWSER'] !== '0';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const nodeClocks = { wall: () => performance.now(), cpu: cpuMs };
const fmt = (x: number): string => `${(x / 1e6).toFixed(2)} M`;

function nodeTable(r: CodecResult, shared: number, copies: number): void {
  console.log('| Node | decode msgs/s (CPU) | encode msgs/s (CPU) | decode msgs/s (wall) | encode msgs/s (wall) |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| ${OURS.name} | ${fmt(r.ours.dec)} | ${fmt(r.ours.enc)} | ${fmt(r.ours.decWall)} | ${fmt(r.ours.encWall)} |`);
  console.log(`| ${THEIRS.name} | ${fmt(r.theirs.dec)} | ${fmt(r.theirs.enc)} | ${fmt(r.theirs.decWall)} | ${fmt(r.theirs.encWall)} |`);
  console.log(`| ratio (median of per-round ratios) | ${r.ratios.dec.toFixed(1)}× | ${r.ratios.enc.toFixed(1)}× | ${r.ratios.decWall.toFixed(1)}× | ${r.ratios.encWall.toFixed(1)}× |`);
  console.log(`| this codec, \`encodeMessageSharedRef\` (no copy; not in the ratio) | | ${fmt(shared)} | | |`);
  console.log(`| the exact-length copy alone (\`slice\` of the corpus frame lengths; not in the ratio) | | ${fmt(copies)} | | |`);
}

function browserTable(r: CodecResult, shared: number): void {
  console.log('| Chromium | decode msgs/s (wall) | encode msgs/s (wall) |');
  console.log('|---|---:|---:|');
  console.log(`| ${OURS.name} | ${fmt(r.ours.decWall)} | ${fmt(r.ours.encWall)} |`);
  console.log(`| ${THEIRS.name} | ${fmt(r.theirs.decWall)} | ${fmt(r.theirs.encWall)} |`);
  console.log(`| ratio (median of per-round ratios) | ${r.ratios.decWall.toFixed(1)}× | ${r.ratios.encWall.toFixed(1)}× |`);
  console.log(`| this codec, \`encodeMessageSharedRef\` (no copy; not in the ratio) | | ${fmt(shared)} |`);
}

async function inChromium(): Promise<CodecResult & { shared: number }> {
  const server = await startPageServer();
  const chromium = await launchChromium();
  try {
    const page = await chromium.context.newPage();
    await page.goto(`${server.url}/test/browser/pages/bench-codec.html`);
    await page.waitForFunction(() => 'B' in globalThis);
    type Api = { run(rounds: number, roundMs: number): CodecResult & { shared: number } };
    return await page.evaluate(([r, ms]) => (globalThis as unknown as { B: Api }).B.run(r, ms), [ROUNDS, ROUND_MS] as const);
  } finally {
    await chromium.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const items = corpus();
  const frames = corpusFrames(items);
  const bytes = frames.reduce((s, f) => s + f.length, 0);
  console.log(`corpus: ${items.length} messages, ${bytes} bytes; ${ROUNDS} rounds of ~${ROUND_MS} ms per codec and direction (medians)\n`);
  const node = measure(items, frames, ROUNDS, ROUND_MS, nodeClocks);
  const shared: number[] = [];
  for (let i = 0; i < 9; i++) shared.push(round(items, (m) => encodeMessageSharedRef(m), ROUND_MS, nodeClocks).cpu);
  // The copy alone: a new exact-length Uint8Array per corpus frame. Every encode that returns its
  // own ArrayBuffer pays at least this; V8 keeps only typed arrays of up to 64 bytes on its heap.
  const scratch = new Uint8Array(4096);
  const lengths = frames.map((f) => f.length);
  const copies: number[] = [];
  for (let i = 0; i < 9; i++) copies.push(round(lengths, (n) => scratch.slice(0, n), ROUND_MS, nodeClocks).cpu);
  nodeTable(node, median(shared), median(copies));
  let line = `node_decode_ratio=${node.ratios.dec.toFixed(2)} node_encode_ratio=${node.ratios.enc.toFixed(2)} node_decode_msgs_per_s=${Math.round(node.ours.dec)} node_encode_msgs_per_s=${Math.round(node.ours.enc)}`;
  if (BROWSER) {
    const web = await inChromium();
    console.log('');
    browserTable(web, web.shared);
    line =
      `decode_ratio=${web.ratios.decWall.toFixed(2)} encode_ratio=${web.ratios.encWall.toFixed(2)} ` +
      `decode_msgs_per_s=${Math.round(web.ours.decWall)} encode_msgs_per_s=${Math.round(web.ours.encWall)} ${line}`;
  }
  console.log(`\n(sink ${sinkValue() % 10})`);
  console.log(`BENCH codec ${line}`);
}

await main();
