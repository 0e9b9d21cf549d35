//! Example CLASP app compiled to WebAssembly, on `clasp-wasm-client` (and, for the bridge's own
//! tests, directly on `clasp-wasm-bridge`).
//!
//! The host starts it with `key=value` arguments (`mode=demo url=ws://127.0.0.1:7330`), and it
//! reports what it sees as one JSON object per `report` call. Modes:
//! - `demo`: a client that subscribes to `/demo/**`, moves a fader at 60 Hz (SET), streams its
//!   level and emits a beat per second, and reports counts and the fader value it sees.
//! - `interop`: exchanges values of every kind with another client (the browser test's
//!   `@clasp-to/core`): reports what it receives and what `get` returns.
//! - `bench`: `n` SETs through the client with at most `window` not yet seen back, then `rtt`
//!   PING → PONG round trips on a raw connection.
//! - `stream`: `n` SETs of `/bench/seq` = 0..n on the raw transport with at most `window`
//!   unanswered, checking that the answers (ACKs from a relay, or the SETs echoed) come back
//!   complete and in order.
//! - `close`: closes with `code` and `reason`, reports what the receiver sees.
//! - `backpressure`: `try_send`s `size`-byte frames until `BufferFull`, then one awaited `send`.
//! - `panic`: connects, then panics with `msg`.
#![deny(missing_docs)]

mod bench;
mod demo;
mod interop;
mod json;
mod scenarios;

/// Parsed `key=value` start arguments.
#[derive(Debug, Default)]
pub struct Args {
    pairs: Vec<(String, String)>,
}

impl Args {
    /// Parses whitespace-separated `key=value` tokens (a token without `=` is a key with value `""`).
    pub fn parse(s: &str) -> Args {
        let pairs = s
            .split_whitespace()
            .map(|t| match t.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (t.to_string(), String::new()),
            })
            .collect();
        Args { pairs }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The value of `key` as a number, or `default`.
    pub fn num(&self, key: &str, default: u64) -> u64 {
        self.get(key).and_then(|v| v.parse().ok()).unwrap_or(default)
    }
}

async fn start(args: String) {
    scenarios::run(Args::parse(&args)).await;
}

clasp_wasm_bridge::main!(start);
