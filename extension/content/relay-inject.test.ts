import { expect, test } from 'vitest';
import type { InjectDetail } from '../shared/inject.js';
import type { RelayMessage } from '../shared/messages.js';
import { bytesToBase64 } from '../shared/validate.js';
import { RelayInjector } from './relay-inject.js';

function setup() {
  const toHook: InjectDetail[] = [];
  const toWorker: RelayMessage[] = [];
  return { injector: new RelayInjector('doc-1', (d) => toHook.push(d), (m) => toWorker.push(m)), toHook, toWorker };
}

test('a command reaches the hook with its bytes decoded; the answer goes back named by this document', () => {
  const { injector, toHook, toWorker } = setup();
  injector.command({ type: 'inject', id: 'p-1', cid: 'w3', bytes: bytesToBase64(new Uint8Array([0x53, 1])) });
  expect(toHook).toHaveLength(1);
  expect(toHook[0]!.cid).toBe('w3');
  expect([...new Uint8Array(toHook[0]!.frames[0] as ArrayBuffer)]).toEqual([0x53, 1]);
  injector.result({ id: 'p-1', ok: true, error: '', buffered: 4, sent: 1 });
  injector.result({ id: 'p-1', ok: true, error: '', buffered: -4, sent: 1 }); // malformed: not forwarded
  expect(toWorker).toEqual([{ type: 'injected', doc: 'doc-1', id: 'p-1', ok: true, error: '', buffered: 4, sent: 1 }]);
});

test('a malformed command is answered with an error when it has an id, and never reaches the hook', () => {
  const { injector, toHook, toWorker } = setup();
  injector.command({ type: 'inject', id: 'p-2', cid: 'w3', bytes: '@@@@' });
  injector.command({ type: 'inject', cid: 'w3', text: 'no id' });
  injector.command(null);
  expect(toHook).toEqual([]);
  expect(toWorker).toEqual([{ type: 'injected', doc: 'doc-1', id: 'p-2', ok: false, error: 'malformed inject command', buffered: 0, sent: 0 }]);
});
