/**
 * The inspected page of the deep-mode end-to-end test. `window.D` exposes the steps: a page socket
 * (seen by the hook), and a dedicated Worker with its own sockets (invisible to the hook).
 */
let worker: Worker | undefined;

/** Asks the worker to do one step and resolves with its answer. */
function ask(message: object): Promise<unknown> {
  return new Promise((resolve) => {
    worker!.addEventListener('message', (e: MessageEvent) => resolve(e.data), { once: true });
    worker!.postMessage(message);
  });
}

const api = {
  /** A main-thread socket that sends one text frame and waits for its echo. */
  pageSocket(url: string): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => ws.send('page socket text');
      ws.onmessage = () => resolve();
    });
  },
  /** Starts the worker and lets it open a socket and exchange a first message. */
  async startWorker(url: string): Promise<unknown> {
    worker = new Worker(new URL('./deep-worker.ts', import.meta.url), { type: 'module' });
    return ask({ step: 'open', url, text: 'worker text before deep mode' });
  },
  /** Sends a text on the worker's first socket. */
  workerText(text: string): Promise<unknown> {
    return ask({ step: 'text', text });
  },
  /** Opens a second worker socket, sends a CLASP SET, and lets the server close it. */
  workerClasp(url: string, address: string): Promise<unknown> {
    return ask({ step: 'clasp', url, address });
  },
};

(globalThis as { D?: typeof api }).D = api;
