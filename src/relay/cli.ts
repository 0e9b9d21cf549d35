#!/usr/bin/env node
/**
 * `clasp-dev-relay`: the development relay from the command line, with `clasp-relay`'s flags where
 * they apply.
 *
 *   clasp-dev-relay [--ws-port 7330] [--host 127.0.0.1] [--cert-path cert.pem --key-path key.pem]
 *                   [--serve dir] [--name clasp-dev-relay] [--quiet]
 *
 * Prints `CLASP dev relay listening on ws://host:port/` once ready; stops on SIGINT/SIGTERM.
 *
 * @packageDocumentation
 */
import { parseCli, USAGE } from './cli-args.js';
import { startRelay, type RelayOptions } from './server.js';

async function main(): Promise<void> {
  let options: RelayOptions | 'help';
  try {
    options = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error(`clasp-dev-relay: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const relay = await startRelay(options);
  const served = options.serveDir === undefined ? '' : ` (serving ${options.serveDir} at ${relay.url.replace(/^ws/, 'http')})`;
  console.log(`CLASP dev relay listening on ${relay.url}${served}`);
  const stop = (): void => {
    void relay.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  const error = e as NodeJS.ErrnoException;
  const hint = error.code === 'EADDRINUSE' ? ' (is another relay running? pick another --ws-port)' : '';
  console.error(`clasp-dev-relay: ${error.message}${hint}`);
  process.exit(1);
});
