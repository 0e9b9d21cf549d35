//! [`WasmWebSocketTransport`]: the reference's `clasp_transport::wasm_websocket` API, carried by
//! the TypeScript `WasmWebSocketTransport` through the host.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::abi::{self, push_json_string};
use crate::connection::{register, ConnRef, OpenState};
use crate::error::{Result, TransportError};
use crate::event::TransportEvent;
use crate::host::host;
use crate::traits::{LocalBoxFuture, Transport, TransportReceiver, TransportSender};

/// The CLASP WebSocket subprotocol (`clasp_core::WS_SUBPROTOCOL`).
pub const WS_SUBPROTOCOL: &str = "clasp";

/// Longest close reason the WebSocket API accepts, in UTF-8 bytes.
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

/// Reconnection after a drop, done by the TypeScript transport (exponential backoff with jitter,
/// growing ×1.5 per attempt). Only drops after a completed handshake are retried; a first
/// connect that fails is an error of [`WasmWebSocketTransport::connect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Whether to reconnect at all.
    pub enabled: bool,
    /// Delay before the first attempt, ms. Default: the transport's (5000).
    pub min_delay_ms: Option<u32>,
    /// Longest delay between attempts, ms. Default: the transport's (30000).
    pub max_delay_ms: Option<u32>,
    /// Attempts before giving up (then the receiver ends). Default: the transport's (10).
    pub max_retries: Option<u32>,
}

impl ReconnectPolicy {
    /// Reconnect with the transport's default delays.
    pub const ON: ReconnectPolicy = ReconnectPolicy { enabled: true, min_delay_ms: None, max_delay_ms: None, max_retries: None };
    /// Never reconnect.
    pub const OFF: ReconnectPolicy = ReconnectPolicy { enabled: false, min_delay_ms: None, max_delay_ms: None, max_retries: None };
}

/// Dead-peer detection: a CLASP PING after `idle_ms` without any inbound frame, and the
/// connection dropped (code 4001) when nothing arrives within `timeout_ms` after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepalivePolicy {
    /// Whether to send keepalive PINGs.
    pub enabled: bool,
    /// Idle time before a PING, ms. Default: the transport's (25000).
    pub idle_ms: Option<u32>,
    /// Time to wait for any frame after the PING, ms. Default: the transport's (10000).
    pub timeout_ms: Option<u32>,
}

impl KeepalivePolicy {
    /// Keepalive with the transport's default timings.
    pub const ON: KeepalivePolicy = KeepalivePolicy { enabled: true, idle_ms: None, timeout_ms: None };
    /// No keepalive.
    pub const OFF: KeepalivePolicy = KeepalivePolicy { enabled: false, idle_ms: None, timeout_ms: None };
}

/// Connection settings, passed to the TypeScript transport. Fields left `None` take the value
/// the page gave `WasmBridge` (`transportDefaults`), else the transport's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WasmWebSocketConfig {
    /// `ws://` or `wss://` URL of the relay.
    pub url: String,
    /// Subprotocol to request. Default [`WS_SUBPROTOCOL`] (`"clasp"`).
    pub subprotocol: String,
    /// Give up connecting after this many milliseconds. Default: the transport's default.
    pub connect_timeout_ms: Option<u32>,
    /// Send-buffer high-water mark in bytes (`try_send` fails above it, `send` waits).
    /// Default: the transport's default.
    pub high_water_mark: Option<u32>,
    /// Name shown for this connection in the CLASP DevTools panel. Default: none.
    pub name: Option<String>,
    /// Reconnection after a drop. Default: the page's `transportDefaults` (none: no reconnect).
    pub reconnect: Option<ReconnectPolicy>,
    /// Keepalive PINGs. Default: the page's `transportDefaults` (none: no keepalive).
    pub keepalive: Option<KeepalivePolicy>,
}

impl Default for WasmWebSocketConfig {
    /// Every default and an empty URL (set `url` before connecting).
    fn default() -> Self {
        WasmWebSocketConfig::new("")
    }
}

impl From<&str> for WasmWebSocketConfig {
    fn from(url: &str) -> Self {
        WasmWebSocketConfig::new(url)
    }
}

impl From<String> for WasmWebSocketConfig {
    fn from(url: String) -> Self {
        WasmWebSocketConfig::new(url)
    }
}

fn push_field(out: &mut String, key: &str, value: Option<u32>) {
    if let Some(v) = value {
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":");
        out.push_str(&v.to_string());
    }
}

/// `{"a":1,"b":2}` from the present fields, `true` when none is, `false` when disabled.
fn push_policy(out: &mut String, key: &str, enabled: bool, fields: &[(&str, Option<u32>)]) {
    out.push_str(",\"");
    out.push_str(key);
    out.push_str("\":");
    if !enabled {
        out.push_str("false");
    } else if fields.iter().all(|(_, v)| v.is_none()) {
        out.push_str("true");
    } else {
        let mut body = String::new();
        for (k, v) in fields {
            push_field(&mut body, k, *v);
        }
        out.push('{');
        out.push_str(&body[1..]);
        out.push('}');
    }
}

impl WasmWebSocketConfig {
    /// Settings for `url` with every default.
    pub fn new(url: impl Into<String>) -> Self {
        WasmWebSocketConfig {
            url: url.into(),
            subprotocol: WS_SUBPROTOCOL.to_string(),
            connect_timeout_ms: None,
            high_water_mark: None,
            name: None,
            reconnect: None,
            keepalive: None,
        }
    }

    /// The JSON object handed to the host's `connect` import.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"url\":");
        push_json_string(&mut out, &self.url);
        out.push_str(",\"subprotocol\":");
        push_json_string(&mut out, &self.subprotocol);
        push_field(&mut out, "connectionTimeout", self.connect_timeout_ms);
        push_field(&mut out, "highWaterMark", self.high_water_mark);
        if let Some(name) = &self.name {
            out.push_str(",\"name\":");
            push_json_string(&mut out, name);
        }
        if let Some(r) = self.reconnect {
            let fields = [
                ("minReconnectionDelay", r.min_delay_ms),
                ("maxReconnectionDelay", r.max_delay_ms),
                ("maxRetries", r.max_retries),
            ];
            push_policy(&mut out, "reconnect", r.enabled, &fields);
        }
        if let Some(k) = self.keepalive {
            push_policy(&mut out, "keepalive", k.enabled, &[("idleMs", k.idle_ms), ("timeoutMs", k.timeout_ms)]);
        }
        out.push('}');
        out
    }
}

/// Entry point: opens connections.
#[derive(Debug, Default, Clone)]
pub struct WasmWebSocketTransport {
    config: WasmWebSocketConfig,
}

impl WasmWebSocketTransport {
    /// A transport with default settings (as `clasp_transport`'s `WasmWebSocketTransport::new`).
    pub fn new() -> Self {
        Self::default()
    }

    /// A transport whose connections use `config` (its `url` is replaced by each `open`'s).
    pub fn with_config(config: WasmWebSocketConfig) -> Self {
        WasmWebSocketTransport { config }
    }

    /// Connects to `url` with this transport's settings.
    ///
    /// Errors: as [`connect`](Self::connect).
    pub fn open(&self, url: &str) -> ConnectFuture {
        Self::connect(WasmWebSocketConfig { url: url.to_string(), ..self.config.clone() })
    }

    /// Connects and resolves once the handshake completed (the receiver's first event is
    /// `Connected`). Takes a URL (`&str`, `String`) or a [`WasmWebSocketConfig`]. Dropping the
    /// future before it resolves cancels the attempt on the host.
    ///
    /// Errors: [`InvalidUrl`](TransportError::InvalidUrl), [`Timeout`](TransportError::Timeout),
    /// [`ConnectionFailed`](TransportError::ConnectionFailed) (refused, subprotocol rejected).
    pub fn connect(config: impl Into<WasmWebSocketConfig>) -> ConnectFuture {
        let config = config.into();
        ConnectFuture { conn: Some(register(&config.url)), config_json: config.to_json() }
    }

    /// [`connect`](Self::connect) with default settings.
    pub fn connect_url(url: &str) -> ConnectFuture {
        Self::connect(WasmWebSocketConfig::new(url))
    }
}

impl Transport for WasmWebSocketTransport {
    type Sender = WasmWebSocketSender;
    type Receiver = WasmWebSocketReceiver;

    fn connect(url: &str) -> LocalBoxFuture<'static, Result<(Self::Sender, Self::Receiver)>> {
        Box::pin(WasmWebSocketTransport::connect(url))
    }
}

/// Future of [`WasmWebSocketTransport::connect`].
#[derive(Debug)]
pub struct ConnectFuture {
    conn: Option<ConnRef>,
    config_json: String,
}

impl Future for ConnectFuture {
    type Output = Result<(WasmWebSocketSender, WasmWebSocketReceiver)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let conn = match &this.conn {
            Some(c) => c,
            None => return Poll::Ready(Err(TransportError::NotConnected)),
        };
        let mut call_host = false;
        let step = {
            let mut c = conn.0.borrow_mut();
            match &mut c.open {
                OpenState::Idle => {
                    c.open = OpenState::Pending;
                    call_host = true;
                    None
                }
                OpenState::Pending => None,
                OpenState::Open => Some(Ok(())),
                OpenState::Failed(err) => Some(Err(err.take().unwrap_or(TransportError::NotConnected))),
            }
        };
        match step {
            Some(Err(err)) => {
                this.conn = None;
                Poll::Ready(Err(err))
            }
            Some(Ok(())) => {
                let conn = this.conn.take().expect("checked above");
                let receiver = WasmWebSocketReceiver { conn: conn.share() };
                Poll::Ready(Ok((WasmWebSocketSender { conn }, receiver)))
            }
            None => {
                conn.0.borrow_mut().open_waker = Some(cx.waker().clone());
                if call_host {
                    host().connect(conn.handle(), &this.config_json);
                }
                Poll::Pending
            }
        }
    }
}

/// Sending half. Dropping it (with the receiver) releases the JS side.
#[derive(Debug)]
pub struct WasmWebSocketSender {
    conn: ConnRef,
}

impl WasmWebSocketSender {
    /// Closes with `code` and `reason`, resolving once the transport is closed.
    ///
    /// Errors, before anything reaches the socket: [`InvalidCloseCode`](TransportError::InvalidCloseCode)
    /// unless `code` is 1000 or 3000–4999; [`InvalidCloseReason`](TransportError::InvalidCloseReason)
    /// above 123 UTF-8 bytes. See <https://developer.mozilla.org/en-US/docs/Web/API/WebSocket/close#exceptions>.
    pub fn close_with(&self, code: u16, reason: &str) -> CloseFuture {
        let invalid = if code != 1000 && !(3000..=4999).contains(&code) {
            Some(TransportError::InvalidCloseCode { supplied: code })
        } else if reason.len() > MAX_CLOSE_REASON_BYTES {
            Some(TransportError::InvalidCloseReason { len: reason.len() })
        } else {
            None
        };
        CloseFuture { conn: self.conn.share(), start: Some((code, reason.to_string())), invalid }
    }

    /// The host handle of this connection (as shown by the host's diagnostics).
    pub fn handle(&self) -> u32 {
        self.conn.handle()
    }
}

impl TransportSender for WasmWebSocketSender {
    fn send(&self, data: Vec<u8>) -> LocalBoxFuture<'_, Result<()>> {
        Box::pin(SendFuture { conn: self.conn.share(), data: Some(data), len: 0, seq: None })
    }

    fn try_send(&self, data: Vec<u8>) -> Result<()> {
        let status = host().try_send(self.conn.handle(), &data);
        abi::status_result(status, data.len())
    }

    fn is_connected(&self) -> bool {
        host().is_connected(self.conn.handle())
    }

    fn close(&self) -> LocalBoxFuture<'_, Result<()>> {
        Box::pin(self.close_with(1000, ""))
    }
}

/// Future of `send`: done when the host wrote the frame (or queued it and then wrote it).
#[derive(Debug)]
struct SendFuture {
    conn: ConnRef,
    data: Option<Vec<u8>>,
    len: usize,
    seq: Option<u64>,
}

impl Future for SendFuture {
    type Output = Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let this = &mut *self;
        if let Some(data) = this.data.take() {
            this.len = data.len();
            // The host copies the bytes during the call; `data` is freed when this returns.
            let status = host().send(this.conn.handle(), &data);
            if status != abi::STATUS_PENDING {
                return Poll::Ready(abi::status_result(status, this.len));
            }
            let mut c = this.conn.0.borrow_mut();
            c.sends_issued += 1;
            this.seq = Some(c.sends_issued);
        }
        let seq = match this.seq {
            Some(s) => s,
            None => return Poll::Ready(Ok(())),
        };
        let mut c = this.conn.0.borrow_mut();
        match take_result(&mut c.send_results, seq) {
            Some(status) => {
                drop(c);
                this.seq = None;
                Poll::Ready(abi::status_result(status, this.len))
            }
            None => {
                c.send_wakers.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl Drop for SendFuture {
    fn drop(&mut self) {
        // A send future dropped while queued: the frame still goes out (it is in JS already),
        // and its completion must not be left behind in `send_results`.
        if let Some(seq) = self.seq {
            let mut c = self.conn.0.borrow_mut();
            if take_result(&mut c.send_results, seq).is_none() {
                c.abandoned_sends.push(seq);
            }
        }
    }
}

fn take_result(results: &mut Vec<(u64, u32)>, seq: u64) -> Option<u32> {
    let i = results.iter().position(|&(s, _)| s == seq)?;
    Some(results.swap_remove(i).1)
}

/// Future of [`WasmWebSocketSender::close_with`].
#[derive(Debug)]
pub struct CloseFuture {
    conn: ConnRef,
    start: Option<(u16, String)>,
    invalid: Option<TransportError>,
}

impl Future for CloseFuture {
    type Output = Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let this = &mut *self;
        if let Some(err) = this.invalid.take() {
            return Poll::Ready(Err(err));
        }
        if let Some((code, reason)) = this.start.take() {
            this.conn.0.borrow_mut().close_result = None;
            let status = host().close(this.conn.handle(), code, &reason);
            if status != abi::STATUS_PENDING {
                return Poll::Ready(abi::status_result(status, 0));
            }
        }
        let mut c = this.conn.0.borrow_mut();
        match c.close_result.take() {
            Some(status) => Poll::Ready(abi::status_result(status, 0)),
            None => {
                c.close_waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Receiving half. Dropping it closes the connection (1000, "receiver dropped"); dropping it
/// together with the sender releases the JS side.
#[derive(Debug)]
pub struct WasmWebSocketReceiver {
    conn: ConnRef,
}

impl TransportReceiver for WasmWebSocketReceiver {
    fn recv(&mut self) -> LocalBoxFuture<'_, Option<TransportEvent>> {
        Box::pin(RecvFuture { receiver: self })
    }
}

impl WasmWebSocketReceiver {
    /// The next event if one is queued, without waiting. `None` also when the queue is empty.
    pub fn try_recv(&mut self) -> Option<TransportEvent> {
        let (event, resume) = {
            let mut c = self.conn.0.borrow_mut();
            let event = c.queue.pop_front();
            let resume = c.paused && c.queue.len() <= crate::connection::RECV_HIGH_WATER / 2;
            if resume {
                c.paused = false;
            }
            (event, resume)
        };
        if resume {
            host().resume(self.conn.handle());
        }
        event
    }
}

struct RecvFuture<'a> {
    receiver: &'a mut WasmWebSocketReceiver,
}

impl Future for RecvFuture<'_> {
    type Output = Option<TransportEvent>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(event) = self.receiver.try_recv() {
            return Poll::Ready(Some(event));
        }
        let mut c = self.receiver.conn.0.borrow_mut();
        if c.ended {
            return Poll::Ready(None);
        }
        c.recv_waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for WasmWebSocketReceiver {
    fn drop(&mut self) {
        let (handle, ended) = {
            let c = self.conn.0.borrow();
            (c.handle, c.ended)
        };
        if !ended {
            // Nobody can read any more: close. The status is irrelevant (already closing is fine).
            let _ = host().close(handle, 1000, "receiver dropped");
        }
    }
}
