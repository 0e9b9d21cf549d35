//! [`Clasp`]: the client, as in `clasp-client::client`, single-threaded.
//!
//! Invariants:
//! - One receive task per client owns the receiver; it updates the cache, answers GETs and
//!   calls subscription callbacks. No `RefCell` borrow is held while a callback runs, so a
//!   callback may call any method of the client (subscribe, set, close, …).
//! - After every (re)connection the server sees HELLO and then every live subscription, in
//!   subscription order, before anything the application sends afterwards.
//! - The receive task holds the client weakly: dropping the last `Clasp` ends it at the next
//!   event, which drops the receiver and closes the connection.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use clasp_wasm_bridge::{
    now_ms, spawn_local, timeout, LocalBoxFuture, TransportEvent, TransportReceiver, TransportSender, WasmWebSocketReceiver,
    WasmWebSocketSender, WasmWebSocketTransport,
};
use clasp_wasm_core::codec;
use clasp_wasm_core::{
    BundleMessage, ErrorMessage, GesturePhase, GetMessage, HelloMessage, Message, Pattern, PublishMessage, SetMessage,
    SignalDefinition, SignalType, SubscribeMessage, SubscribeOptions, TimelineData, Ttl, UnsubscribeMessage, Value,
    PROTOCOL_VERSION,
};

use crate::builder::ClaspBuilder;
use crate::error::{ClientError, Result};

/// A subscription callback: the value and the address it arrived at.
pub type SubscriptionCallback = Rc<dyn Fn(Value, &str)>;

/// How long [`Clasp::get`] waits for the router's answer.
pub const GET_TIMEOUT_MS: u32 = 5000;

/// How long a connect waits for WELCOME after the socket opened.
pub const WELCOME_TIMEOUT_MS: u32 = 10_000;

struct Subscription {
    id: u32,
    pattern: Pattern,
    callback: SubscriptionCallback,
}

#[derive(Default)]
struct GetSlot {
    value: RefCell<Option<Value>>,
    waker: RefCell<Option<Waker>>,
}

struct Inner {
    config: ClaspBuilder,
    sender: RefCell<Option<Rc<WasmWebSocketSender>>>,
    connected: Cell<bool>,
    closed: Cell<bool>,
    session_id: RefCell<Option<String>>,
    /// Server time minus the local monotonic clock, µs (set at each WELCOME).
    clock_offset_us: Cell<f64>,
    next_sub_id: Cell<u32>,
    subscriptions: RefCell<Vec<Subscription>>,
    params: RefCell<HashMap<String, Value>>,
    pending_gets: RefCell<Vec<(String, Rc<GetSlot>)>>,
    signals: RefCell<Vec<SignalDefinition>>,
    last_error: RefCell<Option<ErrorMessage>>,
    reconnects: Cell<u32>,
}

/// A CLASP client. Cloning gives another handle to the same connection.
#[derive(Clone)]
pub struct Clasp {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for Clasp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clasp")
            .field("url", &self.inner.config.url)
            .field("connected", &self.inner.connected.get())
            .field("session_id", &self.inner.session_id.borrow())
            .finish()
    }
}

fn local_us() -> f64 {
    now_ms() * 1000.0
}

impl Clasp {
    /// A builder for `url` (see [`ClaspBuilder`] for the defaults).
    pub fn builder(url: &str) -> ClaspBuilder {
        ClaspBuilder::new(url)
    }

    /// Connects to `url` with the builder's defaults.
    ///
    /// Errors: as [`ClaspBuilder::connect`].
    pub async fn connect_to(url: &str) -> Result<Self> {
        ClaspBuilder::new(url).connect().await
    }

    pub(crate) async fn connect_with(config: ClaspBuilder) -> Result<Self> {
        let transport = config.transport_config();
        let (sender, mut receiver) = WasmWebSocketTransport::connect(transport).await?;
        let inner = Rc::new(Inner {
            config,
            sender: RefCell::new(Some(Rc::new(sender))),
            connected: Cell::new(false),
            closed: Cell::new(false),
            session_id: RefCell::new(None),
            clock_offset_us: Cell::new(0.0),
            next_sub_id: Cell::new(1),
            subscriptions: RefCell::new(Vec::new()),
            params: RefCell::new(HashMap::new()),
            pending_gets: RefCell::new(Vec::new()),
            signals: RefCell::new(Vec::new()),
            last_error: RefCell::new(None),
            reconnects: Cell::new(0),
        });
        let client = Clasp { inner };
        client.send_message(&client.hello()).await?;
        match timeout(WELCOME_TIMEOUT_MS, client.await_welcome(&mut receiver)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(ClientError::Timeout),
        }
        spawn_local(receive_loop(Rc::downgrade(&client.inner), receiver));
        Ok(client)
    }

    fn hello(&self) -> Message {
        self.inner.hello()
    }

    async fn await_welcome(&self, receiver: &mut WasmWebSocketReceiver) -> Result<()> {
        loop {
            match receiver.recv().await {
                Some(TransportEvent::Data(frame)) => {
                    if let Ok((message, _, _)) = codec::decode_frame_message(&frame) {
                        let welcome = matches!(message, Message::Welcome(_));
                        if let Message::Error(e) = &message {
                            return Err(ClientError::ConnectionFailed(format!("ERROR {}: {}", e.code, e.message)));
                        }
                        self.inner.handle(message);
                        if welcome {
                            return Ok(());
                        }
                    }
                }
                Some(TransportEvent::Disconnected { reason, code, .. }) => {
                    return Err(ClientError::ConnectionFailed(match reason {
                        Some(r) if !r.is_empty() => r,
                        _ => format!("closed with code {}", code),
                    }));
                }
                Some(_) => {}
                None => return Err(ClientError::ConnectionFailed("connection closed".to_string())),
            }
        }
    }

    /// True between WELCOME and the next drop or [`close`](Self::close).
    pub fn is_connected(&self) -> bool {
        self.inner.connected.get()
    }

    /// The session id of the last WELCOME.
    pub fn session_id(&self) -> Option<String> {
        self.inner.session_id.borrow().clone()
    }

    /// Server time, µs since the Unix epoch (the local monotonic clock plus the offset measured
    /// at the last WELCOME).
    pub fn time(&self) -> u64 {
        let t = local_us() + self.inner.clock_offset_us.get();
        if t > 0.0 {
            t as u64
        } else {
            0
        }
    }

    /// How many times the connection was re-established (HELLO and subscriptions sent again).
    pub fn reconnects(&self) -> u32 {
        self.inner.reconnects.get()
    }

    fn send_message(&self, message: &Message) -> LocalBoxFuture<'static, Result<()>> {
        self.inner.send(message)
    }

    /// Subscribes to `pattern` (`*` one segment, `**` any number); `callback` gets each value
    /// and its address. Returns the subscription id.
    ///
    /// Errors: [`ClientError::Protocol`] for a pattern that is not an address; send errors.
    pub async fn subscribe<F>(&self, pattern: &str, callback: F) -> Result<u32>
    where
        F: Fn(Value, &str) + 'static,
    {
        let compiled = Pattern::compile(pattern)?;
        let id = self.inner.next_sub_id.get();
        self.inner.next_sub_id.set(id.wrapping_add(1));
        self.inner.subscriptions.borrow_mut().push(Subscription { id, pattern: compiled, callback: Rc::new(callback) });
        self.send_message(&subscribe_message(id, pattern)).await?;
        Ok(id)
    }

    /// Same as [`subscribe`](Self::subscribe).
    ///
    /// Errors: as [`subscribe`](Self::subscribe).
    pub async fn on<F>(&self, pattern: &str, callback: F) -> Result<u32>
    where
        F: Fn(Value, &str) + 'static,
    {
        self.subscribe(pattern, callback).await
    }

    /// Drops subscription `id` (locally at once, then at the router).
    ///
    /// Errors: send errors.
    pub async fn unsubscribe(&self, id: u32) -> Result<()> {
        self.inner.subscriptions.borrow_mut().retain(|s| s.id != id);
        self.send_message(&Message::Unsubscribe(UnsubscribeMessage { id })).await
    }

    async fn send_set(&self, address: &str, value: Value, lock: bool, unlock: bool, ttl: Option<Ttl>) -> Result<()> {
        let msg = Message::Set(SetMessage { address: address.to_string(), value, revision: None, lock, unlock, ttl });
        self.send_message(&msg).await
    }

    /// Sets a param.
    ///
    /// Errors: [`ClientError::NotConnected`], send and encode errors.
    pub async fn set(&self, address: &str, value: impl Into<Value>) -> Result<()> {
        self.send_set(address, value.into(), false, false, None).await
    }

    /// Sets a param and takes its lock.
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn set_locked(&self, address: &str, value: impl Into<Value>) -> Result<()> {
        self.send_set(address, value.into(), true, false, None).await
    }

    /// Sets a param and releases its lock.
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn set_unlocked(&self, address: &str, value: impl Into<Value>) -> Result<()> {
        self.send_set(address, value.into(), false, true, None).await
    }

    /// Sets a param with a time to live.
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn set_with_ttl(&self, address: &str, value: impl Into<Value>, ttl: Ttl) -> Result<()> {
        self.send_set(address, value.into(), false, false, Some(ttl)).await
    }

    /// The param's value: from the cache (every SET and SNAPSHOT received fills it), else asked
    /// from the router (GET) and awaited for up to 5 s.
    ///
    /// Errors: [`ClientError::Timeout`] without an answer; send errors.
    pub async fn get(&self, address: &str) -> Result<Value> {
        if let Some(v) = self.cached(address) {
            return Ok(v);
        }
        let slot = Rc::new(GetSlot::default());
        self.inner.pending_gets.borrow_mut().push((address.to_string(), slot.clone()));
        let sent = self.send_message(&Message::Get(GetMessage { address: address.to_string() })).await;
        let result = match sent {
            Ok(()) => match timeout(GET_TIMEOUT_MS, GetWait { slot: slot.clone() }).await {
                Ok(v) => Ok(v),
                Err(_) => Err(ClientError::Timeout),
            },
            Err(e) => Err(e),
        };
        self.inner.pending_gets.borrow_mut().retain(|(_, s)| !Rc::ptr_eq(s, &slot));
        result
    }

    fn publish(&self, address: &str, signal: SignalType) -> PublishMessage {
        PublishMessage {
            address: address.to_string(),
            signal: Some(signal),
            value: None,
            payload: None,
            samples: None,
            rate: None,
            id: None,
            phase: None,
            timestamp: Some(self.time()),
            timeline: None,
        }
    }

    /// Emits an event.
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn emit(&self, address: &str, payload: impl Into<Value>) -> Result<()> {
        let msg = PublishMessage { payload: Some(payload.into()), ..self.publish(address, SignalType::Event) };
        self.send_message(&Message::Publish(msg)).await
    }

    /// Sends a stream sample.
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn stream(&self, address: &str, value: impl Into<Value>) -> Result<()> {
        let msg = PublishMessage { value: Some(value.into()), ..self.publish(address, SignalType::Stream) };
        self.send_message(&Message::Publish(msg)).await
    }

    /// Sends a gesture update (`id` stays the same from `Start` to `End`/`Cancel`).
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn gesture(&self, address: &str, id: u32, phase: GesturePhase, payload: impl Into<Value>) -> Result<()> {
        let msg = PublishMessage {
            payload: Some(payload.into()),
            id: Some(id),
            phase: Some(phase),
            ..self.publish(address, SignalType::Gesture)
        };
        self.send_message(&Message::Publish(msg)).await
    }

    /// Publishes a timeline. As with `clasp-client`, the binary encoding carries the address
    /// and timestamp only: the keyframes do not reach the router.
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn timeline(&self, address: &str, timeline_data: TimelineData) -> Result<()> {
        let msg = PublishMessage { timeline: Some(timeline_data), ..self.publish(address, SignalType::Timeline) };
        self.send_message(&Message::Publish(msg)).await
    }

    /// Sends messages as one atomic BUNDLE.
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn bundle(&self, messages: Vec<Message>) -> Result<()> {
        self.send_message(&Message::Bundle(BundleMessage { timestamp: None, messages })).await
    }

    /// Sends a BUNDLE to be applied at `time` (server µs).
    ///
    /// Errors: as [`set`](Self::set).
    pub async fn bundle_at(&self, messages: Vec<Message>, time: u64) -> Result<()> {
        self.send_message(&Message::Bundle(BundleMessage { timestamp: Some(time), messages })).await
    }

    /// The cached value of a param.
    pub fn cached(&self, address: &str) -> Option<Value> {
        self.inner.params.borrow().get(address).cloned()
    }

    /// Closes the connection (code 1000) and stops reconnecting.
    pub async fn close(&self) {
        self.inner.closed.set(true);
        self.inner.connected.set(false);
        let sender = self.inner.sender.borrow_mut().take();
        if let Some(sender) = sender {
            let _ = sender.close().await;
        }
    }

    /// Signals announced by the router (ANNOUNCE, RESULT).
    pub fn signals(&self) -> Vec<SignalDefinition> {
        self.inner.signals.borrow().clone()
    }

    /// Announced signals whose address matches `pattern`.
    pub fn query_signals(&self, pattern: &str) -> Vec<SignalDefinition> {
        match Pattern::compile(pattern) {
            Ok(p) => self.inner.signals.borrow().iter().filter(|s| p.matches(&s.address)).cloned().collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The last ERROR message from the router.
    pub fn last_error(&self) -> Option<ErrorMessage> {
        self.inner.last_error.borrow().clone()
    }

    /// Forgets the last error.
    pub fn clear_error(&self) {
        *self.inner.last_error.borrow_mut() = None;
    }

    /// For code written against `clasp-client`: reconnection already runs inside the
    /// transport when the builder's `reconnect` is on, so there is nothing to start.
    pub fn start_reconnect_loop(&self) {}
}

fn subscribe_message(id: u32, pattern: &str) -> Message {
    Message::Subscribe(SubscribeMessage {
        id,
        pattern: pattern.to_string(),
        types: Vec::new(),
        options: Some(SubscribeOptions::default()),
    })
}

impl Inner {
    /// The HELLO this client opens every connection with.
    fn hello(&self) -> Message {
        let c = &self.config;
        Message::Hello(HelloMessage {
            version: PROTOCOL_VERSION,
            name: c.name.clone(),
            features: c.features.clone(),
            capabilities: None,
            token: c.token.clone(),
        })
    }

    /// Encodes now and sends. Boxed on purpose: every public call awaits this one future type
    /// instead of inlining the send state machine at each call site (a third of the .wasm).
    fn send(&self, message: &Message) -> LocalBoxFuture<'static, Result<()>> {
        let sender = self.sender.borrow().clone();
        let frame = codec::encode(message);
        Box::pin(async move {
            let sender = match sender {
                Some(s) => s,
                None => return Err(ClientError::NotConnected),
            };
            sender.send(frame?).await.map_err(ClientError::from)
        })
    }

    fn handle(&self, message: Message) -> Vec<(SubscriptionCallback, Value, String)> {
        let mut calls = Vec::new();
        match message {
            Message::Welcome(w) => {
                *self.session_id.borrow_mut() = Some(w.session);
                self.clock_offset_us.set(w.time as f64 - local_us());
                self.connected.set(true);
            }
            Message::Set(s) => self.update(s.address, s.value, &mut calls),
            Message::Snapshot(snap) => {
                for p in snap.params {
                    self.update(p.address, p.value, &mut calls);
                }
            }
            Message::Publish(p) => {
                let value = match (p.value, p.payload, p.samples) {
                    (Some(v), _, _) | (None, Some(v), _) => v,
                    (None, None, Some(samples)) => Value::Array(samples.into_iter().map(Value::Float).collect()),
                    _ => Value::Null,
                };
                self.dispatch(&p.address, value, &mut calls);
            }
            Message::Bundle(b) => {
                for m in b.messages {
                    calls.extend(self.handle(m));
                }
            }
            Message::Error(e) => *self.last_error.borrow_mut() = Some(e),
            Message::Announce(a) => self.learn(a.signals),
            Message::Result(r) => self.learn(r.signals),
            _ => {}
        }
        calls
    }

    fn learn(&self, signals: Vec<SignalDefinition>) {
        let mut known = self.signals.borrow_mut();
        for s in signals {
            match known.iter_mut().find(|k| k.address == s.address) {
                Some(k) => *k = s,
                None => known.push(s),
            }
        }
    }

    fn update(&self, address: String, value: Value, calls: &mut Vec<(SubscriptionCallback, Value, String)>) {
        let waiting: Vec<Rc<GetSlot>> =
            self.pending_gets.borrow().iter().filter(|(a, _)| *a == address).map(|(_, s)| s.clone()).collect();
        for slot in waiting {
            *slot.value.borrow_mut() = Some(value.clone());
            if let Some(w) = slot.waker.borrow_mut().take() {
                w.wake();
            }
        }
        self.dispatch(&address, value.clone(), calls);
        self.params.borrow_mut().insert(address, value);
    }

    fn dispatch(&self, address: &str, value: Value, calls: &mut Vec<(SubscriptionCallback, Value, String)>) {
        for s in self.subscriptions.borrow().iter() {
            if s.pattern.matches(address) {
                calls.push((s.callback.clone(), value.clone(), address.to_string()));
            }
        }
    }

    /// After a reconnect: HELLO, then every live subscription (ids kept).
    async fn rejoin(&self) {
        self.reconnects.set(self.reconnects.get().wrapping_add(1));
        let hello = self.hello();
        let subs: Vec<Message> =
            self.subscriptions.borrow().iter().map(|s| subscribe_message(s.id, s.pattern.address().as_str())).collect();
        if self.send(&hello).await.is_err() {
            return;
        }
        for m in subs {
            if self.send(&m).await.is_err() {
                return;
            }
        }
    }
}

async fn receive_loop(client: Weak<Inner>, mut receiver: WasmWebSocketReceiver) {
    while let Some(event) = receiver.recv().await {
        let inner = match client.upgrade() {
            Some(i) => i,
            None => return,
        };
        match event {
            TransportEvent::Data(frame) => {
                if let Ok((message, _, _)) = codec::decode_frame_message(&frame) {
                    if matches!(message, Message::Ping) {
                        let _ = inner.send(&Message::Pong).await;
                        continue;
                    }
                    for (callback, value, address) in inner.handle(message) {
                        callback(value, &address);
                    }
                }
            }
            TransportEvent::Disconnected { .. } => inner.connected.set(false),
            TransportEvent::Connected => {
                if !inner.closed.get() {
                    inner.rejoin().await;
                }
            }
            TransportEvent::Error(_) => {}
        }
    }
    if let Some(inner) = client.upgrade() {
        inner.connected.set(false);
        *inner.sender.borrow_mut() = None;
    }
}

struct GetWait {
    slot: Rc<GetSlot>,
}

impl Future for GetWait {
    type Output = Value;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Value> {
        match self.slot.value.borrow_mut().take() {
            Some(v) => Poll::Ready(v),
            None => {
                *self.slot.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
