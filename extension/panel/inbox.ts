/**
 * The panel's inbox: messages from the service worker waiting to be processed, bounded in bytes.
 * When the panel falls behind beyond {@link PANEL_INBOX_BYTES}, the oldest event messages not yet
 * started are dropped and their events counted (shown in the status bar); other messages
 * (navigations, deep-mode state) are never dropped. Pure; unit-tested.
 *
 * @packageDocumentation
 */
import type { PanelMessage } from '../shared/messages.js';
import { base64ToBytes } from '../shared/validate.js';
import { PANEL_INBOX_BYTES } from './limits.js';

/** Bookkeeping charged per event object on top of its text or base64. */
const EVENT_OVERHEAD = 64;

/** What a message holds, in bytes: the characters of its frame blocks, texts and base64 payloads. */
export function messageBytes(message: PanelMessage): number {
  if (message.type !== 'events') return EVENT_OVERHEAD;
  let bytes = EVENT_OVERHEAD;
  for (const chunk of message.chunks ?? []) {
    bytes += typeof chunk.block === 'string' ? chunk.block.length : 0;
    for (const event of Array.isArray(chunk.events) ? chunk.events : []) bytes += eventBytes(event);
  }
  for (const event of Array.isArray(message.events) ? message.events : []) bytes += eventBytes(event);
  return bytes;
}

function eventBytes(event: unknown): number {
  const fields = event as { text?: unknown; bytes?: unknown } | null;
  const text = typeof fields?.text === 'string' ? fields.text.length : 0;
  const bytes = typeof fields?.bytes === 'string' ? fields.bytes.length : 0;
  return EVENT_OVERHEAD + text + bytes;
}

/**
 * Events (records) a message carries that would be shown: per relay batch its record count (read
 * from the block's header only) minus the records the relay already marked evicted, plus its single
 * events.
 */
export function messageEvents(message: PanelMessage): number {
  if (message.type !== 'events') return 0;
  let events = Array.isArray(message.events) ? message.events.length : 0;
  for (const chunk of message.chunks ?? []) {
    let count = 0;
    try {
      const head = base64ToBytes(String(chunk.block).slice(0, 8)); // 6 bytes: the u32 record count and more
      count = head.length >= 4 ? new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) : 0;
    } catch {
      count = 0; // unreadable block: it would have been one error row, not events
    }
    const skip = Number.isSafeInteger(chunk.skip) ? chunk.skip : 0;
    events += Math.max(0, count - skip);
  }
  return events;
}

/** A FIFO of messages bounded by {@link messageBytes}. */
export class Inbox {
  #items: (PanelMessage | null)[] = [];
  #sizes: number[] = [];
  #head = 0;
  /** Where the search for the oldest droppable message starts (everything before it is dropped or kept for good). */
  #dropFrom = 0;
  #bytes = 0;
  #live = 0;
  /** Events dropped because the inbox was over its cap (since the panel opened). */
  dropped = 0;

  /** @param maxBytes cap (default {@link PANEL_INBOX_BYTES}). */
  constructor(readonly maxBytes: number = PANEL_INBOX_BYTES) {}

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Messages held. */
  get length(): number {
    return this.#live;
  }

  /** Adds a message; drops the oldest event messages while over the cap (never the newest one). */
  push(message: PanelMessage): void {
    const size = messageBytes(message);
    this.#items.push(message);
    this.#sizes.push(size);
    this.#bytes += size;
    this.#live += 1;
    let i = Math.max(this.#head, this.#dropFrom);
    for (; this.#bytes > this.maxBytes && i < this.#items.length - 1; i++) {
      const item = this.#items[i];
      if (item === null || item === undefined || item.type !== 'events') continue;
      this.dropped += messageEvents(item);
      this.#bytes -= this.#sizes[i]!;
      this.#items[i] = null;
      this.#live -= 1;
    }
    this.#dropFrom = i; // the scan resumes here: each message is looked at once
  }

  /** Takes the oldest message, or undefined when empty. */
  shift(): PanelMessage | undefined {
    while (this.#head < this.#items.length) {
      const item = this.#items[this.#head];
      const size = this.#sizes[this.#head]!;
      this.#items[this.#head] = null;
      this.#head += 1;
      if (item === null || item === undefined) continue;
      this.#bytes -= size;
      this.#live -= 1;
      if (this.#head === this.#items.length) this.#reset();
      else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#sizes = this.#sizes.slice(this.#head);
        this.#dropFrom = Math.max(0, this.#dropFrom - this.#head);
        this.#head = 0;
      }
      return item;
    }
    this.#reset();
    return undefined;
  }

  #reset(): void {
    if (this.#head < this.#items.length) return;
    this.#items = [];
    this.#sizes = [];
    this.#head = 0;
    this.#dropFrom = 0;
    this.#bytes = 0;
    this.#live = 0;
  }
}
