/**
 * Replays a recording from the panel into a relay URL through `WasmWebSocketTransport`: the
 * recording's `out` frames, starting with a HELLO as a recorded client session does (the recorded
 * one when the selection starts with it, else one of the panel's own). The relay's answers are read
 * and counted, never left to back up. Text frames cannot go through the binary transport: they are
 * skipped and counted.
 */
import { encode } from '../../src/protocol/index.js';
import { replaySession, type FrameLog, type ReplayProgressEvent, type ReplayResult, type ReplayRun } from '../../src/recorder/index.js';
import { WasmWebSocketTransport } from '../../src/transport/index.js';

/** CLASP type code of HELLO. */
const HELLO = 0x01;

/** A replay started from the panel (into a relay URL here, into the page in page-replay.ts). */
export interface PanelReplay {
  readonly run: ReplayRun;
  /** What the target did and what was not sent, for the final report (`12 answers from the relay; 2 text frames not sent`). */
  readonly outcome: () => string;
  /** Settles with the run, once the target has taken every frame (a relay connection is then closed). */
  readonly done: Promise<ReplayResult>;
}

/** The part of a recording a panel replay sends (see `parseReplaySelection`): absolute times and an address glob. */
export interface ReplayPart {
  readonly from?: number;
  readonly to?: number;
  readonly address?: string;
}

/**
 * Connects to `url` and replays the `out` frames of session `sessionId` in `part` at `speed`.
 * @throws the transport's connect error (bad URL, refused connection), RecorderError `SessionNotFound`.
 */
export async function replayToRelay(log: FrameLog, sessionId: number, url: string, speed: number, signal: AbortSignal, part: ReplayPart = {}): Promise<PanelReplay> {
  let firstOut: { type: number } | undefined;
  for await (const batch of log.batches({ ...part, sessionId, direction: 'out' })) {
    firstOut = batch[0];
    break;
  }
  const conn = await WasmWebSocketTransport.connect({ url });
  const connected = await conn.receiver.recv();
  if (connected?.type !== 'Connected') {
    await conn.sender.close().catch(() => undefined);
    throw new Error(`could not connect to ${url}: ${connected === null ? 'closed' : JSON.stringify(connected)}`);
  }
  let answers = 0;
  void (async () => {
    for (;;) {
      const event = await conn.receiver.recv().catch(() => null);
      if (event === null) return;
      if (event.type === 'Data' || event.type === 'Text') answers += 1;
    }
  })();
  if (firstOut?.type !== HELLO) {
    await conn.sender.send(encode({ type: 'HELLO', version: 1, name: 'CLASP DevTools replay', features: ['param', 'event', 'stream'] }));
  }
  let skipped = 0;
  const run = replaySession(log, sessionId, {
    ...part,
    speed,
    signal,
    send: (bytes, frame) => {
      if (frame.text) skipped += 1;
      else return conn.sender.send(bytes);
    },
  });
  const done = run.done.finally(() => void conn.sender.close().catch(() => undefined));
  const outcome = (): string => `${answers} answers from the relay${skipped > 0 ? `; ${skipped} text frames not sent (the transport sends binary)` : ''}`;
  return { run, outcome, done };
}

/** `123 / 456 frames, 0:12.0 of 1:00` for a progress event. */
export function progressText(e: ReplayProgressEvent, total: number): string {
  return `${e.frames}${total > 0 ? ` / ${total}` : ''} frames, ${(e.position / 1000).toFixed(1)} s of ${(e.duration / 1000).toFixed(1)} s`;
}
