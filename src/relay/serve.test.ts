/**
 * What's tested (Node, real sockets on 127.0.0.1):
 * - `serveDir`: files with their content types (application/wasm included), index.html for
 *   directories, 404, 405 for other methods, and every path-traversal spelling refused;
 * - without `serveDir`, plain HTTP gets 426;
 * - TLS: `wss://` with a self-signed certificate (made with openssl) completes HELLO → WELCOME;
 * - the CLI: flag parsing and errors; `--ws-port 0` starts and prints the listening URL, and the
 *   process exits on SIGTERM.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectClient } from '../../test/support/relay-client.js';
import { parseCli } from './cli-args.js';
import { startRelay, type Relay } from './server.js';

let dir: string;
let outside: string;
let relay: Relay;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-serve-'));
  outside = mkdtempSync(join(tmpdir(), 'relay-outside-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(dir, 'app.wasm'), Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  writeFileSync(join(dir, 'app.js'), 'export {};');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'index.html'), 'sub');
  writeFileSync(join(outside, 'secret.txt'), 'SECRET');
  symlinkSync(outside, join(dir, 'escape'));
  relay = await startRelay({ port: 0, serveDir: dir });
});

afterAll(async () => {
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** A raw HTTP request (the path is sent as is, without client-side normalisation). */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves files with their content types, index.html for directories', async () => {
  expect(await get(relay.port, '/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>demo</title>' });
  expect(await get(relay.port, '/app.wasm')).toMatchObject({ status: 200, type: 'application/wasm' });
  expect(await get(relay.port, '/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
  expect(await get(relay.port, '/sub/')).toMatchObject({ status: 200, body: 'sub' });
  expect(await get(relay.port, '/missing.js')).toMatchObject({ status: 404 });
  expect(await get(relay.port, '/app.js', 'POST')).toMatchObject({ status: 405 });
  expect(await get(relay.port, '/app.js', 'HEAD')).toMatchObject({ status: 200, body: '' });
});

test('path traversal is impossible', async () => {
  const escapes = [
    '/../package.json',
    '/%2e%2e/package.json',
    '/..%2fpackage.json',
    '/%2e%2e%2f%2e%2e%2fetc/passwd',
    '/sub/../../package.json',
    '/..\\package.json',
    '/%00index.html',
    `/${resolve(outside, 'secret.txt')}`,
    '/escape/secret.txt',
    '//etc/passwd',
  ];
  for (const path of escapes) {
    const res = await get(relay.port, path);
    expect([403, 404], path).toContain(res.status);
    expect(res.body).not.toContain('SECRET');
    expect(res.body).not.toContain('root:');
    expect(res.body).not.toContain('"name"');
  }
});

test('the WebSocket still works next to the files, and plain HTTP without serveDir gets 426', async () => {
  const c = await connectClient(relay.url);
  const { welcome } = await c.hello();
  expect(welcome.type).toBe('WELCOME');
  await c.close();
  const bare = await startRelay({ port: 0 });
  try {
    expect(await get(bare.port, '/')).toMatchObject({ status: 426 });
  } finally {
    await bare.close();
  }
});

test('wss:// with a certificate completes the CLASP handshake', async () => {
  const tlsDir = mkdtempSync(join(tmpdir(), 'relay-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem')], { stdio: 'ignore' });
    const options = parseCli(['--ws-port', '0', '--cert-path', join(tlsDir, 'cert.pem'), '--key-path', join(tlsDir, 'key.pem'), '--quiet']);
    if (options === 'help') throw new Error('unreachable');
    const secure = await startRelay(options);
    try {
      expect(secure.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
      const c = await connectClient(secure.url, ['clasp'], { rejectUnauthorized: false });
      expect((await c.hello()).welcome.type).toBe('WELCOME');
      await c.close();
    } finally {
      await secure.close();
    }
  } finally {
    rmSync(tlsDir, { recursive: true, force: true });
  }
});

test('parseCli: defaults, flags and errors', () => {
  expect(parseCli([])).toMatchObject({ port: 7330, host: '127.0.0.1' });
  expect(parseCli(['--ws-port', '0', '--host', '0.0.0.0', '--serve', 'demo', '--name', 'x'])).toMatchObject({
    port: 0, host: '0.0.0.0', serveDir: 'demo', name: 'x',
  });
  expect(parseCli(['--help'])).toBe('help');
  expect(() => parseCli(['--ws-port', '70000'])).toThrow('--ws-port');
  expect(() => parseCli(['--cert-path', 'c.pem'])).toThrow('--cert-path and --key-path go together');
  expect(() => parseCli(['--bogus'])).toThrow();
});

test('the CLI starts on a free port, prints its URL and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/relay/cli.ts', '--ws-port', '0', '--quiet'], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /listening on (ws:\/\/\S+)/.exec(out);
        if (m?.[1] !== undefined) resolveUrl(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`cli exited early with ${code}: ${out}`)));
    });
    const c = await connectClient(url);
    expect((await c.hello()).welcome.type).toBe('WELCOME');
    await c.close();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
