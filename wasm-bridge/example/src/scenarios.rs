//! The example's modes (see the crate docs). Each reports JSON objects through the host.
//! The modes here drive the bridge's transport directly (they test the bridge itself); the
//! application modes (`demo`, `interop`, `bench`) use `clasp-wasm-client`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use clasp_wasm_bridge::{
    now_ms, spawn_local, yield_now, TransportError, TransportEvent, TransportReceiver, TransportSender,
    WasmWebSocketConfig, WasmWebSocketReceiver, WasmWebSocketSender, WasmWebSocketTransport,
};

use clasp_wasm_core::codec;
use clasp_wasm_core::{AckMessage, HelloMessage, Message, SetMessage, SubscribeMessage, Value, PROTOCOL_VERSION};

use crate::json::Json;
use crate::Args;

/// Dispatches on `mode`.
pub async fn run(args: Args) {
    // Each mode boxed: one state machine per mode instead of all of them inlined into this one.
    let mode: Pin<Box<dyn Future<Output = ()> + '_>> = match args.get("mode").unwrap_or("demo") {
        "demo" => Box::pin(crate::demo::demo(&args)),
        "interop" => Box::pin(crate::interop::interop(&args)),
        "bench" => Box::pin(crate::bench::bench(&args)),
        "stream" => Box::pin(stream(&args)),
        "close" => Box::pin(close(&args)),
        "backpressure" => Box::pin(backpressure(&args)),
        _ => Box::pin(other_mode(&args)),
    };
    mode.await
}

async fn other_mode(args: &Args) {
    match args.get("mode").unwrap_or("demo") {
        "panic" => {
            let _halves = open(args).await;
            yield_now().await;
            panic!("example panic: {}", args.get("msg").unwrap_or("boom"));
        }
        other => Json::event("error").str("message", &format!("unknown mode {}", other)).report(),
    }
}

fn error_variant(e: &TransportError) -> &'static str {
    match e {
        TransportError::InvalidUrl { .. } => "InvalidUrl",
        TransportError::Timeout { .. } => "Timeout",
        TransportError::ConnectionFailed { .. } => "ConnectionFailed",
        TransportError::NotConnected => "NotConnected",
        TransportError::BufferFull { .. } => "BufferFull",
        TransportError::InvalidCloseCode { .. } => "InvalidCloseCode",
        TransportError::InvalidCloseReason { .. } => "InvalidCloseReason",
        TransportError::SendFailed { .. } => "SendFailed",
        _ => "Other",
    }
}

fn report_error(event: &str, e: &TransportError) {
    Json::event(event).str("variant", error_variant(e)).str("error", &e.to_string()).report();
}

/// Connects to `url` (with `hwm`, `timeout` when given), reporting the outcome.
pub(crate) async fn open(args: &Args) -> Option<(WasmWebSocketSender, WasmWebSocketReceiver)> {
    let mut config = WasmWebSocketConfig::new(args.get("url").unwrap_or("ws://127.0.0.1:7330"));
    config.name = Some("rust-wasm-example".to_string());
    if let Some(hwm) = args.get("hwm").and_then(|v| v.parse().ok()) {
        config.high_water_mark = Some(hwm);
    }
    if let Some(ms) = args.get("timeout").and_then(|v| v.parse().ok()) {
        config.connect_timeout_ms = Some(ms);
    }
    match WasmWebSocketTransport::connect(config).await {
        Ok(halves) => {
            Json::event("connected").report();
            Some(halves)
        }
        Err(e) => {
            report_error("connect_error", &e);
            None
        }
    }
}

pub(crate) fn report_disconnected(reason: &Option<String>, code: u16, was_clean: bool) {
    Json::event("disconnected")
        .num("code", i64::from(code))
        .str("reason", reason.as_deref().unwrap_or(""))
        .bool("clean", was_clean)
        .report();
}

/// One frame, or `None` (reported) when the message cannot be encoded.
pub(crate) fn encoded(message: &Message) -> Option<Vec<u8>> {
    match codec::encode(message) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            Json::event("encode_error").str("error", &e.to_string()).report();
            None
        }
    }
}

pub(crate) fn hello(name: &str) -> Message {
    Message::Hello(HelloMessage {
        version: PROTOCOL_VERSION,
        name: name.to_string(),
        features: vec!["param".to_string(), "event".to_string(), "stream".to_string()],
        capabilities: None,
        token: None,
    })
}

fn subscribe(id: u32, pattern: &str) -> Message {
    Message::Subscribe(SubscribeMessage { id, pattern: pattern.to_string(), types: Vec::new(), options: None })
}

fn set(address: &str, value: Value) -> Message {
    Message::Set(SetMessage { address: address.to_string(), value, revision: None, lock: false, unlock: false, ttl: None })
}

/// Sends `message` if it encodes; the send's error, if any.
pub(crate) async fn send(sender: &WasmWebSocketSender, message: &Message) -> Result<(), TransportError> {
    match encoded(message) {
        Some(frame) => sender.send(frame).await,
        None => Ok(()),
    }
}

/// Answers received so far, whether to stop, and the send task waiting for more answers.
#[derive(Default)]
pub(crate) struct Flow {
    pub(crate) answers: Cell<u64>,
    pub(crate) stopped: Cell<bool>,
    waiter: RefCell<Option<Waker>>,
}

impl Flow {
    fn wake(&self) {
        if let Some(w) = self.waiter.borrow_mut().take() {
            w.wake();
        }
    }
    pub(crate) fn advance(&self) {
        self.answers.set(self.answers.get() + 1);
        self.wake();
    }
    pub(crate) fn stop(&self) {
        self.stopped.set(true);
        self.wake();
    }
    /// Resolves once `answers >= target` or the flow is stopped.
    pub(crate) fn wait(self: &Rc<Self>, target: u64) -> WaitAnswers {
        WaitAnswers { flow: self.clone(), target }
    }
}

pub(crate) struct WaitAnswers {
    flow: Rc<Flow>,
    target: u64,
}

impl Future for WaitAnswers {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.flow.answers.get() >= self.target || self.flow.stopped.get() {
            return Poll::Ready(());
        }
        *self.flow.waiter.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// `stream`: n SETs with a window on the raw transport, answers checked for completeness and order.
async fn stream(args: &Args) {
    let (sender, mut receiver) = match open(args).await {
        Some(h) => h,
        None => return,
    };
    let n = args.num("n", 10_000);
    let window = args.num("window", 256).max(1);
    let progress = args.num("progress", 0);
    let relay = args.num("relay", 1) == 1;
    let sender = Rc::new(sender);
    if relay {
        let _ = send(&sender, &hello("rust-wasm-example")).await;
        let _ = send(&sender, &subscribe(1, "/bench/**")).await;
    }
    let flow = Rc::new(Flow::default());
    let started = now_ms();
    spawn_local(send_loop(sender.clone(), flow.clone(), n, window));

    // Relay: each SET is answered by an ACK (increasing revision) and broadcast back to us as a
    // subscriber. Echo server: each SET comes back as it was. Either way SET values run 0, 1, 2, …
    let (mut in_order, mut last_revision, mut frames_in, mut sets_in, mut welcome) = (true, 0u64, 0u64, 0u64, false);
    while flow.answers.get() < n {
        let frame = match receiver.recv().await {
            Some(TransportEvent::Data(frame)) => frame,
            Some(TransportEvent::Disconnected { reason, code, was_clean }) => {
                report_disconnected(&reason, code, was_clean);
                continue;
            }
            Some(TransportEvent::Error(e)) => {
                Json::event("transport_error").str("error", &e).report();
                continue;
            }
            Some(TransportEvent::Connected) => continue,
            None => break,
        };
        frames_in += 1;
        let answered = match codec::decode_frame_message(&frame) {
            Ok((Message::Ack(AckMessage { revision: Some(r), .. }), _, _)) if relay => {
                in_order &= r > last_revision;
                last_revision = r;
                true
            }
            Ok((Message::Set(s), _, _)) if s.address == "/bench/seq" => {
                in_order &= s.value == Value::Int(sets_in as i64);
                sets_in += 1;
                !relay
            }
            Ok((Message::Welcome(_), _, _)) => {
                welcome = true;
                false
            }
            _ => false,
        };
        if answered {
            flow.advance();
            if progress > 0 && flow.answers.get() % progress == 0 {
                Json::event("progress").num("answers", flow.answers.get() as i64).report();
            }
        }
    }
    flow.stop();
    let elapsed_us = ((now_ms() - started) * 1000.0) as i64;
    Json::event("stream_done")
        .num("sent", n as i64)
        .num("answers", flow.answers.get() as i64)
        .num("frames_in", frames_in as i64)
        .num("sets_in", sets_in as i64)
        .bool("welcome", welcome)
        .bool("in_order", in_order)
        .num("elapsed_us", elapsed_us)
        .report();
    let rtt = args.num("rtt", 0);
    if rtt > 0 {
        round_trips(&sender, &mut receiver, rtt).await;
    }
    if flow.answers.get() == n {
        finish(&sender, &mut receiver).await;
    } else {
        // The connection ended early: a send now must fail with a value, not a trap.
        if let Err(e) = send(&sender, &Message::Ping).await {
            report_error("send_after_disconnect", &e);
        }
        while receiver.recv().await.is_some() {}
        Json::event("end").report();
    }
}

async fn send_loop(sender: Rc<WasmWebSocketSender>, flow: Rc<Flow>, n: u64, window: u64) {
    for i in 0..n {
        if i >= window {
            flow.wait(i + 1 - window).await;
        }
        if flow.stopped.get() {
            return;
        }
        if let Err(e) = send(&sender, &set("/bench/seq", Value::Int(i as i64))).await {
            report_error("send_error", &e);
            return;
        }
    }
}

/// `rtt` sequential PING → PONG round trips; reports the mean, minimum and maximum in µs
/// (no median: sorting would add 3 KB to the .wasm).
pub(crate) async fn round_trips(sender: &WasmWebSocketSender, receiver: &mut WasmWebSocketReceiver, count: u64) {
    let mut samples: Vec<i64> = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let t0 = now_ms();
        if send(sender, &Message::Ping).await.is_err() {
            break;
        }
        loop {
            match receiver.recv().await {
                Some(TransportEvent::Data(f)) if matches!(codec::decode_frame_message(&f), Ok((Message::Pong, _, _))) => break,
                Some(_) => continue,
                None => return,
            }
        }
        samples.push(((now_ms() - t0) * 1000.0) as i64);
    }
    let mean = samples.iter().sum::<i64>() / (samples.len().max(1) as i64);
    let min = samples.iter().copied().min().unwrap_or(0);
    let max = samples.iter().copied().max().unwrap_or(0);
    Json::event("rtt")
        .num("count", samples.len() as i64)
        .num("mean_us", mean)
        .num("min_us", min)
        .num("max_us", max)
        .report();
}

/// Closes with 1000 and reads the rest of the events.
pub(crate) async fn finish(sender: &WasmWebSocketSender, receiver: &mut WasmWebSocketReceiver) {
    if let Err(e) = sender.close().await {
        report_error("close_error", &e);
    }
    while let Some(event) = receiver.recv().await {
        if let TransportEvent::Disconnected { reason, code, was_clean } = event {
            report_disconnected(&reason, code, was_clean);
        }
    }
    Json::event("end").report();
}

/// `close`: an invalid close first (rejected before the socket), then `code` + `reason`.
async fn close(args: &Args) {
    let (sender, mut receiver) = match open(args).await {
        Some(h) => h,
        None => return,
    };
    if let Err(e) = sender.close_with(1005, "").await {
        report_error("close_rejected", &e);
    }
    let code = args.num("code", 1000) as u16;
    let reason = args.get("reason").unwrap_or("");
    match sender.close_with(code, reason).await {
        Ok(()) => Json::event("closed").bool("connected", sender.is_connected()).report(),
        Err(e) => report_error("close_error", &e),
    }
    while let Some(event) = receiver.recv().await {
        match event {
            TransportEvent::Disconnected { reason, code, was_clean } => report_disconnected(&reason, code, was_clean),
            TransportEvent::Data(f) => Json::event("data").num("len", f.len() as i64).report(),
            _ => {}
        }
    }
    Json::event("end").report();
}

/// `backpressure`: `try_send` until `BufferFull`, then `more` awaited `send`s that must succeed.
async fn backpressure(args: &Args) {
    let (sender, receiver) = match open(args).await {
        Some(h) => h,
        None => return,
    };
    let size = args.num("size", 60_000) as usize;
    let max = args.num("max", 10_000);
    let mut accepted = 0u64;
    let mut full = None;
    while accepted < max {
        match sender.try_send(vec![0x53; size]) {
            Ok(()) => accepted += 1,
            Err(e) => {
                full = Some(e);
                break;
            }
        }
    }
    match &full {
        Some(TransportError::BufferFull { len }) => {
            Json::event("buffer_full").num("accepted", accepted as i64).num("len", *len as i64).report()
        }
        Some(e) => report_error("try_send_error", e),
        None => Json::event("never_full").num("accepted", accepted as i64).report(),
    }
    Json::event("waiting_send").report();
    let more = args.num("more", 1);
    for i in 0..more {
        if let Err(e) = sender.send(vec![0x53; size]).await {
            report_error("send_error", &e);
            break;
        }
        if i + 1 == more {
            Json::event("send_after_full").num("sent", more as i64).report();
        }
    }
    drop(receiver);
    drop(sender);
    Json::event("dropped").report();
}
