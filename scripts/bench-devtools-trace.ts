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
  const session = await browser.target().createCDPSession();
  const tasks: TraceEvent[] = [];
  const meta: TraceEvent[] = [];
  // Events arrive in chunks during the run; only RunTask and metadata events are kept.
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
  const pids = new Set(meta.filter((m) => m.name === 'process_name' && m.args?.name === 'Extension Renderer').map((m) => m.pid));
  if (pids.size === 0) throw new Error('no extension renderer in the trace');
  const threadOf = (name: string): Set<string> =>
    new Set(meta.filter((m) => m.name === 'thread_name' && pids.has(m.pid) && m.args?.name === name).map((m) => `${m.pid}/${m.tid}`));
  const stats = (threads: Set<string>): ThreadTasks => {
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
  };
  return { panel: stats(threadOf('CrRendererMain')), worker: stats(threadOf('ServiceWorker thread')) };
}
