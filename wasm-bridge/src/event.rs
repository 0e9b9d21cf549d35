//! [`TransportEvent`]: what a receiver yields.

/// One event from a connection, in the order the socket produced them.
///
/// Shaped after `clasp_transport::TransportEvent`. `Disconnected` is extended with the close
/// `code` and `was_clean` flag of the WebSocket close event; it always comes after the last
/// `Data` of its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportEvent {
    /// The handshake completed.
    Connected,
    /// The connection ended.
    Disconnected {
        /// The close reason; `None` when the peer sent none.
        reason: Option<String>,
        /// The close code (1000 normal, 1006 abnormal: no close frame was received).
        code: u16,
        /// Whether the closing handshake completed.
        was_clean: bool,
    },
    /// One binary message: one CLASP frame. A text message arrives as its UTF-8 bytes.
    Data(Vec<u8>),
    /// A transport error that did not (yet) end the connection, as `Code: message`.
    Error(String),
}
