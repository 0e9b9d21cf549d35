/**
 * Every user-visible string of the panel, in one table (devtools-frontend's `UIStrings` habit).
 * Functions build the strings that carry numbers.
 *
 * @packageDocumentation
 */
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

/** `12 345 frames (678 shown)` and the capture counters. */
export function statusText(s: { total: number; shown: number; dropped: number; rejected: number; evicted: number; truncated: number; paused: number }): string {
  const parts = [`${s.total.toLocaleString('en-US')} frames`, `${s.shown.toLocaleString('en-US')} shown`];
  if (s.paused > 0) parts.push(`${s.paused.toLocaleString('en-US')} waiting (paused)`);
  if (s.dropped > 0) parts.push(`${s.dropped.toLocaleString('en-US')} oldest dropped by the panel cap`);
  if (s.evicted > 0) parts.push(`${s.evicted.toLocaleString('en-US')} evicted from the page buffer before the panel opened`);
  if (s.truncated > 0) parts.push(`${s.truncated.toLocaleString('en-US')} truncated`);
  if (s.rejected > 0) parts.push(`${s.rejected.toLocaleString('en-US')} forged/malformed events rejected`);
  return parts.join(' · ');
}

/** Header of the detail pane. */
export function detailTitle(type: string, size: number, conn: string): string {
  return `${type} · ${size.toLocaleString('en-US')} B · ${conn}`;
}

/** Label of a byte selection. */
export function byteRangeText(start: number, end: number): string {
  return `bytes ${start}–${end - 1} (${end - start} B)`;
}
