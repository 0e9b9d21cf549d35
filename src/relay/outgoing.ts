/**
 * The only place the relay encodes: every outgoing message goes through {@link tryEncode}, which
 * returns the encoder's error instead of throwing, and SNAPSHOT and RESULT are split into frames
 * that fit ({@link fitParams}, {@link fitSignals}).
 *
 * @packageDocumentation
 */
import { ClaspEncodeError, encode, type Message, type ParamValue, type SignalDefinition } from '../protocol/index.js';

/** CLASP's payload limit, named in the ERRORs the relay sends when something does not fit. */
export const PAYLOAD_LIMIT_TEXT = "CLASP's 65 535-byte payload limit";

/**
 * Encodes `message`, or returns why it cannot be encoded.
 * @throws only what is not a {@link ClaspEncodeError} (a bug, not an input).
 */
export function tryEncode(message: Message): Uint8Array | ClaspEncodeError {
  try {
    return encode(message);
  } catch (e) {
    if (e instanceof ClaspEncodeError) return e;
    throw e;
  }
}

/** Frames for a list of entries, and the entries that fit in no frame even alone. */
export interface Fitted<T> {
  readonly frames: Uint8Array[];
  readonly unfit: { readonly entry: T; readonly error: ClaspEncodeError }[];
}

/**
 * Encodes `entries` as few frames as it takes: the whole list, else halves, recursively (the
 * Rust router instead skips the frame). Depth is log2(entries), each level encodes every entry once.
 */
function fit<T>(entries: readonly T[], wrap: (part: T[]) => Message): Fitted<T> {
  const out: Fitted<T> = { frames: [], unfit: [] };
  const go = (part: T[]): void => {
    const frame = tryEncode(wrap(part));
    if (!(frame instanceof ClaspEncodeError)) out.frames.push(frame);
    else if (part.length <= 1) {
      if (part.length === 1) out.unfit.push({ entry: part[0] as T, error: frame });
    } else {
      const half = Math.ceil(part.length / 2);
      go(part.slice(0, half));
      go(part.slice(half));
    }
  };
  go([...entries]);
  return out;
}

/** SNAPSHOT frames for `params` (one empty SNAPSHOT for none). */
export function fitParams(params: readonly ParamValue<bigint>[]): Fitted<ParamValue<bigint>> {
  return fit(params, (part) => ({ type: 'SNAPSHOT', params: part }));
}

/** RESULT frames for `signals` (one empty RESULT for none). */
export function fitSignals(signals: readonly SignalDefinition[]): Fitted<SignalDefinition> {
  return fit(signals, (part) => ({ type: 'RESULT', signals: part }));
}

/** The start of a long text, for log lines and ERROR messages. */
export function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
