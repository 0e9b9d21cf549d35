/**
 * Recording what a transport receives. Codes against the shared contract in
 * `src/transport/types.ts` only, so any `TransportReceiver` works (the browser transport, the WASM
 * bridge, a test double).
 */
import type { TransportEvent, TransportReceiver } from '../transport/types.js';
import { RecorderErrorEvent } from './errors.js';
import type { FrameRecorder } from './recorder.js';

/** Options of {@link recordTransport}. */
export interface RecordTransportOptions {
  /** Connection id stored with every frame. Default `'transport'`. */
  connection?: string;
  /** Socket URL, stored with the session for the HAR export. */
  url?: string;
  /** Called with every event after it was recorded, so the caller can still consume the stream. */
  onEvent?: (event: TransportEvent) => void;
}

/** A running {@link recordTransport}. */
export interface TransportRecording {
  /** Resolves when the receiver ended (`recv()` returned `null`) or {@link stop} was called. */
  readonly done: Promise<void>;
  /** Stops recording after the event being processed; the receiver is left as it is. */
  stop(): void;
}

const encoder = new TextEncoder();

/**
 * Records every `Data` (binary, direction `in`) and `Text` event of `transport` into `recorder`,
 * and the negotiated subprotocol of `Connected` events.
 *
 * Recording errors never reach the transport: a refused frame (`QueueFull`) or a stopped recorder
 * is reported as the recorder's `error` event (the refusal itself already is one; a
 * `NotRecording` refusal is reported once) and the loop goes on consuming events, so the
 * transport is never stalled by the recorder. Receiver errors end `done` with that error.
 *
 * Outgoing frames are not visible on a receiver: append them with `recorder.append(bytes,
 * { direction: 'out', connection })` where the application sends.
 */
export function recordTransport(
  transport: TransportReceiver,
  recorder: FrameRecorder,
  options: RecordTransportOptions = {},
): TransportRecording {
  const connection = options.connection ?? 'transport';
  let stopped = false;
  let stoppedReported = false;
  if (options.url !== undefined) recorder.describeConnection(connection, { url: options.url });
  const record = (event: TransportEvent): void => {
    try {
      if (event.type === 'Data') recorder.append(event.data, { direction: 'in', connection });
      else if (event.type === 'Text') recorder.append(encoder.encode(event.text), { direction: 'in', connection, text: true });
      else if (event.type === 'Connected') recorder.describeConnection(connection, { protocol: event.protocol });
    } catch (error) {
      // QueueFull was already an error event; a stopped recorder is reported once here.
      if (recorder.state !== 'recording' && !stoppedReported) {
        stoppedReported = true;
        recorder.dispatchEvent(new RecorderErrorEvent(error, false, 0));
      }
    }
  };
  const done = (async () => {
    while (!stopped) {
      const event = await transport.recv();
      if (event === null) return;
      record(event);
      options.onEvent?.(event);
    }
  })();
  return {
    done,
    stop() {
      stopped = true;
    },
  };
}
