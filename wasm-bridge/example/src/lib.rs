//! Example CLASP client compiled to WebAssembly, on top of `clasp-wasm-bridge`.
//!
//! The host starts it with `key=value` arguments (`mode=demo url=ws://127.0.0.1:7330`), and it
//! reports what it sees as one JSON object per `report` call. Modes:
//! - `demo`: HELLO, SUBSCRIBE `/demo/**`, a fader SET at 60 Hz and a PUBLISH per second; reads
//!   WELCOME / SNAPSHOT / ACK / SET back and reports counts and the fader value it sees.
//! - `stream`: `n` SETs of `/bench/seq` = 0..n with at most `window` unanswered, checking that
//!   the answers (ACKs from a relay, or the SETs echoed) come back complete and in order.
//! - `bench`: `stream` plus `rtt` sequential PING → PONG round trips.
//! - `close`: closes with `code` and `reason`, reports what the receiver sees.
//! - `backpressure`: `try_send`s `size`-byte frames until `BufferFull`, then one awaited `send`.
//! - `panic`: connects, then panics with `msg`.
#![deny(missing_docs)]

mod codec;
mod demo;
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
