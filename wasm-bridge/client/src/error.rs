//! [`ClientError`] and [`Result`], as in `clasp-client::error`.

use std::fmt;

use clasp_wasm_bridge::TransportError;

/// `Result` with a [`ClientError`].
pub type Result<T> = std::result::Result<T, ClientError>;

/// What a client call can fail with (`clasp-client`'s variants, without the P2P one).
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// The connection or the handshake failed (refused, closed before WELCOME, ERROR instead).
    ConnectionFailed(String),
    /// Not connected (never, closed, or dropped and not yet reconnected).
    NotConnected,
    /// A connect on a client that is connected.
    AlreadyConnected,
    /// The transport did not take the frame.
    SendFailed(String),
    /// No answer in time (`get`: 5 s; handshake: 10 s).
    Timeout,
    /// A message that cannot be encoded, or bytes that cannot be decoded.
    Protocol(clasp_wasm_core::Error),
    /// A transport failure.
    Transport(TransportError),
    /// Anything else.
    Other(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::ConnectionFailed(m) => write!(f, "connection failed: {}", m),
            ClientError::NotConnected => f.write_str("not connected"),
            ClientError::AlreadyConnected => f.write_str("already connected"),
            ClientError::SendFailed(m) => write!(f, "send failed: {}", m),
            ClientError::Timeout => f.write_str("timeout"),
            ClientError::Protocol(e) => write!(f, "protocol error: {}", e),
            ClientError::Transport(e) => write!(f, "transport error: {}", e),
            ClientError::Other(m) => write!(f, "client error: {}", m),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<clasp_wasm_core::Error> for ClientError {
    fn from(e: clasp_wasm_core::Error) -> Self {
        ClientError::Protocol(e)
    }
}

impl From<TransportError> for ClientError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::NotConnected => ClientError::NotConnected,
            other => ClientError::Transport(other),
        }
    }
}
