/**
 * `npm run bench:recorder [-- --duration 60 --naive 10]`: the IndexedDB frame recorder in real
 * headless Chromium. One run measures, in the same page:
 * - frames/s persisted by `FrameRecorder` (50-byte CLASP SET frames, producer as fast as the
 *   recorder's backpressure allows, sustained for `--duration` seconds, counted when committed);
 * - the naive baseline: one IndexedDB transaction per frame;
 * - read-back of the whole session (`frames()`, one frame at a time; `batches()`), a filtered
 *   query (address glob + direction + type) and a 2 s time-range query.
 * Prints a markdown table; the last line is `BENCH recorder frames_per_s=… naive_ratio=… readback_frames_per_s=…`.
 */
import { launchChromium, startPageServer } from '../test/support/browser.js';
import type { BenchResult } from '../test/browser/pages/recorder-bench.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  if (value !== undefined && !(value > 0)) throw new Error(`--${name} needs a positive number`);
  return value ?? fallback;
}

const durationS = flag('duration', 60);
const naiveS = flag('naive', Math.min(10, Math.max(3, durationS / 6)));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const server = await startPageServer();
const chromium = await launchChromium();
try {
  const page = await chromium.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${server.url}/test/browser/pages/recorder-bench.html`);
  await page.waitForFunction(() => 'runRecorderBench' in globalThis);
  console.error(`running: recorder ${durationS} s, naive ${naiveS} s, then read-back ...`);
  const r = await page.evaluate(
    (p) => (globalThis as unknown as { runRecorderBench(x: typeof p): Promise<BenchResult> }).runRecorderBench(p),
    { durationS, naiveS, frameBytes: 50 },
  );
  const version = chromium.context.browser()?.version() ?? 'chromium';
  const ratio = r.framesPerS / r.naiveFramesPerS;
  const readback = r.readFrames / r.readSeconds;
  console.log(`\nRecorder benchmark (${version}, 50-byte frames, ${durationS} s write phase)\n`);
  console.log('| measurement | frames | seconds | frames/s |');
  console.log('|---|---:|---:|---:|');
  console.log(`| FrameRecorder, persisted (committed) | ${fmt(r.frames)} | ${r.seconds.toFixed(1)} | ${fmt(r.framesPerS)} |`);
  console.log(`| FrameRecorder, slowest 5 s window | | | ${fmt(r.minWindowFramesPerS)} |`);
  console.log(`| naive: one transaction per frame | ${fmt(r.naiveFrames)} | ${r.naiveSeconds.toFixed(1)} | ${fmt(r.naiveFramesPerS)} |`);
  console.log(`| read-back, whole session, frames() | ${fmt(r.readFrames)} | ${r.readSeconds.toFixed(1)} | ${fmt(readback)} |`);
  console.log(`| read-back, whole session, batches() | ${fmt(r.readFrames)} | ${r.readBatchSeconds.toFixed(1)} | ${fmt(r.readFrames / r.readBatchSeconds)} |`);
  console.log(`| filtered query (address glob + dir + type), matches | ${fmt(r.filteredMatched)} | ${r.filteredSeconds.toFixed(2)} | ${fmt(r.filteredMatched / r.filteredSeconds)} |`);
  console.log(`| filtered query, session frames covered | ${fmt(r.frames)} | ${r.filteredSeconds.toFixed(2)} | ${fmt(r.frames / r.filteredSeconds)} |`);
  console.log(`| time-range query (2 s), matches | ${fmt(r.timeRangeMatched)} | ${r.timeRangeSeconds.toFixed(2)} | ${fmt(r.timeRangeMatched / r.timeRangeSeconds)} |`);
  console.log(`\nrecorder vs naive: ${ratio.toFixed(1)}x; frames refused by the bounded queue: ${r.refused}`);
  console.log(`BENCH recorder frames_per_s=${Math.round(r.framesPerS)} naive_ratio=${ratio.toFixed(1)} readback_frames_per_s=${Math.round(readback)}`);
} finally {
  await chromium.close();
  await server.close();
}
