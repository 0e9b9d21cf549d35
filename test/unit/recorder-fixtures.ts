/**
 * Shared fixtures for the recorder unit tests (idb's `test/utils.ts` habit): a fresh database name per
 * test, frames made with the official SDK (`@clasp-to/core`) so summaries are checked against real
 * CLASP bytes, and a deterministic mixed frame set for query tests.
 */
import { encode, type Message } from '@clasp-to/core';
import { deleteDB } from 'idb';
import { afterEach, beforeEach } from 'vitest';
import { FrameLog } from '../../src/recorder/frame-log.js';
import type { RecordedFrame } from '../../src/recorder/query.js';

let counter = 0;

/** A database name no other test uses. */
export function freshDbName(): string {
  counter += 1;
  return `recorder-test-${process.pid}-${counter}`;
}

/** Deletes a test database (call in `afterEach`). */
export function deleteDatabase(name: string): Promise<void> {
  return deleteDB(name);
}

/** A {@link FrameLog} on a fresh database for each test, closed and deleted after it. */
export interface FrameLogFixture {
  /** The open log of the running test. */
  readonly log: FrameLog;
  /** Database name of the running test. */
  readonly name: string;
  /** Every frame of a session, in order. */
  all(sessionId: number): Promise<RecordedFrame[]>;
}

/** Registers `beforeEach`/`afterEach` hooks that give each test its own {@link FrameLog}. */
export function useFrameLog(): FrameLogFixture {
  let name = '';
  let log: FrameLog | undefined;
  beforeEach(async () => {
    name = freshDbName();
    log = await FrameLog.open({ name });
  });
  afterEach(async () => {
    log?.close();
    log = undefined;
    await deleteDatabase(name);
  });
  const fixture: FrameLogFixture = {
    get log(): FrameLog {
      if (log === undefined) throw new Error('useFrameLog: no test is running');
      return log;
    },
    get name() {
      return name;
    },
    async all(sessionId) {
      const out: RecordedFrame[] = [];
      for await (const f of fixture.log.frames({ sessionId })) out.push(f);
      return out;
    },
  };
  return fixture;
}

/** SET frame via the official encoder. */
export function setFrame(address: string, value: number): Uint8Array {
  return encode({ type: 'SET', address, value } as Message);
}

/** PUBLISH (event) frame via the official encoder. */
export function publishFrame(address: string, payload: string): Uint8Array {
  return encode({ type: 'PUBLISH', address, signal: 'event', payload } as Message);
}

/** PING frame via the official encoder. */
export function pingFrame(): Uint8Array {
  return encode({ type: 'PING' } as Message);
}

/** One frame of a mixed test set, with what a query sees. */
export interface TestFrame {
  bytes: Uint8Array;
  direction: 'in' | 'out';
  connection: string;
  time: number;
  type: number;
  address: string | null;
}

/** Deterministic pseudo-random mix of SET / PUBLISH / PING / garbage frames over 3 connections. */
export function mixedFrames(n: number, t0 = 1_700_000_000_000): TestFrame[] {
  let x = 12345;
  const rand = (m: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x >>> 16) % m;
  };
  const out: TestFrame[] = [];
  for (let i = 0; i < n; i++) {
    const kind = rand(10);
    const address = `/mixer/${rand(4)}/${['gain', 'pan', 'mute'][rand(3)]}`;
    let frame: Pick<TestFrame, 'bytes' | 'type' | 'address'>;
    if (kind < 5) frame = { bytes: setFrame(address, i / 7), type: 0x21, address };
    else if (kind < 8) {
      const cue = `/cue/${rand(5)}`;
      frame = { bytes: publishFrame(cue, 'go'), type: 0x20, address: cue };
    }
    else if (kind < 9) frame = { bytes: pingFrame(), type: 0x41, address: null };
    else frame = { bytes: Uint8Array.of(0xde, 0xad, rand(256)), type: -1, address: null };
    out.push({
      ...frame,
      direction: rand(2) === 0 ? 'in' : 'out',
      connection: `c${rand(3)}`,
      time: t0 + i * 3 + rand(3),
    });
  }
  return out;
}
