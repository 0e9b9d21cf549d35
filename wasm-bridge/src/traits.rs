//! [`TransportSender`] and [`TransportReceiver`], as in `clasp_transport::traits`.
//!
//! The reference uses `#[async_trait(?Send)]`; this crate is dependency-free and targets
//! rustc 1.63 (no `async fn` in traits), so the methods return the same boxed local futures
//! that `async_trait(?Send)` generates: implementations and callers look the same
//! (`sender.send(frame).await?`).

use std::future::Future;
use std::pin::Pin;

use crate::error::Result;
use crate::event::TransportEvent;

/// A boxed future that is not `Send` (everything here runs on the page's single thread).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The sending half of a connection.
pub trait TransportSender {
    /// Sends one binary message, waiting while the send buffer is above its high-water mark.
    ///
    /// Errors: [`NotConnected`](crate::TransportError::NotConnected) when not open;
    /// [`SendFailed`](crate::TransportError::SendFailed) when a queued frame could not be written.
    fn send(&self, data: Vec<u8>) -> LocalBoxFuture<'_, Result<()>>;

    /// Sends one binary message now, or fails without waiting.
    ///
    /// Errors: [`BufferFull`](crate::TransportError::BufferFull) above the high-water mark (also
    /// while earlier `send`s still wait); [`NotConnected`](crate::TransportError::NotConnected).
    fn try_send(&self, data: Vec<u8>) -> Result<()>;

    /// True while the connection is open.
    fn is_connected(&self) -> bool;

    /// Closes the connection (code 1000) and resolves once it is closed.
    fn close(&self) -> LocalBoxFuture<'_, Result<()>>;
}

/// The receiving half of a connection.
pub trait TransportReceiver {
    /// The next event, or `None` once the connection is closed for good and every event was read.
    fn recv(&mut self) -> LocalBoxFuture<'_, Option<TransportEvent>>;
}

/// Opening a connection, as `clasp_transport::Transport`:
/// `<WasmWebSocketTransport as Transport>::connect(url).await?`.
pub trait Transport {
    /// The sending half.
    type Sender: TransportSender;
    /// The receiving half.
    type Receiver: TransportReceiver;

    /// Connects to `url` with default settings.
    ///
    /// Errors: the transport's connect errors.
    fn connect(url: &str) -> LocalBoxFuture<'static, Result<(Self::Sender, Self::Receiver)>>;
}
