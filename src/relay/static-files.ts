/**
 * Static file serving for `--serve <dir>`: GET/HEAD only, files under the directory only (the
 * resolved real path must stay inside it, so `..`, encoded `%2e%2e`, absolute paths and symlinks out
 * of it are refused), `index.html` for directories, content types including `application/wasm`.
 *
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

/** Content types by extension (lower case, with the dot). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** The file `urlPath` names under `root`, or `undefined` when it would leave `root`. */
async function resolveInside(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const candidate = resolve(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return candidate; // does not exist: answered with 404 by the caller
  }
  return real === root || real.startsWith(root + sep) ? real : undefined;
}

/**
 * A request handler serving `dir`.
 * @throws when `dir` does not exist (checked on the first request, reported as 500).
 */
export function createStaticHandler(dir: string): (req: IncomingMessage, res: ServerResponse) => void {
  const rootPromise = realpath(resolve(dir));
  return (req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        send(res, 405, 'method not allowed');
        return;
      }
      const root = await rootPromise;
      const pathname = new URL(req.url ?? '/', 'http://relay.invalid').pathname;
      let file = await resolveInside(root, pathname);
      if (file === undefined) {
        send(res, 403, 'forbidden');
        return;
      }
      let info = await stat(file).catch(() => undefined);
      if (info?.isDirectory() === true) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => undefined);
      }
      if (info === undefined || !info.isFile()) {
        send(res, 404, 'not found');
        return;
      }
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).on('error', () => res.destroy()).pipe(res);
    })().catch((e: unknown) => send(res, 500, `cannot serve: ${(e as Error).message}`));
  };
}
