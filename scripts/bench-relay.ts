/**
 * `npm run bench:relay`: the development relay under fan-out on loopback. The relay runs in its own
 * process (so its event loop is measured alone, with `perf_hooks.monitorEventLoopDelay`); 500
 * subscribers on `/**` read as fast as they can from two reader processes; 10 writers send SETs as fast
 * as the relay takes them (each keeps at most 256 KiB unsent) for 20 s after a 1 s warm-up.
 * Printed per relay: SETs delivered per second (summed over subscribers), delivery latency p50/p99
 * (every 16th SET carries its send time), the relay's longest event-loop block (and its p99, the
 * longest GC pause, and the CPU the relay used during its longest gap between two 10 ms ticks: on a
 * shared machine a block is partly waiting for a core), RSS (largest sample), subscribers the relay
 * cut (every one of them was reading: all cuts are of healthy readers). Latency is measured from the
 * writer's `send()`: writers flood, so it is mostly time queued in their own socket buffers.
 *
 *   npm run bench:relay [-- --baseline <git rev>] [-- --relay <module>]
 *
 * `--baseline <rev>` first runs the relay of that commit (its `src/relay` and `src/protocol`, extracted
 * with `git archive` into a temporary directory) the same way, for a figure from the same run.
 * `--relay <module>` benchmarks any module exporting `startRelay` instead of this tree's.
 * `BENCH_SECONDS` (default 20), `BENCH_SUBSCRIBERS` (500), `BENCH_WRITERS` (10).
 * SIGINT/SIGTERM stop the relay and reader processes and every socket. Last line:
 * `BENCH relay delivered_per_s=… p99_ms=… max_block_ms=… cut_healthy=… rss_mb=…`.
 */
import { execSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { decode, encode } from '../src/protocol/index.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const SUBSCRIBERS = Number(process.env['BENCH_SUBSCRIBERS'] ?? 500);
const WRITERS = Number(process.env['BENCH_WRITERS'] ?? 10);
const WARMUP_MS = 1000;
const READERS = 2;
const SAMPLE_EVERY = 16;
const WRITER_WINDOW = 256 * 1024;
const SELF = fileURLToPath(import.meta.url);
const REPO = resolve(dirname(SELF), '..');

/** The next IPC message of `proc` that passes `test`; rejects if the process exits first. */
function message<T>(proc: ChildProcess, test: (m: unknown) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown): void => {
      if (!test(m)) return;
      proc.off('message', onMessage).off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null): void => {
      proc.off('message', onMessage);
      reject(new Error(`bench process ${proc.pid} (${proc.spawnargs.slice(-3).join(" ")}) exited (${code}) before answering`));
    };
    proc.on('message', onMessage).once('exit', onExit);
  });
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface RelayReport { maxBlockMs: number; p99BlockMs: number; maxGcMs: number; worstGapCpuMs: number; rssMb: number; logLines: number; answered?: boolean }
const REPORT_TIMEOUT_MS = 30_000;
interface ReaderReport { delivered: number; latencies: number[]; cut: number; closeCodes: number[] }

// ---- relay process ---------------------------------------------------------------------------
async function relayChild(modulePath: string): Promise<void> {
  process.on('error', () => undefined); // a heartbeat sent as the parent goes away (EPIPE)
  const { startRelay } = (await import(pathToFileURL(modulePath).href)) as {
    startRelay(o: { port: number; log: (l: string) => void }): Promise<{ url: string; close(): Promise<void> }>;
  };
  let logLines = 0;
  const relay = await startRelay({ port: 0, log: () => { logLines += 1; } });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // CPU used between two 10 ms ticks, at the longest gap: how much of a block was work, not waiting
  // for a core on this shared machine (cpuUsage counts every thread: an upper bound).
  let lastTick = performance.now();
  let lastCpu = process.cpuUsage();
  let worstGap = { wallMs: 0, cpuMs: 0 };
  const ticker = setInterval(() => {
    const t = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    if (t - lastTick > worstGap.wallMs) worstGap = { wallMs: t - lastTick, cpuMs: (cpu.user + cpu.system) / 1000 };
    lastTick = t;
    lastCpu = process.cpuUsage();
  }, 10);
  ticker.unref();
  let maxGcMs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) maxGcMs = Math.max(maxGcMs, e.duration);
  }).observe({ entryTypes: ['gc'] });
  let rss = 0;
  // Heartbeats let the parent see a block even when this process never answers again.
  const sampler = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
    if (process.connected) process.send?.({ beat: Date.now(), rssMb: rss / 2 ** 20 });
  }, 100);
  process.on('message', (m: string) => {
    if (m === 'start') {
      delay.reset();
      maxGcMs = 0;
      worstGap = { wallMs: 0, cpuMs: 0 };
      rss = process.memoryUsage.rss();
      logLines = 0;
    } else if (m === 'report') {
      rss = Math.max(rss, process.memoryUsage.rss());
      process.send?.({ maxBlockMs: delay.max / 1e6, p99BlockMs: delay.percentile(99) / 1e6, maxGcMs, worstGapCpuMs: worstGap.cpuMs, rssMb: rss / 2 ** 20, logLines } satisfies RelayReport);
    }
  });
  setInterval(() => undefined, 60_000); // alive until told to stop, whatever its sockets do
  process.on('disconnect', () => {
    clearInterval(sampler);
    void relay.close().finally(() => process.exit(0));
  });
  process.send?.({ url: relay.url });
}

// ---- reader processes ------------------------------------------------------------------------
async function readerProcess(url: string, count: number): Promise<void> {
  const port = { postMessage: (m: unknown) => process.send?.(m), on: (e: 'message', f: (m: string) => void) => process.on(e, f) };
  setInterval(() => undefined, 60_000); // alive until told to stop, whatever its sockets do
  process.on('disconnect', () => {
    console.error(`bench reader ${process.pid}: parent gone, exiting`);
    process.exit(0);
  });
  const sockets: WebSocket[] = [];
  let measuring = false;
  let stopping = false;
  let report: ReaderReport = { delivered: 0, latencies: [], cut: 0, closeCodes: [] };
  const hello = encode({ type: 'HELLO', version: 1, name: 'bench reader', features: ['param'] });
  const subscribe = encode({ type: 'SUBSCRIBE', id: 1, pattern: '/**' });
  const ping = encode({ type: 'PING' });
  await Promise.all(Array.from({ length: count }, async () => {
    const ws = new WebSocket(url, ['clasp']);
    sockets.push(ws);
    ws.on('error', () => undefined);
    await new Promise((r) => { ws.once('open', r); ws.once('close', r); });
    if (ws.readyState !== WebSocket.OPEN) return;
    let ready: () => void = () => undefined;
    const subscribed = new Promise<void>((r) => { ready = r; });
    let seen = 0;
    ws.on('message', (data: Buffer) => {
      if (data[4] === 0x42) ready(); // PONG: HELLO and SUBSCRIBE were processed
      if (!measuring || data[4] !== 0x21) return;
      report.delivered += 1;
      seen += 1;
      if (seen % SAMPLE_EVERY === 0 && report.latencies.length < 500_000) {
        const m = decode(new Uint8Array(data));
        if (m.type === 'SET' && typeof m.value === 'number') report.latencies.push(now() - m.value);
      }
    });
    ws.on('close', (code) => {
      ready(); // a socket closed before its PONG does not hold the others back
      if (stopping) return;
      report.cut += 1;
      report.closeCodes.push(code);
    });
    ws.send(hello);
    ws.send(subscribe);
    ws.send(ping);
    await subscribed;
  }));
  port.on('message', (m: string) => {
    if (m === 'start') {
      report = { delivered: 0, latencies: [], cut: report.cut, closeCodes: report.closeCodes };
      measuring = true;
    } else if (m === 'stop') {
      measuring = false;
      stopping = true;
      port.postMessage(report);
      for (const ws of sockets) ws.terminate();
      setTimeout(() => process.exit(0), 200);
    }
  });
  port.postMessage('ready');
}

// ---- main ------------------------------------------------------------------------------------
const cleanups: (() => void)[] = [];

async function benchOnce(label: string, modulePath: string): Promise<{ deliveredPerS: number; p50: number; p99: number; relay: RelayReport; cut: number; sent: number }> {
  const child: ChildProcess = fork(SELF, ['--child', modulePath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killChild = (): void => { if (child.exitCode === null) child.kill('SIGKILL'); };
  cleanups.push(killChild);
  const { url } = await message<{ url: string }>(child, (m) => typeof (m as { url?: unknown }).url === 'string');
  let measuringBeats = false;
  let lastBeat = Date.now();
  let maxGap = 0;
  let beatRss = 0;
  let answer: ((r: RelayReport) => void) | undefined;
  child.on('message', (m: { beat?: number; rssMb?: number } & Partial<RelayReport>) => {
    if (m.beat !== undefined) {
      if (measuringBeats) maxGap = Math.max(maxGap, m.beat - lastBeat);
      lastBeat = m.beat;
      beatRss = Math.max(beatRss, m.rssMb ?? 0);
    } else if (m.maxBlockMs !== undefined) answer?.(m as RelayReport);
  });
  const readers = Array.from({ length: READERS }, (_, i) => fork(SELF, [
    '--readers', url, String(Math.floor(SUBSCRIBERS / READERS) + (i < SUBSCRIBERS % READERS ? 1 : 0)),
  ], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  cleanups.push(() => { for (const w of readers) if (w.exitCode === null) w.kill('SIGKILL'); });
  await Promise.all(readers.map((w) => message(w, (m) => m === 'ready')));

  const writers: WebSocket[] = [];
  cleanups.push(() => { for (const ws of writers) ws.terminate(); });
  let running = true;
  let sent = 0;
  await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
    const ws = new WebSocket(url, ['clasp']);
    ws.on('error', () => undefined);
    writers.push(ws);
    await once(ws, 'open');
    ws.send(encode({ type: 'HELLO', version: 1, name: `bench writer ${w}`, features: ['param'] }));
  }));
  const flood = writers.map(async (ws, w) => {
    let n = 0;
    while (running && ws.readyState === WebSocket.OPEN) {
      while (ws.bufferedAmount < WRITER_WINDOW && running) {
        ws.send(encode({ type: 'SET', address: `/bench/w${w}/p${n % 50}`, value: now() }));
        n += 1;
        sent += 1;
        if (n % 64 === 0) break;
      }
      await new Promise((r) => setImmediate(r));
    }
  });
  await sleep(WARMUP_MS);
  child.send('start');
  measuringBeats = true;
  lastBeat = Date.now();
  for (const w of readers) w.send('start');
  const sentAtStart = sent;
  await sleep(SECONDS * 1000);
  const reports = await Promise.all(readers.map((w) => {
    const got = message<ReaderReport>(w, (m) => typeof (m as { delivered?: unknown }).delivered === 'number');
    w.send('stop');
    return got;
  }));
  const sentInWindow = sent - sentAtStart;
  running = false;
  for (const ws of writers) ws.terminate();
  // A relay that blocks its event loop answers late or never: then its silence is the block.
  const answered = new Promise<RelayReport>((r) => { answer = r; });
  child.send('report');
  const relay = await Promise.race([answered, sleep(REPORT_TIMEOUT_MS).then(() => undefined)]) ?? {
    maxBlockMs: Date.now() - lastBeat, p99BlockMs: Number.NaN, maxGcMs: Number.NaN, worstGapCpuMs: Number.NaN, rssMb: beatRss, logLines: Number.NaN, answered: false,
  };
  // A relay blocked since its last heartbeat answers as soon as it runs again: that wait is a block too.
  relay.maxBlockMs = Math.max(relay.maxBlockMs, maxGap - 100, Date.now() - lastBeat - 100);
  relay.rssMb = Math.max(relay.rssMb, beatRss);
  await Promise.all(flood);
  for (const ws of writers) ws.terminate();
  await Promise.all(readers.filter((w) => w.exitCode === null && w.signalCode === null).map((w) => once(w, 'exit')));
  if (child.connected) child.disconnect();
  if (child.exitCode === null) await Promise.race([once(child, 'exit'), sleep(3000)]);
  killChild();

  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const pct = (p: number): number => latencies.length === 0 ? Number.NaN : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  const delivered = reports.reduce((s, r) => s + r.delivered, 0);
  const cut = reports.reduce((s, r) => s + r.cut, 0);
  const codes = reports.flatMap((r) => r.closeCodes);
  const result = { deliveredPerS: delivered / SECONDS, p50: pct(50), p99: pct(99), relay, cut, sent: sentInWindow };
  console.log(`relay ${label}: delivered_per_s=${Math.round(result.deliveredPerS)} p50_ms=${result.p50.toFixed(1)} p99_ms=${result.p99.toFixed(1)} ` +
    `max_block_ms=${relay.maxBlockMs.toFixed(1)}${relay.answered === false ? ' (no answer: still blocked)' : ''} p99_block_ms=${relay.p99BlockMs.toFixed(1)} max_gc_ms=${relay.maxGcMs.toFixed(1)} cpu_in_longest_block_ms=${relay.worstGapCpuMs.toFixed(1)} rss_mb=${relay.rssMb.toFixed(0)} cut_healthy=${cut}${codes.length > 0 ? ` (close codes ${[...new Set(codes)].join(',')})` : ''} ` +
    `sets_sent_per_s=${Math.round(sentInWindow / SECONDS)} relay_log_lines=${relay.logLines}`);
  return result;
}

/** One run, and a second if a helper process died before the run could start or report. */
async function twice(label: string, modulePath: string): ReturnType<typeof benchOnce> {
  try {
    return await benchOnce(label, modulePath);
  } catch (e) {
    console.error(`bench:relay: ${(e as Error).message}; running ${label} again`);
    for (const c of cleanups.splice(0).reverse()) c();
    return benchOnce(label, modulePath);
  }
}

function extractBaseline(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-baseline-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  execSync(`git archive ${JSON.stringify(rev)} src/relay src/protocol | tar -x -C ${JSON.stringify(dir)}`, { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'src', 'relay', 'server.ts');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const stop = (): void => {
    for (const c of cleanups.splice(0).reverse()) c();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const guard = setTimeout(() => {
    console.error('bench:relay: over 9 minutes, stopping');
    stop();
  }, 9 * 60_000);
  guard.unref();

  console.log(`bench:relay: ${SUBSCRIBERS} subscribers on /**, ${WRITERS} writers, ${SECONDS} s on loopback (+${WARMUP_MS} ms warm-up)`);
  const baselineRev = opt('--baseline');
  let baseline: Awaited<ReturnType<typeof benchOnce>> | undefined;
  if (baselineRev !== undefined) baseline = await twice(`baseline ${baselineRev}`, extractBaseline(baselineRev));
  const modulePath = resolve(opt('--relay') ?? join(REPO, 'src', 'relay', 'server.ts'));
  const r = await twice(opt('--relay') === undefined ? 'this tree' : modulePath, modulePath);
  for (const c of cleanups.splice(0).reverse()) c();
  const extra = baseline === undefined ? '' : ` baseline_delivered_per_s=${Math.round(baseline.deliveredPerS)} baseline_max_block_ms=${baseline.relay.maxBlockMs.toFixed(0)} baseline_cut_healthy=${baseline.cut}`;
  console.log(`BENCH relay delivered_per_s=${Math.round(r.deliveredPerS)} p99_ms=${r.p99.toFixed(1)} max_block_ms=${r.relay.maxBlockMs.toFixed(0)} cut_healthy=${r.cut} rss_mb=${r.relay.rssMb.toFixed(0)}${extra}`);
  process.exit(0);
}

if (process.argv[2] === '--readers') {
  void readerProcess(process.argv[3]!, Number(process.argv[4]));
} else if (process.argv[2] === '--child') {
  void relayChild(process.argv[3]!);
} else {
  main().catch((e: unknown) => {
    console.error(e);
    for (const c of cleanups.splice(0).reverse()) c();
    process.exit(1);
  });
}
