/**
 * Task lengths of the CLASP panel from a Chrome trace, for `bench:devtools`.
 *
 * Why a trace: a PerformanceObserver 'longtask' reports wall-clock durations, and on a loaded
 * 2-core machine a 10 ms task that the OS preempts is reported as a 1 s "long task". The trace's
 * `RunTask` events carry both the wall duration (`dur`) and the thread's CPU time (`tdur`), so the
 * panel's own work can be told apart from time it spent waiting for a core.
 *
 * The panel (and the extension's devtools page) run on the main thread of the process Chrome names
 * "Extension Renderer"; the service worker runs on its own thread there and is reported apart.
 */
import type { Browser } from 'puppeteer-core';

/** Longest task of one thread, in milliseconds. */
export interface ThreadTasks {
  /** Tasks seen (`ThreadControllerImpl::RunTask` events). */
  readonly tasks: number;
  /** Longest task by thread CPU time. */
  readonly maxCpuMs: number;
  /** Longest task by wall-clock time (includes preemption). */
  readonly maxWallMs: number;
  /** Tasks whose CPU time exceeded 50 ms (the Long Tasks API threshold). */
  readonly over50CpuMs: number;
}

interface TraceEvent {
  readonly ph: string;
  readonly name: string;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

/**
 * Traces `run` (category `toplevel` only, to keep the overhead low) and returns the task lengths of
 * the extension renderer's main thread (the panel) and of its service worker thread.
 * @throws Error when the trace holds no extension renderer (the extension did not load).
 */
export async function traceExtensionTasks(browser: Browser, run: () => Promise<void>): Promise<{ panel: ThreadTasks; worker: ThreadTasks }> {
  const { tasks, meta } = await traceTopLevel(browser, run);
  const pids = new Set(meta.filter((m) => m.name === 'process_name' && m.args?.name === 'Extension Renderer').map((m) => m.pid));
  if (pids.size === 0) throw new Error('no extension renderer in the trace');
  return { panel: threadStats(tasks, threadsOf(meta, pids, 'CrRendererMain')), worker: threadStats(tasks, threadsOf(meta, pids, 'ServiceWorker thread')) };
}

/**
 * Traces `run` like {@link traceExtensionTasks} and returns the task lengths of the main thread of
 * the busiest web-page renderer (process "Renderer", most CPU in its main thread over the run): the
 * page that `run` drives.
 * @throws Error when the trace holds no page renderer.
 */
export async function tracePageTasks(browser: Browser, run: () => Promise<void>): Promise<ThreadTasks> {
  const { tasks, meta } = await traceTopLevel(browser, run);
  const pids = new Set(meta.filter((m) => m.name === 'process_name' && m.args?.name === 'Renderer').map((m) => m.pid));
  const cpuByThread = new Map<string, number>();
  for (const key of threadsOf(meta, pids, 'CrRendererMain')) cpuByThread.set(key, 0);
  for (const t of tasks) {
    const key = `${t.pid}/${t.tid}`;
    const sum = cpuByThread.get(key);
    if (sum !== undefined && t.name === 'ThreadControllerImpl::RunTask') cpuByThread.set(key, sum + (t.tdur ?? 0));
  }
  const busiest = [...cpuByThread].sort((a, b) => b[1] - a[1])[0];
  if (busiest === undefined) throw new Error('no page renderer in the trace');
  return threadStats(tasks, new Set([busiest[0]]));
}

/** Runs `run` under a `toplevel` trace; keeps only RunTask and metadata events. */
async function traceTopLevel(browser: Browser, run: () => Promise<void>): Promise<{ tasks: TraceEvent[]; meta: TraceEvent[] }> {
  const session = await browser.target().createCDPSession();
  const tasks: TraceEvent[] = [];
  const meta: TraceEvent[] = [];
  session.on('Tracing.dataCollected', (e: { value: TraceEvent[] }) => {
    for (const ev of e.value) {
      if (ev.ph === 'M') meta.push(ev);
      else if (ev.ph === 'X' && (ev.name === 'ThreadControllerImpl::RunTask' || ev.name === 'RunTask')) tasks.push(ev);
    }
  });
  await session.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: ['toplevel'] } });
  try {
    await run();
  } finally {
    const done = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
    await session.send('Tracing.end');
    await done;
    await session.detach().catch(() => undefined);
  }
  return { tasks, meta };
}

function threadsOf(meta: readonly TraceEvent[], pids: ReadonlySet<number>, name: string): Set<string> {
  return new Set(meta.filter((m) => m.name === 'thread_name' && pids.has(m.pid) && m.args?.name === name).map((m) => `${m.pid}/${m.tid}`));
}

function threadStats(tasks: readonly TraceEvent[], threads: ReadonlySet<string>): ThreadTasks {
  let count = 0;
  let maxCpu = 0;
  let maxWall = 0;
  let over = 0;
  for (const t of tasks) {
    if (!threads.has(`${t.pid}/${t.tid}`)) continue;
    if (t.name === 'ThreadControllerImpl::RunTask') count += 1; // a task may also have an outer RunTask event
    const cpu = (t.tdur ?? 0) / 1000;
    maxCpu = Math.max(maxCpu, cpu);
    maxWall = Math.max(maxWall, (t.dur ?? 0) / 1000);
    if (cpu > 50) over += 1;
  }
  return { tasks: count, maxCpuMs: maxCpu, maxWallMs: maxWall, over50CpuMs: over };
}
