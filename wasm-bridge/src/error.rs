//! [`TransportError`]: everything that can go wrong, as a value (never a trap).

use std::fmt;

/// A failure of the bridge or of the TypeScript transport behind it.
///
/// Shaped after `clasp_transport::TransportError`, extended so that each variant carries the
/// offending input (the URL, the close code, the frame length) and derives `PartialEq` so tests
/// can `assert_eq!` on errors. New variants may be added: match with a `_` arm.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The URL was rejected before any connection attempt (not `ws:`/`wss:`, unparsable).
    /// Arises in [`WasmWebSocketTransport::connect`](crate::WasmWebSocketTransport::connect).
    InvalidUrl {
        /// The URL as supplied.
        url: String,
        /// Why the transport rejected it.
        message: String,
    },
    /// No handshake completed within the connect timeout.
    /// Arises in [`WasmWebSocketTransport::connect`](crate::WasmWebSocketTransport::connect).
    Timeout {
        /// The URL that did not answer.
        url: String,
    },
    /// The connection could not be established (refused, subprotocol rejected, retries exhausted).
    /// Arises in [`WasmWebSocketTransport::connect`](crate::WasmWebSocketTransport::connect).
    ConnectionFailed {
        /// The URL of the attempt.
        url: String,
        /// The transport's error code and message, e.g. `ConnectionRefused: ...`.
        reason: String,
    },
    /// The connection is not open (never opened, closed, or dropped).
    /// Arises in `send`, `try_send` and `close`.
    NotConnected,
    /// The socket's send buffer is above its high-water mark.
    /// Arises in `try_send` only; `send` waits instead.
    BufferFull {
        /// Length of the frame that was not sent.
        len: usize,
    },
    /// A close code the browser refuses: only 1000 and 3000–4999 are allowed.
    /// Arises in [`close_with`](crate::WasmWebSocketSender::close_with), before the host is called.
    InvalidCloseCode {
        /// The code as supplied.
        supplied: u16,
    },
    /// A close reason longer than 123 UTF-8 bytes.
    /// Arises in [`close_with`](crate::WasmWebSocketSender::close_with), before the host is called.
    InvalidCloseReason {
        /// The reason's length in UTF-8 bytes.
        len: usize,
    },
    /// The host accepted the frame but the transport failed to send it.
    /// Arises in `send` when a queued frame could not be written.
    SendFailed {
        /// The transport's error code.
        reason: String,
    },
    /// The host answered with a status this crate does not know (a newer host, or a bug).
    /// Arises wherever a host status is read.
    Host {
        /// The raw status from the host.
        status: u32,
    },
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::InvalidUrl { url, message } => write!(f, "invalid url {:?}: {}", url, message),
            TransportError::Timeout { url } => write!(f, "timeout connecting to {}", url),
            TransportError::ConnectionFailed { url, reason } => {
                write!(f, "connection to {} failed: {}", url, reason)
            }
            TransportError::NotConnected => f.write_str("not connected"),
            TransportError::BufferFull { len } => {
                write!(f, "send buffer full ({} byte frame not sent)", len)
            }
            TransportError::InvalidCloseCode { supplied } => {
                write!(f, "invalid close code {} (use 1000 or 3000-4999)", supplied)
            }
            TransportError::InvalidCloseReason { len } => {
                write!(f, "close reason of {} bytes is longer than 123 bytes", len)
            }
            TransportError::SendFailed { reason } => write!(f, "send failed: {}", reason),
            TransportError::Host { status } => write!(f, "unknown host status {}", status),
        }
    }
}

impl std::error::Error for TransportError {}

/// `Result` with a [`TransportError`], as in `clasp_transport`.
pub type Result<T> = std::result::Result<T, TransportError>;
