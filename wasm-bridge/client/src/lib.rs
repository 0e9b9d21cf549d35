//! # clasp-wasm-client
//!
//! A CLASP client for Rust compiled to `wasm32-unknown-unknown`, shaped after `clasp-client`:
//! [`Clasp::connect_to`], [`Clasp::builder`], `subscribe`/`on`, `set`, `get`, `emit`,
//! `stream`, `gesture`, `bundle`, `cached`, `close`, with the same names and argument types.
//! Code written against `clasp-client` for these calls builds against this crate by renaming it
//! in `Cargo.toml`:
//!
//! ```toml
//! [dependencies]
//! clasp-client = { package = "clasp-wasm-client", path = "../wasm-bridge/client" }
//! clasp-core = { package = "clasp-wasm-core", path = "../wasm-bridge/core" }
//! ```
//!
//! Differences: everything runs on the page's single thread, so callbacks need `'static` but
//! not `Send`/`Sync`; reconnection (with re-sent HELLO and subscriptions) is done by the
//! TypeScript transport behind `clasp-wasm-bridge`, so there is no reconnect task to start;
//! no P2P. The futures run on the bridge's executor: start the app with
//! `clasp_wasm_bridge::main!`.
//!
//! ```no_run
//! use clasp_wasm_client::{Clasp, Value};
//!
//! async fn app(_args: String) {
//!     let client = match Clasp::builder("ws://127.0.0.1:7330").name("fader").connect().await {
//!         Ok(c) => c,
//!         Err(e) => return clasp_wasm_bridge::console::report(&e.to_string()),
//!     };
//!     let _ = client.subscribe("/mixer/**", |value: Value, address: &str| {
//!         let _ = (value, address);
//!     }).await;
//!     let _ = client.set("/mixer/fader/1", 0.5).await;
//! }
//! clasp_wasm_bridge::main!(app);
//! ```
#![deny(missing_docs, missing_debug_implementations, unsafe_code)]

pub mod builder;
pub mod client;
pub mod error;

pub use builder::ClaspBuilder;
pub use client::Clasp;
pub use error::{ClientError, Result};

pub use clasp_wasm_core::{EasingType, GesturePhase, Message, SignalType, TimelineData, TimelineKeyframe, Ttl, Value};

/// The usual imports, as `clasp_client::prelude`.
pub mod prelude {
    pub use crate::builder::ClaspBuilder;
    pub use crate::client::Clasp;
    pub use crate::error::{ClientError, Result};
    pub use clasp_wasm_core::{EasingType, GesturePhase, Message, SignalType, TimelineData, TimelineKeyframe, Value};
}
