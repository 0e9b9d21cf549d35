/**
 * `npm run bench:replay-page [-- --timed 2000 --spacing 5 --frames 20000]`: what a user gets when the
 * CLASP DevTools panel replays a recording into the inspected page's own socket (deep build, Deep
 * mode on, the REAL panel, service worker, content script and page hook in headless Chromium),
 * against the panel's other target in the same run: a relay URL, which the panel reaches through
 * `WasmWebSocketTransport` on its own socket.
 *
 * - Two WebSocket servers on 127.0.0.1 stamp every message on arrival (`performance.now()` in Node,
 *   nothing else in the handler): one is the page's socket's server, the other the relay URL.
 * - Recordings are made the way a user makes them: Record in the panel while the page sends SETs on
 *   its socket (`test/e2e/pages/replay-page.html`, `R.send`), then Stop. Writing sessions straight
 *   into the panel's IndexedDB would skip nothing the replay measures but would need the recorder's
 *   storage format outside the recorder (the panel's Import shows a file, it makes no recording).
 *   The page stamps each send with the hook's clock (`timeOrigin + performance.now()`, at the call
 *   into the hooked `send`), which is the recorded time to within a fraction of a millisecond: these stamps are the
 *   schedule lateness is measured against.
 * - Timing: `--timed` SETs `--spacing` ms apart, replayed at speed 1. Each frame's offset is its
 *   arrival at the server minus its recorded time from the first; the smallest offset is taken as the
 *   constant path latency, and a frame's lateness is its offset above it. (Anchoring on the first
 *   frame instead would count the first frame's own extra delay, a few ms on a cold path, as every
 *   other frame being early: it is printed as "first frame late".)
 *   The replay's own lateness (its scheduler's, at the call of its sink in the panel, from the
 *   panel's final notice) is printed beside it: the difference is what the path after the sink adds.
 *   The constant latency itself cannot be read per frame (the sink's call time stays in the panel);
 *   what is measured is the time from the Replay click (the CDP call into the panel) to the first
 *   frame at the server, which includes reading the recording and, for the relay, connecting.
 * - Throughput: `--frames` SETs at speed max (`Infinity`); frames/s at the server from the first to
 *   the last arrival.
 * - Where the time goes: CPU time (`/proc`) of every Chromium process and its busiest threads from
 *   the click until the final notice and the last frame at the server, for each throughput replay.
 *   The processes are named by spinning 400 ms in the page, the DevTools front end, the panel and
 *   the service worker first.
 * - Every replayed frame is matched by its bytes to the recording: a missing, extra or reordered
 *   frame fails the run. The relay replay starts with the panel's own HELLO (the recording has
 *   none); it is not counted.
 * - One round of each, page before relay; the 1-minute load average is printed (2 shared cores:
 *   lateness is mostly the wait for a CPU).
 * Prints a markdown table; the last line is `BENCH replay_page frames_per_s=… lateness_p50_ms=…
 * lateness_p99_ms=… lateness_max_ms=… relay_frames_per_s=… relay_lateness_p99_ms=…`.
 * The browser is closed on SIGINT/SIGTERM too.
 */
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Page } from 'puppeteer-core';
import { WebSocketServer } from 'ws';
import { encode } from '../src/protocol/index.js';
import { startPageServer, type PageServer } from '../test/support/browser.js';
import { DEEP_EXTENSION_DIR, ensureExtensionBuilt, launchWithExtension, openClaspPanel, type ExtensionBrowser } from '../test/support/devtools-panel.js';
import { choose, press, sleep, until } from '../test/e2e/panel-helpers.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  if (value !== undefined && !(value > 0)) throw new Error(`--${name} needs a positive number`);
  return value ?? fallback;
}

const timedFrames = flag('timed', 2000);
const spacingMs = flag('spacing', 5);
const fastFrames = flag('frames', 20_000);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(2);

/** A WebSocket server on 127.0.0.1 that keeps every message with its arrival time. */
interface StampingServer {
  readonly url: string;
  /** Arrivals since the last `reset`: Node `performance.now()` and the bytes. */
  arrivals: { at: number; data: Buffer }[];
  reset(): void;
  close(): Promise<void>;
}

async function stampingServer(): Promise<StampingServer> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http, handleProtocols: (protocols) => (protocols.has('clasp') ? 'clasp' : false) });
  const server: StampingServer = {
    url: '',
    arrivals: [],
    reset() {
      server.arrivals = [];
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise((r) => wss.close(r));
      await new Promise((r) => http.close(r));
    },
  };
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      // Stamped first: the handler does nothing else while frames arrive.
      server.arrivals.push({ at: performance.now(), data: data as Buffer });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  (server as { url: string }).url = `ws://127.0.0.1:${address.port}/`;
  return server;
}

/** CPU ms of one process and of its threads by name. */
interface ProcessCpu {
  readonly label: string;
  readonly cpuMs: number;
  readonly threads: Map<string, number>;
}

/** CPU time (ms, user + system) of every process under `root`, with its Chromium process type and its threads. */
function processCpu(root: number): Map<number, ProcessCpu> {
  const tick = 1000 / 100; // USER_HZ on Linux
  const stats = new Map<number, { ppid: number; cpuMs: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * tick });
    } catch {
      // the process ended meanwhile
    }
  }
  const out = new Map<number, ProcessCpu>();
  const add = (pid: number): void => {
    const stat = stats.get(pid);
    if (stat === undefined || out.has(pid)) return;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      // ended
    }
    const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
    const threads = new Map<string, number>();
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const t = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = t.slice(t.indexOf('(') + 1, t.lastIndexOf(')'));
        const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
        threads.set(name, (threads.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) * tick);
      }
    } catch {
      // ended
    }
    out.set(pid, { label: `${type}${cmdline.includes('--extension-process') ? ' (extension)' : ''}`, cpuMs: stat.cpuMs, threads });
    for (const [child, s] of stats) if (s.ppid === pid) add(child);
  };
  add(root);
  return out;
}

/** CPU ms one process used in an interval, and its threads'. */
interface UsedCpu {
  readonly pid: number;
  readonly label: string;
  readonly cpuMs: number;
  readonly threads: { name: string; cpuMs: number }[];
}

/** CPU ms each process used between two `processCpu` readings, largest first. */
function cpuUsed(before: Map<number, ProcessCpu>, after: Map<number, ProcessCpu>): UsedCpu[] {
  return [...after]
    .map(([pid, a]) => ({
      pid,
      label: a.label,
      cpuMs: a.cpuMs - (before.get(pid)?.cpuMs ?? 0),
      threads: [...a.threads].map(([name, t]) => ({ name, cpuMs: t - (before.get(pid)?.threads.get(name) ?? 0) })).filter((t) => t.cpuMs > 0).sort((x, y) => y.cpuMs - x.cpuMs),
    }))
    .filter((p) => p.cpuMs > 0)
    .sort((x, y) => y.cpuMs - x.cpuMs);
}

let pageServer: PageServer | undefined;
let pageWs: StampingServer | undefined;
let relayWs: StampingServer | undefined;
let chromium: ExtensionBrowser | undefined;
async function shutdown(): Promise<void> {
  await chromium?.close();
  await pageWs?.close();
  await relayWs?.close();
  await pageServer?.close();
  chromium = pageWs = relayWs = pageServer = undefined;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: closing the browser`);
    void shutdown().finally(() => process.exit(130));
  });
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** One recorded SET per index, distinct bytes (the address carries the index). */
function setFrames(tag: string, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => encode({ type: 'SET', address: `/bench/${tag}/${i}`, value: i * 0.5, revision: BigInt(i) }));
}

/** What one replay into one target gave. */
interface Outcome {
  /** Arrival (Node ms) of each recorded frame, by index. */
  readonly arrivals: number[];
  /** Node ms from the Replay click to the first recorded frame at the server. */
  readonly firstAfterClick: number;
  /** The panel's final notice. */
  readonly notice: string;
  /** Messages that were not a recorded frame (the relay replay's own HELLO). */
  readonly others: number;
  /** CPU ms per Chromium process from the click until the notice and the last frame at the server. */
  readonly cpu: UsedCpu[];
  /** Wall ms from the click until the notice and the last frame at the server. */
  readonly wallMs: number;
}

async function main(): Promise<void> {
  ensureExtensionBuilt('deep');
  pageServer = await startPageServer();
  pageWs = await stampingServer();
  relayWs = await stampingServer();
  chromium = await launchWithExtension(DEEP_EXTENSION_DIR);
  const browserPid: number = chromium.browser.process()?.pid ?? Number.NaN;
  if (Number.isNaN(browserPid)) throw new Error('no browser process id');
  const page: Page = await chromium.browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${pageServer.url}/test/e2e/pages/replay-page.html`);
  await page.waitForFunction(() => 'R' in globalThis);
  await page.evaluate((url) => (globalThis as any).R.open(url), pageWs.url);
  const { panel, devtools } = await openClaspPanel(page);
  const notice = (): Promise<string> => panel.$eval('.status .notice', (n) => n.textContent ?? '');
  const clearNotice = (): Promise<void> => panel.$eval('.status .notice', (n) => void (n.textContent = ''));

  /** Records the page sending `frames` (`gapMs` apart, or in bursts of 500 with 0); returns the session id and the send stamps. */
  async function record(frames: Uint8Array[], gapMs: number): Promise<{ id: string; sentAt: number[] }> {
    await clearNotice();
    await press(panel, '.record-bar .record');
    await until(notice, (t) => /^recording into session \d+$/.test(t), 'recording to start');
    const sentAt = await page.evaluate(
      async (b64: string[], gap: number) => {
        const R = (globalThis as any).R as { send(f: number[] | Uint8Array): void };
        const stamps: number[] = [];
        const frames = b64.map((s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
        const start = performance.now();
        for (let i = 0; i < frames.length; i++) {
          if (gap > 0) {
            // Each due time from the start (no drift); whatever the timers achieve is the schedule.
            const wait = start + i * gap - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          } else if (i > 0 && i % 500 === 0) {
            // The capture's backlog holds 20 000 events: let it drain between bursts.
            await new Promise((r) => setTimeout(r, 25));
          }
          // The hook stamps the frame with this clock in the same call.
          stamps.push(performance.timeOrigin + performance.now());
          R.send(frames[i] as unknown as number[]);
        }
        return stamps;
      },
      frames.map((f) => Buffer.from(f).toString('base64')),
      gapMs,
    );
    await until(() => panel.$eval('.status .rec-state', (e) => e.textContent ?? ''), (t) => Number(/: (\d+) frames/.exec(t)?.[1] ?? 0) >= frames.length, 'the recording state');
    await press(panel, '.record-bar .record');
    const stopped = await until(notice, (t) => /^recorded session \d+: \d+ frames/.test(t), 'recording to stop');
    const [, id, count] = /^recorded session (\d+): (\d+) frames/.exec(stopped)!;
    if (Number(count) !== frames.length) throw new Error(`recorded ${count} of ${frames.length} frames: ${stopped}`);
    return { id: id!, sentAt };
  }

  /** Selects the page socket (value `page:…`) or the relay URL as the replay target. */
  async function target(into: 'page' | 'relay'): Promise<void> {
    if (into === 'relay') {
      await choose(panel, '.replay-target', 'relay');
      await panel.$eval('.replay-url', (e, url) => void ((e as HTMLInputElement).value = url), relayWs!.url);
      return;
    }
    const value = await until(
      () =>
        panel.evaluate((url) => {
          const menu = document.querySelector<HTMLSelectElement>('.replay-target')!;
          menu.dispatchEvent(new Event('focus'));
          return [...menu.options].find((o) => !o.disabled && o.textContent?.endsWith(` ${url}`))?.value ?? '';
        }, pageWs!.url),
      (v) => v !== '',
      'the page socket in the target menu',
    );
    await choose(panel, '.replay-target', value);
  }

  async function replay(id: string, frames: Uint8Array[], into: 'page' | 'relay', speed: string): Promise<Outcome> {
    const server = into === 'page' ? pageWs! : relayWs!;
    await press(panel, '.tabs .tab-recordings');
    await panel.waitForSelector(`.recordings-rows tr[data-id="${id}"] .rec-replay`);
    await target(into);
    await choose(panel, '.replay-speed', speed);
    await clearNotice();
    server.reset();
    const cpuBefore = processCpu(browserPid);
    const clickedAt = performance.now();
    await press(panel, `.recordings-rows tr[data-id="${id}"] .rec-replay`);
    const done = await until(notice, (t) => t.startsWith('replayed ') || t.startsWith('replay failed'), 'the replay to finish', 280_000);
    if (!done.startsWith('replayed ')) throw new Error(`${into}: ${done}`);
    // The notice comes once the target took every frame: the panel's own socket (relay) may still be writing.
    await until(async () => server.arrivals.length, (n) => n >= frames.length, `${frames.length} frames at the ${into} server`, 30_000).catch(() => undefined);
    const wallMs = performance.now() - clickedAt;
    const cpu = cpuUsed(cpuBefore, processCpu(browserPid));
    await sleep(200);
    const index = new Map(frames.map((f, i) => [Buffer.from(f).toString('hex'), i]));
    const arrivals: number[] = [];
    let others = 0;
    for (const a of server.arrivals) {
      const i = index.get(a.data.toString('hex'));
      if (i === undefined) others += 1;
      else if (i !== arrivals.length) throw new Error(`${into}: frame ${i} arrived in place ${arrivals.length}`);
      else arrivals.push(a.at);
    }
    if (arrivals.length !== frames.length) throw new Error(`${into}: ${arrivals.length} of ${frames.length} frames arrived (${done})`);
    return { arrivals, firstAfterClick: arrivals[0]! - clickedAt, notice: done, others, cpu, wallMs };
  }

  await until(() => panel.$eval('.deep-mode', (e) => e.getAttribute('data-state') ?? ''), (s) => s === 'off' || s === 'on', 'the deep mode switch');
  await press(panel, '.deep-toggle');
  await until(() => panel.$eval('.deep-mode', (e) => e.getAttribute('data-state') ?? ''), (s) => s === 'on', 'deep mode on', 60_000);

  // Which process is which: each of these spins its thread for 400 ms, the process that gains it is named.
  const names = new Map<number, string>();
  const spin = (): void => {
    const end = performance.now() + 400;
    while (performance.now() < end) {
      // busy on purpose
    }
  };
  for (const [name, run] of [
    ['page', () => page.evaluate(spin)],
    ['DevTools front end', () => devtools.evaluate(spin)],
    ['panel', () => panel.evaluate(spin)],
    ['service worker', async () => (await (await chromium!.browser.waitForTarget((t) => t.type() === 'service_worker')).worker())?.evaluate(spin)],
  ] as const) {
    const before = processCpu(browserPid);
    await run();
    const top = cpuUsed(before, processCpu(browserPid)).find((p) => p.label.startsWith('renderer'));
    if (top !== undefined && top.cpuMs >= 300) names.set(top.pid, names.has(top.pid) ? `${names.get(top.pid)!} + ${name}` : name);
  }
  const nameOf = (p: { pid: number; label: string }): string => (names.has(p.pid) ? `${p.label}: ${names.get(p.pid)!}` : p.label);

  const timed = setFrames('t', timedFrames);
  const fast = setFrames('f', fastFrames);
  console.error(`recording ${fmt(timedFrames)} frames ${spacingMs} ms apart and ${fmt(fastFrames)} frames through the panel's Record button ...`);
  const timedRec = await record(timed, spacingMs);
  const fastRec = await record(fast, 0);
  console.error('replaying ...');
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const pageTimed = await replay(timedRec.id, timed, 'page', '1');
  const relayTimed = await replay(timedRec.id, timed, 'relay', '1');
  const pageFast = await replay(fastRec.id, fast, 'page', 'Infinity');
  const relayFast = await replay(fastRec.id, fast, 'relay', 'Infinity');
  const replaySeconds = (performance.now() - started) / 1000;
  const loadAfter = loadavg()[0]!;

  const sched = timedRec.sentAt;
  // Offset of each frame: its arrival minus its recorded time from the first. The smallest offset is
  // the constant path latency; lateness is what each frame adds to it.
  const offsets = (o: Outcome): number[] => o.arrivals.map((a, i) => a - (sched[i]! - sched[0]!));
  const lateness = (o: Outcome): number[] => {
    const off = offsets(o);
    const floor = Math.min(...off);
    return off.map((x) => x - floor).sort((x, y) => x - y);
  };
  const firstLate = (o: Outcome): number => offsets(o)[0]! - Math.min(...offsets(o));
  const rate = (o: Outcome): number => (o.arrivals.length - 1) / ((o.arrivals.at(-1)! - o.arrivals[0]!) / 1000);
  const panelLate = (o: Outcome): string => {
    const m = /lateness p99 ([\d.]+) ms, max ([\d.]+) ms/.exec(o.notice);
    return m === null ? '—' : `${m[1]} / ${m[2]}`;
  };
  const lp = lateness(pageTimed);
  const lr = lateness(relayTimed);
  const lastLate = (o: Outcome): number => offsets(o).at(-1)! - Math.min(...offsets(o));
  const gaps = sched.slice(1).map((t, i) => t - sched[i]!);
  const fpsPage = rate(pageFast);
  const fpsRelay = rate(relayFast);

  console.log(`\nReplay into the page (${await chromium.browser.version()}; 1-minute load average ${loadBefore.toFixed(1)} before the replays, ${loadAfter.toFixed(1)} after, ${availableParallelism()} CPUs; replays took ${replaySeconds.toFixed(0)} s)\n`);
  console.log(`Timing: ${fmt(timedFrames)} SETs recorded ${spacingMs} ms apart (achieved gaps: mean ${ms((sched.at(-1)! - sched[0]!) / (sched.length - 1))} ms, max ${ms(Math.max(...gaps))} ms), speed 1\n`);
  console.log('| target | lateness p50 ms | p99 ms | max ms | first frame late ms | last frame late ms | replay scheduler p99 / max ms (panel) | click → first frame ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, o, l] of [['page socket (inject path)', pageTimed, lp], ['relay URL (baseline)', relayTimed, lr]] as const) {
    console.log(`| ${name} | ${ms(percentile(l, 0.5))} | ${ms(percentile(l, 0.99))} | ${ms(l.at(-1)!)} | ${ms(firstLate(o))} | ${ms(lastLate(o))} | ${panelLate(o)} | ${ms(o.firstAfterClick)} |`);
  }
  console.log(`\nThroughput: ${fmt(fastFrames)} SETs, speed max\n`);
  console.log('| target | frames | seconds (first → last arrival) | frames/s | click → first frame ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, o] of [['page socket (inject path)', pageFast], ['relay URL (baseline)', relayFast]] as const) {
    console.log(`| ${name} | ${fmt(o.arrivals.length)} | ${((o.arrivals.at(-1)! - o.arrivals[0]!) / 1000).toFixed(2)} | ${fmt(rate(o))} | ${ms(o.firstAfterClick)} |`);
  }
  console.log(`\nWhere the CPU went during the throughput replays (Chromium processes, CPU ms from the click until the notice and the last frame at the server; ${availableParallelism()} cores)\n`);
  console.log('| target | wall ms | all Chromium CPU ms | CPU µs per frame | largest: process (CPU ms) |');
  console.log('|---|---:|---:|---:|---|');
  for (const [name, o] of [['page socket (inject path)', pageFast], ['relay URL (baseline)', relayFast]] as const) {
    const total = o.cpu.reduce((sum, p) => sum + p.cpuMs, 0);
    const top = o.cpu
      .slice(0, 5)
      .map((p) => `${nameOf(p)} ${fmt(p.cpuMs)} (${p.threads.slice(0, 2).map((t) => `${t.name} ${fmt(t.cpuMs)}`).join(', ')})`)
      .join('; ');
    console.log(`| ${name} | ${fmt(o.wallMs)} | ${fmt(total)} | ${fmt((total * 1000) / o.arrivals.length)} | ${top} |`);
  }
  console.log(`\npage / relay: throughput ${(fpsPage / fpsRelay).toFixed(2)}x, lateness p99 ${ms(percentile(lp, 0.99))} vs ${ms(percentile(lr, 0.99))} ms; relay replays also sent ${relayTimed.others} + ${relayFast.others} HELLO (not counted)`);
  console.log(
    `BENCH replay_page frames_per_s=${Math.round(fpsPage)} lateness_p50_ms=${ms(percentile(lp, 0.5))} lateness_p99_ms=${ms(percentile(lp, 0.99))} lateness_max_ms=${ms(lp.at(-1)!)} relay_frames_per_s=${Math.round(fpsRelay)} relay_lateness_p99_ms=${ms(percentile(lr, 0.99))}`,
  );
}

try {
  await main();
} finally {
  await shutdown();
}
