//! The numbers of the raw ABI, and the safe half of its encoding: raw host events
//! (`kind`, `arg`, bytes) become [`HostEvent`]s here, and host statuses become results.
//! The TypeScript mirror is `src/wasm/abi.ts`; keep both in the same order.

use crate::error::TransportError;
use crate::event::TransportEvent;

/// Host status: done.
pub const STATUS_OK: u32 = 0;
/// Host status: accepted, completion follows as an event ([`EVENT_SEND_DONE`] / [`EVENT_CLOSE_DONE`]).
pub const STATUS_PENDING: u32 = 1;
/// `TransportErrorCode` `InvalidUrl`.
pub const STATUS_INVALID_URL: u32 = 2;
/// `TransportErrorCode` `ConnectTimeout`.
pub const STATUS_CONNECT_TIMEOUT: u32 = 3;
/// `TransportErrorCode` `ConnectionRefused`.
pub const STATUS_CONNECTION_REFUSED: u32 = 4;
/// `TransportErrorCode` `SubprotocolRejected`.
pub const STATUS_SUBPROTOCOL_REJECTED: u32 = 5;
/// `TransportErrorCode` `NotConnected`.
pub const STATUS_NOT_CONNECTED: u32 = 6;
/// `TransportErrorCode` `BufferFull`.
pub const STATUS_BUFFER_FULL: u32 = 7;
/// `TransportErrorCode` `InvalidCloseCode`.
pub const STATUS_INVALID_CLOSE_CODE: u32 = 8;
/// `TransportErrorCode` `InvalidCloseReason`.
pub const STATUS_INVALID_CLOSE_REASON: u32 = 9;
/// `TransportErrorCode` `ReceiveQueueFull`.
pub const STATUS_RECEIVE_QUEUE_FULL: u32 = 10;
/// `TransportErrorCode` `DeadPeer`.
pub const STATUS_DEAD_PEER: u32 = 11;
/// `TransportErrorCode` `RetriesExhausted`.
pub const STATUS_RETRIES_EXHAUSTED: u32 = 12;
/// `TransportErrorCode` `SendFailed`.
pub const STATUS_SEND_FAILED: u32 = 13;
/// The host has no connection with that handle (already dropped).
pub const STATUS_UNKNOWN_HANDLE: u32 = 14;
/// The transport threw something that is not a `TransportError`.
pub const STATUS_HOST_ERROR: u32 = 15;

/// Names of the statuses 2..=15, as the TypeScript `TransportErrorCode` spells them.
const STATUS_NAMES: [&str; 14] = [
    "InvalidUrl",
    "ConnectTimeout",
    "ConnectionRefused",
    "SubprotocolRejected",
    "NotConnected",
    "BufferFull",
    "InvalidCloseCode",
    "InvalidCloseReason",
    "ReceiveQueueFull",
    "DeadPeer",
    "RetriesExhausted",
    "SendFailed",
    "UnknownHandle",
    "HostError",
];

/// The name of a status (`"BufferFull"`), or `"Unknown"`.
pub fn status_name(status: u32) -> &'static str {
    match status {
        STATUS_OK => "Ok",
        STATUS_PENDING => "Pending",
        s => STATUS_NAMES.get(s as usize - 2).copied().unwrap_or("Unknown"),
    }
}

/// Event kind: `connect()` resolved. No bytes.
pub const EVENT_OPEN_OK: u32 = 1;
/// Event kind: `connect()` rejected. `arg` = status, bytes = message (UTF-8).
pub const EVENT_OPEN_FAILED: u32 = 2;
/// Event kind: receiver `Connected`. Bytes = negotiated subprotocol.
pub const EVENT_CONNECTED: u32 = 3;
/// Event kind: receiver `Data`. Bytes = the frame; ownership moves to Rust.
pub const EVENT_DATA: u32 = 4;
/// Event kind: receiver `Text`. Bytes = the text, UTF-8.
pub const EVENT_TEXT: u32 = 5;
/// Event kind: receiver `Disconnected`. `arg` = code | was_clean << 16, bytes = reason.
pub const EVENT_DISCONNECTED: u32 = 6;
/// Event kind: receiver `Error`. `arg` = status, bytes = message.
pub const EVENT_ERROR: u32 = 7;
/// Event kind: receiver returned `null` (closed for good, drained). No bytes.
pub const EVENT_END: u32 = 8;
/// Event kind: a send answered [`STATUS_PENDING`] completed. `arg` = status. In send order.
pub const EVENT_SEND_DONE: u32 = 9;
/// Event kind: the `close()` answered [`STATUS_PENDING`] completed. `arg` = status.
pub const EVENT_CLOSE_DONE: u32 = 10;

/// `clasp_deliver` result: keep delivering.
pub const DELIVER_CONTINUE: u32 = 0;
/// `clasp_deliver` result: the receive queue is full; pause until the `resume` import.
pub const DELIVER_PAUSE: u32 = 1;
/// `clasp_deliver` result: unknown event kind; the bytes were freed.
pub const DELIVER_REJECTED: u32 = 2;

/// One host event, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    /// `connect()` resolved.
    OpenOk,
    /// `connect()` rejected with this status and message.
    OpenFailed {
        /// Transport status.
        status: u32,
        /// Transport message.
        message: String,
    },
    /// An event for the receiver queue.
    Event(TransportEvent),
    /// The receiver ended.
    End,
    /// A pending send completed.
    SendDone(u32),
    /// A pending close completed.
    CloseDone(u32),
}

/// UTF-8 from the host (TextEncoder output, so always valid) moves into a `String` without a
/// copy. Anything else becomes one U+FFFD: `from_utf8_lossy` would add 1.5 KB to every .wasm.
pub(crate) fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|_| String::from("\u{fffd}"))
}

/// Decodes a raw host event. `None` for an unknown kind.
pub fn decode_event(kind: u32, arg: u32, bytes: Vec<u8>) -> Option<HostEvent> {
    Some(match kind {
        EVENT_OPEN_OK => HostEvent::OpenOk,
        EVENT_OPEN_FAILED => HostEvent::OpenFailed { status: arg, message: text(bytes) },
        EVENT_CONNECTED => HostEvent::Event(TransportEvent::Connected),
        EVENT_DATA => HostEvent::Event(TransportEvent::Data(bytes)),
        // As in `clasp_transport::wasm_websocket`: a text message is delivered as its UTF-8 bytes.
        EVENT_TEXT => HostEvent::Event(TransportEvent::Data(bytes)),
        EVENT_DISCONNECTED => {
            let reason = text(bytes);
            HostEvent::Event(TransportEvent::Disconnected {
                reason: if reason.is_empty() { None } else { Some(reason) },
                code: (arg & 0xFFFF) as u16,
                was_clean: arg & 0x1_0000 != 0,
            })
        }
        EVENT_ERROR => HostEvent::Event(TransportEvent::Error(format!("{}: {}", status_name(arg), text(bytes)))),
        EVENT_END => HostEvent::End,
        EVENT_SEND_DONE => HostEvent::SendDone(arg),
        EVENT_CLOSE_DONE => HostEvent::CloseDone(arg),
        _ => return None,
    })
}

/// Encodes the `arg` of an [`EVENT_DISCONNECTED`] (the inverse of its decoding; used by tests and fakes).
pub fn disconnected_arg(code: u16, was_clean: bool) -> u32 {
    u32::from(code) | if was_clean { 0x1_0000 } else { 0 }
}

/// Maps a send/close status to a result. `len` is the frame length for `BufferFull`.
pub fn status_result(status: u32, len: usize) -> Result<(), TransportError> {
    match status {
        STATUS_OK => Ok(()),
        STATUS_NOT_CONNECTED | STATUS_UNKNOWN_HANDLE => Err(TransportError::NotConnected),
        STATUS_BUFFER_FULL => Err(TransportError::BufferFull { len }),
        STATUS_SEND_FAILED | STATUS_DEAD_PEER | STATUS_HOST_ERROR | STATUS_RECEIVE_QUEUE_FULL => {
            Err(TransportError::SendFailed { reason: status_name(status).to_string() })
        }
        s => Err(TransportError::Host { status: s }),
    }
}

/// Maps an [`EVENT_OPEN_FAILED`] to the error `connect` returns.
pub fn open_error(url: &str, status: u32, message: String) -> TransportError {
    let url = url.to_string();
    match status {
        STATUS_INVALID_URL => TransportError::InvalidUrl { url, message },
        STATUS_CONNECT_TIMEOUT => TransportError::Timeout { url },
        s => TransportError::ConnectionFailed { url, reason: format!("{}: {}", status_name(s), message) },
    }
}

/// Appends `s` as a JSON string literal (quotes and escapes included).
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
