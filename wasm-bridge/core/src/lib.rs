//! # clasp-wasm-core
//!
//! CLASP's types and its v1 binary codec, shaped after `clasp-core`: the same module layout
//! (`types`, `codec`, `frame`, `address`, `error`), the same public names and field names, and
//! `codec::{encode, decode, encode_message, decode_message}` with `clasp-core`'s signatures
//! (`Vec<u8>` where `clasp-core` returns `bytes::Bytes`). A program written against
//! `clasp-core`'s codec and types builds against this crate by renaming it in `Cargo.toml`:
//!
//! ```toml
//! [dependencies]
//! clasp-core = { package = "clasp-wasm-core", path = "../wasm-bridge/core" }
//! ```
//!
//! ```
//! # extern crate clasp_wasm_core as clasp_core;
//! use clasp_core::{codec, Message, SetMessage, Value};
//!
//! let set = Message::Set(SetMessage {
//!     address: "/test/value".into(),
//!     value: Value::Float(0.5),
//!     revision: Some(1),
//!     lock: false,
//!     unlock: false,
//!     ttl: None,
//! });
//! let bytes = codec::encode(&set).unwrap();
//! assert_eq!(bytes.len(), 35);
//! let (decoded, frame) = codec::decode(&bytes).unwrap();
//! assert_eq!(decoded, set);
//! assert_eq!(frame.flags.version, 1);
//! ```
//!
//! Differences from `clasp-core` (see the migration list in `docs/rust.md`):
//! - no serde, no legacy MessagePack (v0) payloads: decoding one gives
//!   [`Error::DecodeError`];
//! - decoding never panics: every truncated field is [`Error::BufferTooSmall`], nesting is
//!   bounded ([`codec::MAX_VALUE_DEPTH`], [`codec::MAX_BUNDLE_DEPTH`]) and nothing is
//!   preallocated beyond what the input can hold;
//! - map entries are encoded in key order, so the same message always gives the same bytes;
//! - only the protocol modules: no `p2p`, `security`, `state`, `timeline`.
#![deny(missing_docs, missing_debug_implementations, unsafe_code)]

pub mod address;
pub mod codec;
pub mod error;
pub mod frame;
pub mod types;

pub use address::{glob_match, Address, Pattern};
pub use codec::{decode, encode};
pub use error::{Error, ErrorCode, Result};
pub use frame::Frame;
pub use types::*;

/// Protocol version sent in HELLO and WELCOME.
pub const PROTOCOL_VERSION: u8 = 1;

/// First byte of every frame (`S`).
pub const MAGIC_BYTE: u8 = 0x53;

/// Default WebSocket port of a CLASP router.
pub const DEFAULT_WS_PORT: u16 = 7330;

/// Default UDP discovery port.
pub const DEFAULT_DISCOVERY_PORT: u16 = 7331;

/// The WebSocket subprotocol.
pub const WS_SUBPROTOCOL: &str = "clasp";

/// mDNS service type of CLASP routers.
pub const MDNS_SERVICE_TYPE: &str = "_clasp._tcp.local.";
