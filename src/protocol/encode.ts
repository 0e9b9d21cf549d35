/**
 * Encoding façades over one shared {@link Encoder}, named and shaped as in `@clasp-to/core`. This
 * module imports no decoding code, so an encode-only bundle carries none.
 *
 * @packageDocumentation
 */
import type { QoS } from './codes.js';
import { Encoder } from './Encoder.js';
import type { FrameOptions, Message } from './types.js';

// Pure: a bundle that keeps no encode façade (or ignores "sideEffects") drops the instance and the engine.
const sharedEncoder = /* @__PURE__ */ new Encoder();

/**
 * Encodes a message into a complete frame (version 1, no timestamp).
 * @param qos frame QoS; default Rust `default_qos` of the message ({@link defaultQoS}).
 * @returns a new `Uint8Array` of exact length.
 * @throws ClaspEncodeError when a field cannot be written exactly (too long, out of range, wrong type).
 * @example encode({ type: 'SET', address: '/a', value: 0.5, revision: 1n })
 */
export function encode(message: Message, qos?: QoS): Uint8Array {
  return sharedEncoder.encodeFrame(message, qos === undefined ? undefined : { qos });
}

/**
 * Encodes a message into a complete frame with options.
 * @param options.qos default Rust `default_qos`; `options.timestamp` (µs, bigint or safe integer) sets the frame timestamp.
 * @throws ClaspEncodeError
 */
export function encodeMessage(message: Message, options?: FrameOptions): Uint8Array {
  return sharedEncoder.encodeFrame(message, options);
}

/**
 * Like {@link encodeMessage} but returns a view into a shared buffer, valid only until the next
 * `encode*` call of this module. Saves one copy per frame for `WebSocket.send`; never keep it.
 * @throws ClaspEncodeError
 */
export function encodeMessageSharedRef(message: Message, options?: FrameOptions): Uint8Array {
  return sharedEncoder.encodeFrameSharedRef(message, options);
}

/**
 * Encodes only the message payload (no frame header), like `@clasp-to/core`'s `encodeMessageBinary`.
 * @throws ClaspEncodeError
 */
export function encodeMessageBinary(message: Message): Uint8Array {
  return sharedEncoder.encodePayload(message);
}
