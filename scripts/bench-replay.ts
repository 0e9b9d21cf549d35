/**
 * `npm run bench:replay [-- --frames 100000 --timed 2000 --spacing 5]`: `replaySession` in real
 * headless Chromium, in one page:
 * - throughput: a session of `--frames` recorded out frames replayed at speed Infinity into a
 *   counting sink (frames/s, IndexedDB reads included), against reading the same frames with
 *   `FrameLog.batches()` alone (the read-back baseline: the ratio is replay's own cost);
 * - timing: a session of `--timed` frames `--spacing` ms apart replayed at speed 1 on the real clock,
 *   `--rounds` times (lateness p50/p99/max per round; the BENCH line takes the round with the median
 *   p99), each after a round of the machine's timer floor (a `setTimeout` to each of the same
 *   deadlines, no replay: what the load costs), and against the naive loop of one
 *   `setTimeout(gap)` per frame.
 * The load average is printed with the figures: lateness on a shared machine is mostly the wait
 * for a CPU.
 * Prints a markdown table; the last line is `BENCH replay frames_per_s=… lateness_p50_ms=… lateness_p99_ms=…`.
 * The browser is closed on SIGINT/SIGTERM too.
 */
import { availableParallelism, loadavg } from 'node:os';
import { launchChromium, startPageServer, type LaunchedChromium, type PageServer } from '../test/support/browser.js';
import type * as ReplayPage from '../test/browser/pages/replay-page.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  if (value !== undefined && !(value > 0)) throw new Error(`--${name} needs a positive number`);
  return value ?? fallback;
}

const frames = flag('frames', 100_000);
const timedFrames = flag('timed', 2000);
const spacingMs = flag('spacing', 5);
const rounds = flag('rounds', 3);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(2);

let server: PageServer | undefined;
let chromium: LaunchedChromium | undefined;
async function shutdown(): Promise<void> {
  await chromium?.close();
  await server?.close();
  chromium = undefined;
  server = undefined;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: closing the browser`);
    void shutdown().finally(() => process.exit(130));
  });
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

try {
  server = await startPageServer();
  chromium = await launchChromium();
  const page = await chromium.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${server.url}/test/browser/pages/replay.html`);
  await page.waitForFunction(() => 'replayPage' in globalThis);
  type Api = typeof ReplayPage;
  const call = <K extends keyof Api>(name: K, ...args: Parameters<Api[K]>): Promise<Awaited<ReturnType<Api[K]>>> =>
    page.evaluate(
      ([n, a]) => (globalThis as unknown as { replayPage: Record<string, (...x: unknown[]) => unknown> }).replayPage[n as string]!(...(a as unknown[])),
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<Api[K]>>>;

  const db = `bench-replay-${Date.now()}`;
  console.error(`recording ${fmt(frames)} + ${fmt(timedFrames)} frames ...`);
  const big = await call('seed', db, frames, 1);
  const timed = await call('seed', db, timedFrames, spacingMs);
  console.error('replaying ...');
  // Warm-up (JIT, IndexedDB caches) on the same data, then the measured runs.
  await call('replayCount', db, big, Infinity);
  const read = await call('readAll', db, big);
  const fast = await call('replayCount', db, big, Infinity);
  if (fast.frames !== frames || read.frames !== frames) throw new Error(`replayed ${fast.frames} / read ${read.frames} of ${frames} frames: the benchmark is broken`);
  const loadBefore = loadavg()[0]!;
  const reals: Awaited<ReturnType<typeof ReplayPage.replayTimed>>[] = [];
  const floors: number[][] = [];
  for (let i = 0; i < rounds; i++) {
    // Interleaved, so both see the same load: the machine's timer floor, then the replay.
    floors.push([...(await call('timerFloor', timedFrames, spacingMs))].sort((a, b) => a - b));
    reals.push(await call('replayTimed', db, timed, 1));
  }
  const byP99 = [...reals].sort((a, b) => a.result.lateness.p99 - b.result.lateness.p99);
  const real = byP99[Math.floor((byP99.length - 1) / 2)]!;
  const naiveRaw = await call('naiveTimed', db, timed);
  const naive = [...naiveRaw].sort((a, b) => a - b);
  const loadAfter = loadavg()[0]!;
  if (reals.some((r) => r.result.frames !== timedFrames)) throw new Error(`timed replay sent ${real.result.frames} of ${timedFrames}`);

  const version = chromium.context.browser()?.version() ?? 'chromium';
  const fps = fast.frames / fast.seconds;
  const readFps = read.frames / read.seconds;
  const l = real.result.lateness;
  console.log(`\nReplay benchmark (${version}; 1-minute load average ${loadBefore.toFixed(1)} before the timed rounds, ${loadAfter.toFixed(1)} after, ${availableParallelism()} CPUs)\n`);
  console.log('| measurement | frames | seconds | frames/s |');
  console.log('|---|---:|---:|---:|');
  console.log(`| replaySession, speed Infinity, counting sink | ${fmt(fast.frames)} | ${fast.seconds.toFixed(2)} | ${fmt(fps)} |`);
  console.log(`| baseline: FrameLog.batches() read alone | ${fmt(read.frames)} | ${read.seconds.toFixed(2)} | ${fmt(readFps)} |`);
  console.log(`\n| ${fmt(timedFrames)} frames ${spacingMs} ms apart, speed 1 | lateness p50 ms | p99 ms | max ms | last frame late ms |`);
  console.log('|---|---:|---:|---:|---:|');
  reals.forEach((r, i) => {
    const q = r.result.lateness;
    const f = floors[i]!;
    const lastLate = r.sentAt.at(-1)! - r.recordedAt.at(-1)!;
    console.log(`| baseline: timer floor (setTimeout to each deadline, no replay), round ${i + 1} | ${ms(percentile(f, 0.5))} | ${ms(percentile(f, 0.99))} | ${ms(f.at(-1)!)} | |`);
    console.log(`| replaySession (monotonic schedule), round ${i + 1}${r === real ? ' (median p99)' : ''} | ${ms(q.p50)} | ${ms(q.p99)} | ${ms(q.max)} | ${ms(lastLate)} |`);
  });
  console.log(`| naive: setTimeout(gap) per frame | ${ms(percentile(naive, 0.5))} | ${ms(percentile(naive, 0.99))} | ${ms(naive.at(-1)!)} | ${ms(naiveRaw.at(-1)!)} |`);
  console.log(`\nreplay vs read-back alone: ${(fps / readFps).toFixed(2)}x; recorded span ${fmt(real.result.recordedMs)} ms, replayed in ${fmt(real.result.elapsedMs)} ms`);
  const floor = floors[reals.indexOf(real)]!;
  console.log(`BENCH replay frames_per_s=${Math.round(fps)} lateness_p50_ms=${ms(l.p50)} lateness_p99_ms=${ms(l.p99)} lateness_max_ms=${ms(l.max)} read_ratio=${(fps / readFps).toFixed(2)} floor_p99_ms=${ms(percentile(floor, 0.99))} naive_p99_ms=${ms(percentile(naive, 0.99))}`);
} finally {
  await shutdown();
}
