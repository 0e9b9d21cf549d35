/**
 * The inspected page of the replay-into-the-page end-to-end test. `window.R` drives one CLASP socket.
 * Like a page that watches its own traffic, it replaced `WebSocket.prototype.send` with a spy after
 * load: the spy sees every frame the page's code sends on that socket, and must never see one
 * DevTools replays. (The page server's own client socket is the page's first socket, `w1`.)
 */
let socket: WebSocket | undefined;
const spied: string[] = [];
/** What the page's message listener received: `text …` or `binary <hex>`, with origin and isTrusted. */
const messages: { data: string; origin: string; trusted: boolean }[] = [];

const hex = (buffer: ArrayBuffer): string => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

const pageSend = WebSocket.prototype.send;
WebSocket.prototype.send = function spy(this: WebSocket, data: Parameters<WebSocket['send']>[0]): void {
  if (this === socket) spied.push(typeof data === 'string' ? `text ${data}` : `binary ${(data as ArrayBufferView | ArrayBuffer).byteLength}`);
  pageSend.call(this, data);
};

const api = {
  /** Opens the page's socket (subprotocol `clasp`) and resolves once it is open. */
  open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      socket = new WebSocket(url, 'clasp');
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => resolve();
      socket.onmessage = (e: MessageEvent) =>
        void messages.push({ data: typeof e.data === 'string' ? `text ${e.data}` : e.data instanceof ArrayBuffer ? `binary ${hex(e.data)}` : `other ${String(e.data)}`, origin: e.origin, trusted: e.isTrusted });
      socket.onerror = () => reject(new Error('socket error'));
    });
  },
  /** Sends one binary frame (bytes as numbers) or a text frame from the page's own code. */
  send(frame: number[] | string): void {
    socket!.send(typeof frame === 'string' ? frame : new Uint8Array(frame));
  },
  /** Closes the page's socket. */
  close(): void {
    socket!.close(1000, 'page closed it');
  },
  /** What the page's message listener received, in order. */
  messages(): { data: string; origin: string; trusted: boolean }[] {
    return [...messages];
  },
  /** What the page's send spy saw, in order. */
  spied(): string[] {
    return [...spied];
  },
};

(globalThis as { R?: typeof api }).R = api;
