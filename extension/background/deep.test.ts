import { expect, test } from 'vitest';
import type { PanelMessage } from '../shared/messages.js';
import { DeepController, type DebuggerApi } from './deep.js';

type Source = { tabId?: number; sessionId?: string };

class FakeDebugger implements DebuggerApi {
  calls: string[] = [];
  failAttach: string | null = null;
  #onEvent: ((source: Source, method: string, params?: object) => void)[] = [];
  #onDetach: ((source: Source, reason: string) => void)[] = [];
  async attach(target: { tabId: number }, version: string) {
    this.calls.push(`attach ${target.tabId} ${version}`);
    if (this.failAttach !== null) throw new Error(this.failAttach);
  }
  async detach(target: { tabId: number }) {
    this.calls.push(`detach ${target.tabId}`);
  }
  async sendCommand(target: { tabId: number; sessionId?: string }, method: string, params?: object) {
    this.calls.push(`${target.tabId}${target.sessionId ? `/${target.sessionId}` : ''} ${method}${params ? ` ${JSON.stringify(params)}` : ''}`);
    return {};
  }
  readonly onEvent = { addListener: (l: (source: Source, method: string, params?: object) => void) => void this.#onEvent.push(l) };
  readonly onDetach = { addListener: (l: (source: Source, reason: string) => void) => void this.#onDetach.push(l) };
  emit(source: Source, method: string, params: object) {
    for (const l of this.#onEvent) l(source, method, params);
  }
  detachByUser(tabId: number, reason: string) {
    for (const l of this.#onDetach) l({ tabId }, reason);
  }
}

function setup(api: FakeDebugger | null = new FakeDebugger()) {
  const sent: [number, PanelMessage][] = [];
  const deep = new DeepController(api, (tabId, message) => sent.push([tabId, message]));
  return { api, deep, sent, states: (tab: number) => sent.filter(([t, m]) => t === tab && m.type === 'deep-state').map(([, m]) => (m as { state: string }).state) };
}

const AUTO = '{"autoAttach":true,"waitForDebuggerOnStart":false,"flatten":true}';

test('start attaches and turns on flattened auto-attach (Network only for workers), and reports the state', async () => {
  const { api, deep, states } = setup();
  await deep.start(4);
  expect(api!.calls).toEqual(['attach 4 1.3', `4 Target.setAutoAttach ${AUTO}`]);
  expect(states(4)).toEqual(['attaching', 'on']);
  expect(deep.state(4)).toBe('on');
  await deep.start(4); // a second start of the same tab does not attach twice
  expect(api!.calls.filter((c) => c.startsWith('attach'))).toHaveLength(1);
});

test('a worker session gets Network.enable; its socket frames go only to that tab\'s panels', async () => {
  const { api, deep, sent } = setup();
  await deep.start(4);
  await deep.start(5);
  api!.emit({ tabId: 4 }, 'Target.attachedToTarget', { sessionId: 'S1', targetInfo: { type: 'worker', url: 'blob:w' } });
  expect(api!.calls).toContain('4/S1 Network.enable');
  api!.emit({ tabId: 4, sessionId: 'S1' }, 'Network.webSocketFrameSent', { requestId: 'r', response: { opcode: 1, payloadData: 'hi' } });
  const events = sent.filter(([, m]) => m.type === 'events');
  expect(events.map(([tab]) => tab)).toEqual([4]);
  const message = events[0]![1] as Extract<PanelMessage, { type: 'events' }>;
  expect(message.doc).toBe('deep:4:1');
  expect(message.events.map((e) => e.k)).toEqual(['conn', 'frame']);
});

test('events of a tab without a session, or without a tab id, are ignored', async () => {
  const { api, deep, sent } = setup();
  await deep.start(4);
  api!.emit({ tabId: 9 }, 'Network.webSocketFrameSent', { requestId: 'r', response: { opcode: 9, payloadData: '' } });
  api!.emit({}, 'Network.webSocketFrameSent', { requestId: 'r', response: { opcode: 9, payloadData: '' } });
  expect(sent.filter(([, m]) => m.type === 'events')).toEqual([]);
});

test('a detach by the user (infobar Cancel) is reported as cancelled with Chrome\'s reason', async () => {
  const { api, deep, states } = setup();
  await deep.start(4);
  api!.detachByUser(4, 'canceled_by_user');
  expect(states(4)).toEqual(['attaching', 'on', 'cancelled']);
  expect(deep.state(4)).toBe('off');
  api!.detachByUser(4, 'canceled_by_user'); // no session any more: nothing more reported
  expect(states(4)).toHaveLength(3);
});

test('stop detaches and reports off; stopping an idle tab does nothing', async () => {
  const { api, deep, states } = setup();
  await deep.stop(4);
  expect(api!.calls).toEqual([]);
  await deep.start(4);
  await deep.stop(4);
  expect(api!.calls.at(-1)).toBe('detach 4');
  expect(states(4)).toEqual(['attaching', 'on', 'off']);
});

test('a failed attach (another debugger, a chrome:// page) is reported as an error', async () => {
  const api = new FakeDebugger();
  api.failAttach = 'Cannot access a chrome:// URL';
  const { deep, sent } = setup(api);
  await deep.start(4);
  expect(sent.at(-1)).toEqual([4, { type: 'deep-state', state: 'error', detail: 'Cannot access a chrome:// URL' }]);
  expect(deep.state(4)).toBe('off');
});

test('without chrome.debugger (standard build) every tab is unavailable and start only reports it', async () => {
  const { deep, sent } = setup(null);
  await deep.start(4);
  expect(sent).toEqual([[4, { type: 'deep-state', state: 'unavailable', detail: '' }]]);
});
