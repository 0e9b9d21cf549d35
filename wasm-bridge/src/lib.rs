//! # clasp-wasm-bridge
//!
//! CLASP's `TransportSender` / `TransportReceiver` API for Rust clients compiled to
//! `wasm32-unknown-unknown`, carried by the TypeScript `WasmWebSocketTransport` of this
//! project (`src/transport`) through a small raw ABI (`src/wasm` is the JavaScript half).
//! Every browser concern (timeouts, backpressure, close codes, the DevTools hook) lives in the
//! TypeScript transport; this crate gives it the shape of `clasp_transport::wasm_websocket`.
//!
//! ```no_run
//! use clasp_wasm_bridge::{TransportReceiver, TransportSender, TransportEvent};
//! use clasp_wasm_bridge::{WasmWebSocketConfig, WasmWebSocketTransport};
//!
//! async fn run(url: String) {
//!     let (sender, mut receiver) = match WasmWebSocketTransport::connect(WasmWebSocketConfig::new(url)).await {
//!         Ok(halves) => halves,
//!         Err(e) => return clasp_wasm_bridge::console::report(&e.to_string()),
//!     };
//!     let _ = sender.send(vec![0x53, 0x01, 0x00, 0x01, 0x41]).await; // PING
//!     while let Some(event) = receiver.recv().await {
//!         if let TransportEvent::Data(frame) = event { /* decode */ let _ = frame; }
//!     }
//! }
//! clasp_wasm_bridge::main!(run);
//! ```
//!
//! Async without `wasm-bindgen-futures`: [`spawn_local`] runs futures on a single-threaded
//! executor that JavaScript drives. Futures are woken by host events; JS calls `clasp_poll`
//! when woken. See README for the ABI and for what a panic leaves behind.
#![deny(missing_docs, missing_debug_implementations, unsafe_code)]

pub mod abi;
mod connection;
pub mod console;
mod error;
mod event;
mod executor;
#[allow(unsafe_code)]
pub mod ffi;
pub mod host;
mod time;
mod traits;
mod websocket;

pub use connection::{deliver, live_connections, RECV_HIGH_WATER};
pub use error::{Result, TransportError};
pub use event::TransportEvent;
pub use executor::{live_tasks, poll, spawn_local, yield_now, YieldNow, POLL_BUDGET};
pub use time::{now_ms, sleep, timeout, timer_fired, Elapsed, Sleep, Timeout};
pub use traits::{LocalBoxFuture, Transport, TransportReceiver, TransportSender};
pub use websocket::{
    CloseFuture, ConnectFuture, KeepalivePolicy, ReconnectPolicy, WasmWebSocketConfig, WasmWebSocketReceiver, WasmWebSocketSender,
    WasmWebSocketTransport, MAX_CLOSE_REASON_BYTES, WS_SUBPROTOCOL,
};

/// Declares the application's entry point: generates the `clasp_main(ptr, len)` export that
/// the host calls with the start arguments (UTF-8), and spawns `entry(args)` on the executor.
///
/// `entry` is a function `fn(String) -> impl Future<Output = ()> + 'static`, e.g. an `async fn`.
#[macro_export]
macro_rules! main {
    ($entry:path) => {
        /// Application entry point, called by the host with the start arguments.
        #[no_mangle]
        pub unsafe extern "C" fn clasp_main(args_ptr: *mut u8, args_len: usize) {
            $crate::ffi::start_main(args_ptr, args_len, $entry)
        }
    };
}

#[cfg(test)]
mod tests;
