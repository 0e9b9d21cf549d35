/**
 * What's tested: the content scripts' handshake (`agreeChannel`) on one EventTarget standing in for
 * the document: both orders agree on one secret, each side is told once, and nothing is left
 * listening afterwards; a secret preset anywhere else (the old `<html>` attribute) plays no part.
 * The real two-world case runs in the browser tests (every panel e2e, and the hostile-page tests).
 */
import { expect, test } from 'vitest';
import { agreeChannel, CHANNEL_PREFIX, HANDSHAKE_EVENT } from './messages.js';

function counted(target: EventTarget) {
  let listeners = 0;
  return {
    addEventListener: (type: string, l: (e: Event) => void) => ((listeners += 1), target.addEventListener(type, l)),
    removeEventListener: (type: string, l: (e: Event) => void) => ((listeners -= 1), target.removeEventListener(type, l)),
    dispatchEvent: (e: Event) => target.dispatchEvent(e),
    get listeners() {
      return listeners;
    },
  };
}

test('whichever script runs first, both end with the second one\'s secret, each told once, nothing left listening', () => {
  for (const order of [['hook', 'relay'], ['relay', 'hook']]) {
    const doc = counted(new EventTarget());
    const agreed: Record<string, string[]> = { hook: [], relay: [] };
    for (const side of order) agreeChannel(doc, (name) => agreed[side]!.push(name), undefined, undefined, () => `secret-of-${side}`);
    expect(agreed[order[0]!]).toEqual([`${CHANNEL_PREFIX}secret-of-${order[1]}`]);
    expect(agreed[order[1]!]).toEqual([`${CHANNEL_PREFIX}secret-of-${order[1]}`]);
    expect(doc.listeners).toBe(0);
    // A page that dispatches the handshake later changes nothing.
    doc.dispatchEvent(new CustomEvent(HANDSHAKE_EVENT, { detail: 'page-secret' }));
    expect(agreed['hook']).toHaveLength(1);
    expect(agreed['relay']).toHaveLength(1);
  }
});

test('a script alone waits (no channel) rather than make one up; a non-string proposal is ignored', () => {
  const doc = counted(new EventTarget());
  const agreed: string[] = [];
  agreeChannel(doc, (name) => agreed.push(name), undefined, undefined, () => 'alone');
  expect(agreed).toEqual([]);
  doc.dispatchEvent(new CustomEvent(HANDSHAKE_EVENT, { detail: { not: 'a string' } }));
  doc.dispatchEvent(new CustomEvent(HANDSHAKE_EVENT, { detail: '' }));
  expect(agreed).toEqual([]);
  expect(doc.listeners).toBe(1);
});
