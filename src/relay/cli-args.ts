/**
 * Command-line parsing of `clasp-dev-relay` (kept apart from `cli.ts`, which runs on import).
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RelayOptions } from './server.js';

/** The `--help` text. */
export const USAGE = `Usage: clasp-dev-relay [options]

A CLASP relay for development (production uses clasp-relay).

  --ws-port <port>     WebSocket port (default 7330; 0 = any free port)
  --host <addr>        interface to listen on (default 127.0.0.1; 0.0.0.0 for the network)
  --cert-path <file>   PEM certificate: serve wss:// (needs --key-path)
  --key-path <file>    PEM private key for --cert-path
  --serve <dir>        also serve the files of <dir> over HTTP(S) on the same port
  --name <name>        name sent in WELCOME (default clasp-dev-relay)
  --quiet              log nothing but the listening line and fatal errors
  -h, --help           show this help
`;

/** Turns command-line arguments into relay options. @throws Error with a usage message. */
export function parseCli(argv: readonly string[]): RelayOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'ws-port': { type: 'string' },
      host: { type: 'string' },
      'cert-path': { type: 'string' },
      'key-path': { type: 'string' },
      serve: { type: 'string' },
      name: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  const port = Number(values['ws-port'] ?? '7330');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--ws-port must be 0–65535, got ${values['ws-port']}`);
  const certPath = values['cert-path'];
  const keyPath = values['key-path'];
  if ((certPath === undefined) !== (keyPath === undefined)) throw new Error('--cert-path and --key-path go together');
  const quiet = values.quiet === true;
  return {
    port,
    host: values.host ?? '127.0.0.1',
    ...(certPath !== undefined && keyPath !== undefined ? { tls: { cert: readFileSync(certPath), key: readFileSync(keyPath) } } : {}),
    ...(values.serve === undefined ? {} : { serveDir: values.serve }),
    ...(values.name === undefined ? {} : { name: values.name }),
    ...(quiet ? {} : { log: (line: string) => console.log(`[clasp-dev-relay] ${line}`) }),
  };
}
