/**
 * Every Chromium this process starts (tests, benchmarks) is registered here by its profile
 * directory, so that it dies with the process: on SIGINT, SIGTERM or SIGHUP (e.g. `timeout` or
 * Ctrl-C on `npm run bench:…`), and on any exit that skipped the normal close, all processes of
 * those browsers are killed synchronously and their profile directories removed; a signal then
 * exits with 128 + its number, as the default handler would.
 *
 * Why by profile: Chromium's browser process leads its own process group (both playwright and
 * puppeteer start it detached), but a launcher does not always expose its pid (playwright's
 * persistent context does not). Every process of one browser carries `--user-data-dir=<profile>`
 * or belongs to the group of the one that does, so a scan of /proc finds them all.
 *
 * @packageDocumentation
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';

const live = new Set<string>();
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
let installed = false;

/** Kills every process whose command line names one of the registered profiles, and its group. */
function killAll(): void {
  if (live.size === 0) return;
  const needles = [...live].map((profile) => `--user-data-dir=${profile}`);
  const groups = new Set<number>();
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (!needles.some((n) => cmdline.includes(n))) continue;
    pids.push(pid);
    if (!cmdline.includes('--type=')) groups.add(pid); // the browser process: its group holds the rest
  }
  for (const group of groups) tryKill(-group);
  for (const pid of pids) tryKill(pid);
  for (const profile of live) rmSync(profile, { recursive: true, force: true });
  live.clear();
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, number] of Object.entries(SIGNALS)) {
    process.on(signal, () => {
      killAll();
      process.exit(128 + number);
    });
  }
  process.on('exit', killAll);
}

/**
 * Registers a browser by its (fresh) profile directory until {@link releaseBrowser}.
 * @param profile the `--user-data-dir` the browser was started with.
 */
export function registerBrowser(profile: string): void {
  install();
  live.add(profile);
}

/** The browser closed normally: nothing left to kill for this profile. */
export function releaseBrowser(profile: string): void {
  live.delete(profile);
}

/** Kills the processes of one registered browser now and removes its profile (a launch that failed half-way). */
export function killRegisteredProfile(profile: string): void {
  if (!live.has(profile)) return;
  const others = [...live].filter((p) => p !== profile);
  live.clear();
  live.add(profile);
  killAll();
  for (const p of others) live.add(p);
}

/** Kills every registered browser now (what a signal does, without exiting). */
export function killRegisteredBrowsers(): void {
  killAll();
}
