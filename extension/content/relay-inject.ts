/**
 * The relay's part of replay into the page (shared/inject.ts): an `inject` from the service worker
 * becomes a `<secret>:inject` event for the hook (bytes decoded here, in the ISOLATED world), and the
 * hook's `<secret>:injected` answer goes back to the service worker. Environment-free (unit-tested);
 * relay.iife.ts wires it to the document and the port.
 */
import { injectDetail, parseInjectCommand, parseInjectResult, type InjectDetail } from '../shared/inject.js';
import type { RelayMessage } from '../shared/messages.js';

/** Passes injects to the hook and its answers back. */
export class RelayInjector {
  /**
   * @param doc this document's id (the answers name it).
   * @param toHook dispatches one inject to the hook.
   * @param toWorker posts one message to the service worker (a no-op while no port is open).
   */
  constructor(
    readonly doc: string,
    readonly toHook: (detail: InjectDetail) => void,
    readonly toWorker: (message: RelayMessage) => void,
  ) {}

  /** An `inject` command from the service worker; a malformed one is answered with an error when it has an id. */
  command(value: unknown): void {
    const command = parseInjectCommand(value);
    if (command === null) {
      const id = (value as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && id.length <= 80) this.toWorker({ type: 'injected', doc: this.doc, id, ok: false, error: 'malformed inject command', buffered: 0, sent: 0 });
      return;
    }
    this.toHook(injectDetail(command));
  }

  /** The `detail` of a `<secret>:injected` event from the hook. */
  result(detail: unknown): void {
    const result = parseInjectResult(detail);
    if (result !== null) this.toWorker({ type: 'injected', doc: this.doc, ...result });
  }
}
