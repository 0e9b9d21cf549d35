import { describe, expect, test } from 'vitest';
import { TRANSPORT_DEFAULTS, normaliseUrl, reconnectDelay, resolveConfig, validateClose } from './config.js';
import { TransportError } from './errors.js';

const policy = { minReconnectionDelay: 5_000, maxReconnectionDelay: 30_000, reconnectionDelayGrowFactor: 1.5, jitter: 0 };

describe('reconnectDelay', () => {
  test('defaults follow the CLASP JS client: 5 s × 1.5, capped at 30 s', () => {
    const delays = Array.from({ length: 8 }, (_, i) => reconnectDelay(i + 1, policy));
    expect(delays).toEqual([5_000, 7_500, 11_250, 16_875, 25_313, 30_000, 30_000, 30_000]);
  });

  test('jitter only shortens, by at most its fraction, and is deterministic in `random`', () => {
    const jittered = { ...policy, jitter: 0.2 };
    expect(reconnectDelay(1, jittered, 0)).toBe(5_000);
    expect(reconnectDelay(1, jittered, 0.5)).toBe(4_500);
    expect(reconnectDelay(1, jittered, 0.999_999)).toBe(4_000);
    expect(reconnectDelay(9, jittered, 0.5)).toBe(27_000);
    expect(reconnectDelay(3, jittered, 0.25)).toBe(reconnectDelay(3, jittered, 0.25));
  });

  test('attempt 0 or below is treated as the first', () => {
    expect(reconnectDelay(0, policy)).toBe(5_000);
  });
});

describe('validateClose', () => {
  test('accepts 1000 and 3000–4999 with a reason of up to 123 UTF-8 bytes', () => {
    for (const code of [1000, 3000, 4999]) expect(() => validateClose(code, '')).not.toThrow();
    expect(() => validateClose(1000, 'x'.repeat(123))).not.toThrow();
    expect(() => validateClose(1000, `${'€'.repeat(41)}`)).not.toThrow(); // 123 bytes
  });

  test('rejects other codes with InvalidCloseCode carrying the code', () => {
    for (const code of [0, 999, 1001, 1005, 1006, 1015, 2999, 5000, 3000.5, Number.NaN]) {
      const error = (() => {
        try {
          validateClose(code, '');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: 'InvalidCloseCode', supplied: code });
    }
  });

  test('rejects a reason over 123 UTF-8 bytes, counted in bytes not characters', () => {
    expect(() => validateClose(1000, 'x'.repeat(124))).toThrow(expect.objectContaining({ code: 'InvalidCloseReason' }));
    expect(() => validateClose(1000, '€'.repeat(42))).toThrow(expect.objectContaining({ code: 'InvalidCloseReason' }));
  });
});

describe('normaliseUrl and resolveConfig', () => {
  test('maps http(s) to ws(s) and keeps ws(s)', () => {
    expect(normaliseUrl('http://127.0.0.1:7330/x')).toBe('ws://127.0.0.1:7330/x');
    expect(normaliseUrl('https://relay.example/')).toBe('wss://relay.example/');
    expect(normaliseUrl('ws://127.0.0.1:7330')).toBe('ws://127.0.0.1:7330/');
  });

  test('rejects other schemes, fragments and garbage with InvalidUrl', () => {
    for (const url of ['ftp://x/', 'ws://x/#a', 'not a url', 'http://[::1']) {
      expect(() => normaliseUrl(url)).toThrow(expect.objectContaining({ code: 'InvalidUrl', supplied: url }));
    }
  });

  test('applies the defaults', () => {
    const c = resolveConfig({ url: 'ws://127.0.0.1:7330' });
    expect(c).toMatchObject({
      subprotocol: 'clasp', connectionTimeout: 10_000, highWaterMark: TRANSPORT_DEFAULTS.highWaterMark,
      receiveQueueLimit: TRANSPORT_DEFAULTS.receiveQueueLimit, reconnect: undefined, keepalive: undefined, useWebSocketStream: false,
    });
    const r = resolveConfig({ url: 'ws://h/', reconnect: true, keepalive: { idleMs: 1_000 } });
    expect(r.reconnect).toMatchObject({ minReconnectionDelay: 5_000, maxReconnectionDelay: 30_000, maxRetries: 10, jitter: 0.2 });
    expect(r.reconnect?.shouldReconnect({ code: 1000, reason: '', wasClean: true })).toBe(false);
    expect(r.reconnect?.shouldReconnect({ code: 1006, reason: '', wasClean: false })).toBe(true);
    expect(r.keepalive).toEqual({ idleMs: 1_000, timeoutMs: 10_000 });
  });

  test('rejects non-positive limits and a jitter outside [0, 1]', () => {
    expect(() => resolveConfig({ url: 'ws://h/', highWaterMark: 0 })).toThrow(RangeError);
    expect(() => resolveConfig({ url: 'ws://h/', connectionTimeout: Number.NaN })).toThrow(RangeError);
    expect(() => resolveConfig({ url: 'ws://h/', reconnect: { jitter: 1.5 } })).toThrow(RangeError);
  });
});
