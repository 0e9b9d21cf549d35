//! The Rust half of the TS↔Rust cross-check (`test/unit/rust-crosscheck.test.ts`): reads one
//! frame per line (hex) on stdin, decodes it with `clasp-wasm-core`, re-encodes it with the
//! frame's QoS and timestamp, and answers one line per frame:
//! `OK <hex of the re-encoding>\t<the decoded message as tagged JSON>` or `ERR <error>`.

#[path = "../tests/support/json.rs"]
#[allow(dead_code)]
mod json;
#[path = "../tests/support/shape.rs"]
mod shape;

use std::io::{BufRead, Write};

use clasp_wasm_core::codec::{decode_frame_message, encode_with_options};

fn main() {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let bytes = json::from_hex(&line);
        let answer = decode_frame_message(&bytes).and_then(|(message, flags, timestamp)| {
            let again = encode_with_options(&message, Some(flags.qos), timestamp)?;
            Ok(format!("OK {}\t{}", json::hex(&again), shape::message(&message).to_string()))
        });
        match answer {
            Ok(text) => writeln!(out, "{}", text),
            Err(e) => writeln!(out, "ERR {}", e),
        }
        .expect("stdout");
    }
}
