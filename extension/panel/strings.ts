/**
 * Every user-visible string of the panel, in one table (devtools-frontend's `UIStrings` habit).
 * Functions build the strings that carry numbers.
 *
 * @packageDocumentation
 */
import { MAX_PANEL_FRAMES } from '../shared/limits.js';
import { MAX_CONNECTIONS, PANEL_INBOX_BYTES } from './limits.js';

export const UIStrings = {
  title: 'CLASP',
  pause: 'Pause',
  resume: 'Resume',
  clear: 'Clear',
  preserveLog: 'Preserve log',
  autoScroll: 'Auto-scroll',
  directionAll: 'All directions',
  directionIn: '↓ Received',
  directionOut: '↑ Sent',
  allConnections: 'All connections',
  allTypes: 'All types',
  addressPlaceholder: 'Address glob, e.g. /lights/**',
  textPlaceholder: 'Search text',
  regexPlaceholder: 'Regular expression (case-insensitive)',
  regex: 'Regex',
  invalidRegex: 'Invalid regular expression: ',
  colTime: 'Time',
  colDelta: 'Δ',
  colDir: 'Dir',
  colConn: 'Conn',
  colType: 'Type',
  colAddress: 'Address / pattern',
  colQos: 'QoS',
  colSize: 'Size',
  colSummary: 'Summary',
  noSelection: 'Select a frame to see its fields and bytes.',
  noFrames: 'No frames yet. Frames of this page since it loaded appear here — reload the page if it loaded before the extension was installed.',
  copyHex: 'Copy as hex',
  copyBase64: 'Copy as base64',
  copied: 'Copied',
  decodeError: 'Decode error: ',
  textFrame: 'Text message (not CLASP)',
  rawFrame: 'Binary message on a connection that is not CLASP',
  truncated: 'Payload truncated by the capture cap; the decode shows the kept bytes only.',
  fullCapture: 'Full capture',
  fullCaptureHelp: 'Keep whole frames up to 1 MiB (default: the first 64 KiB of a bigger frame, which costs the page less). Applies to frames from now on.',
  pageDispatchedNote: 'The page dispatched this message event itself (ws.dispatchEvent): it did not come from the network.',
  replayedNote: 'DevTools sent this frame on the page\'s socket (a replay of a recording into the page). It went over the network; the page\'s own code did not send it.',
  navigationNote: 'The page navigated here. Frames above belong to the previous page (kept because "Preserve log" is on).',
  noAccessTitle: 'Nothing is captured on this page: ',
  noAccessSite:
    'CLASP DevTools has no access to this site. Chrome\'s site access for the extension is "On click" or "On specific sites". Allow it here (or in the Extensions menu → CLASP DevTools → "On all sites"), then reload the page: capture starts when the page loads.',
  noAccessNotHttp: 'CLASP DevTools captures http:// and https:// pages only (its content scripts do not run on this page).',
  noAccessReload: 'The page has no CLASP DevTools content script, most likely because it loaded before the extension was installed, updated or allowed. Reload the page to capture.',
  allowAndReload: 'Allow on this site and reload',
  reloadToCapture: 'Reload to capture',
  tabFrames: 'Frames',
  tabState: 'State',
  tabConnections: 'Connections',
  stateEmpty: 'No params yet: the state is rebuilt from SET and SNAPSHOT frames.',
  stateAddress: 'Address',
  stateValue: 'Value',
  stateRevision: 'Revision',
  stateWriter: 'Writer',
  stateUpdated: 'Updated',
  fieldSelected: 'Field bytes',
  graphTitle: 'Frames/s and bytes/s per connection (last 60 s)',
  record: 'Record',
  stopRecording: 'Stop recording',
  exportNdjson: 'Export NDJSON',
  exportHar: 'Export HAR',
  importLog: 'Import…',
  imported: 'Imported log',
  pageWorld: 'this page',
  deepStart: 'Deep mode',
  deepHelp: 'Worker sockets?',
  deepStop: 'Stop deep mode',
  deepExplain:
    'Deep mode attaches chrome.debugger to this tab, only when you click. It adds sockets opened in workers (from the moment you click; earlier frames of those sockets are not available) and WebSocket control frames when Chrome reports them (Chrome 156 reports none: ping, pong and close frames stay invisible; a worker socket\'s close shows without its code). Cost: Chrome shows "started debugging this browser" while it is on. Click again, close DevTools or close the tab to detach. Frames of page sockets keep coming from the page hook, so nothing is listed twice.',
  deepUnavailableExplain:
    'Worker sockets are not captured by this build. The deep build (npm run build:ext -- --deep, folder dist-ext-deep/) adds a "Deep mode" button through chrome.debugger; it needs the "debugger" permission, which Chrome cannot grant as optional, so the standard build leaves it out.',
  deepOff: '',
  deepAttaching: 'Attaching the debugger…',
  deepOn: 'Deep mode on: worker sockets are captured.',
  deepCancelled: 'Deep mode ended: the debugger was detached',
  deepError: 'Deep mode failed: ',
} as const;

/** Name of a connection found by deep mode (`#4 (deep)`), so its frames are marked in the list. */
export function deepConnectionName(label: string): string {
  return `${label} (deep)`;
}

/** Counters behind the status bar, each with one reason (see {@link statusText}). */
export interface StatusCounts {
  readonly total: number;
  readonly shown: number;
  /** Oldest frames dropped by the panel's own frame cap. */
  readonly dropped: number;
  /** Events the relays refused (forged, malformed, out of range; malformed hook `emit()` calls). */
  readonly rejected: number;
  /** Events the page buffer evicted before any panel received them (DevTools not open yet). */
  readonly evicted: number;
  /** Events the page buffer evicted while this panel was behind (not yet acknowledged). */
  readonly behind: number;
  /** Events dropped from the panel's own inbox because it exceeded its byte cap. */
  readonly inboxDropped: number;
  readonly truncated: number;
  /** Frames waiting while paused. */
  readonly paused: number;
  /** Events the page dispatched on its sockets itself (not traffic). */
  readonly pageDispatched: number;
  /** Connections forgotten because of the connection cap. */
  readonly droppedConnections: number;
  /** Messages from the service worker the panel could not read. */
  readonly unreadable: number;
}

const n = (value: number): string => (Number.isFinite(value) ? value.toLocaleString('en-US') : String(value));

/**
 * `12 345 frames · 678 shown` and every counter that is not zero, each saying why. Never blames a
 * loss on the wrong cause: the page buffer's evictions before the panel opened, the panel falling
 * behind (page side and panel inbox) and the panel's own cap are separate counts.
 */
export function statusText(s: StatusCounts): string {
  const parts = [`${n(s.total)} frames`, `${n(s.shown)} shown`];
  if (s.paused > 0) parts.push(`${n(s.paused)} waiting (paused)`);
  if (s.dropped > 0) parts.push(`${n(s.dropped)} oldest dropped by the panel cap (${n(MAX_PANEL_FRAMES)} frames)`);
  if (s.evicted > 0) parts.push(`${n(s.evicted)} evicted from the page buffer before the panel opened`);
  if (s.behind > 0) parts.push(`${n(s.behind)} lost: the panel fell behind and the page buffer was full`);
  if (s.inboxDropped > 0) parts.push(`${n(s.inboxDropped)} lost: the panel fell behind and its inbox was full (${formatMiB(PANEL_INBOX_BYTES)})`);
  if (s.truncated > 0) parts.push(`${n(s.truncated)} truncated`);
  if (s.rejected > 0) parts.push(`${n(s.rejected)} forged/malformed events rejected`);
  if (s.pageDispatched > 0) parts.push(`${n(s.pageDispatched)} events dispatched by the page itself (not traffic)`);
  if (s.droppedConnections > 0) parts.push(`${n(s.droppedConnections)} older connections dropped from the menu (cap ${n(MAX_CONNECTIONS)})`);
  if (s.unreadable > 0) parts.push(`${n(s.unreadable)} unreadable messages skipped`);
  return parts.join(' · ');
}

function formatMiB(bytes: number): string {
  return `${bytes / (1 << 20)} MiB`;
}

/** The mark in front of a truncated frame's summary. */
export function truncatedMark(size: number): string {
  return `[truncated, ${n(size)} B total]`;
}

/** The detail note of a truncated frame. */
export function truncatedNote(kept: number, size: number): string {
  return `Truncated: showing the first ${n(kept)} of ${n(size)} bytes. Turn on "${UIStrings.fullCapture}" to keep whole frames (up to 1 MiB) from now on; the decode shows the kept bytes only.`;
}

/** The summary of a navigation marker row. */
export function navigationLine(url: string): string {
  return `── navigated to ${url} ──`;
}

/** Mark in front of the summary of a frame the page dispatched itself. */
export const PAGE_DISPATCHED_MARK = '[page-dispatched, not traffic]';

/** Prefix of the summary of a frame DevTools sent on the page's socket (replay into the page). */
export const REPLAYED_MARK = '[replayed by DevTools]';

/** Header of the detail pane. */
export function detailTitle(type: string, size: number, conn: string): string {
  return `${type} · ${size.toLocaleString('en-US')} B · ${conn}`;
}

/** Label of a byte selection. */
export function byteRangeText(start: number, end: number): string {
  return `bytes ${start}–${end - 1} (${end - start} B)`;
}
