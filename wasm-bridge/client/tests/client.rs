//! The client natively against a fake host (the `clasp_host` imports recorded, events delivered
//! by hand as the TypeScript host would): handshake, subscribe and callbacks, cache and GET
//! (answered and timed out), emit, and a drop + reconnect after which HELLO and every live
//! subscription are sent again in order.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use clasp_wasm_bridge::abi::*;
use clasp_wasm_bridge::host::{set_host, Host};
use clasp_wasm_bridge::{deliver, poll, spawn_local, timer_fired};
use clasp_wasm_client::{Clasp, ClientError, Value};
use clasp_wasm_core::codec::{decode, encode};
use clasp_wasm_core::{Message, ParamValue, SetMessage, SnapshotMessage, WelcomeMessage};

#[derive(Default)]
struct FakeHost {
    connects: RefCell<Vec<(u32, String)>>,
    sent: RefCell<Vec<Message>>,
    timers: RefCell<Vec<(u32, u32)>>,
    closes: RefCell<Vec<u32>>,
}

impl Host for FakeHost {
    fn connect(&self, handle: u32, config: &str) {
        self.connects.borrow_mut().push((handle, config.to_string()));
    }
    fn send(&self, _: u32, data: &[u8]) -> u32 {
        self.sent.borrow_mut().push(decode(data).expect("client sends valid frames").0);
        STATUS_OK
    }
    fn try_send(&self, h: u32, data: &[u8]) -> u32 {
        self.send(h, data)
    }
    fn is_connected(&self, _: u32) -> bool {
        true
    }
    fn close(&self, h: u32, _: u16, _: &str) -> u32 {
        self.closes.borrow_mut().push(h);
        STATUS_PENDING
    }
    fn drop_handle(&self, _: u32) {}
    fn resume(&self, _: u32) {}
    fn wake(&self) {}
    fn set_timer(&self, id: u32, ms: u32) {
        self.timers.borrow_mut().push((id, ms));
    }
    fn cancel_timer(&self, id: u32) {
        self.timers.borrow_mut().retain(|t| t.0 != id);
    }
    fn now(&self) -> f64 {
        1000.0
    }
    fn log(&self, _: u32, _: &str) {}
    fn report(&self, _: &str) {}
    fn panic(&self, _: &str) {}
}

fn run() {
    while poll() {}
}

fn capture<T: 'static, F: Future<Output = T> + 'static>(f: F) -> Rc<RefCell<Option<T>>> {
    let slot = Rc::new(RefCell::new(None));
    let s = slot.clone();
    spawn_local(async move { *s.borrow_mut() = Some(f.await) });
    run();
    slot
}

fn data(handle: u32, m: &Message) {
    assert_eq!(deliver(handle, EVENT_DATA, 0, encode(m).unwrap()), DELIVER_CONTINUE);
    run();
}

fn welcome(session: &str) -> Message {
    Message::Welcome(WelcomeMessage {
        version: 1,
        session: session.into(),
        name: "relay".into(),
        features: vec!["param".into()],
        time: 1_700_000_000_000_000,
        token: None,
    })
}

fn set(address: &str, value: Value) -> Message {
    Message::Set(SetMessage { address: address.into(), value, revision: Some(1), lock: false, unlock: false, ttl: None })
}

fn kinds(sent: &[Message]) -> Vec<String> {
    sent.iter()
        .map(|m| match m {
            Message::Hello(h) => format!("HELLO {}", h.name),
            Message::Subscribe(s) => format!("SUBSCRIBE {} {}", s.id, s.pattern),
            Message::Unsubscribe(u) => format!("UNSUBSCRIBE {}", u.id),
            Message::Set(s) => format!("SET {}", s.address),
            Message::Get(g) => format!("GET {}", g.address),
            Message::Publish(p) => format!("PUBLISH {}", p.address),
            Message::Pong => "PONG".to_string(),
            _ => "other".to_string(),
        })
        .collect()
}

fn connected_client(host: &Rc<FakeHost>) -> (Clasp, u32) {
    let client = capture(Clasp::builder("ws://relay/").name("native").reconnect_interval(250).connect());
    let (handle, config) = host.connects.borrow().last().cloned().expect("connect called");
    assert!(config.contains(r#""reconnect":{"minReconnectionDelay":250}"#), "{}", config);
    assert!(config.contains(r#""name":"native""#), "{}", config);
    deliver(handle, EVENT_OPEN_OK, 0, Vec::new());
    deliver(handle, EVENT_CONNECTED, 0, b"clasp".to_vec());
    run();
    assert_eq!(kinds(&host.sent.borrow()), vec!["HELLO native"]);
    assert!(client.borrow().is_none(), "resolved before WELCOME");
    data(handle, &welcome("s1"));
    let c = client.borrow_mut().take().expect("connected").expect("no error");
    (c, handle)
}

#[test]
fn subscribe_set_get_emit_and_resubscribe_after_a_reconnect() {
    let host = Rc::new(FakeHost::default());
    set_host(host.clone());
    let (client, handle) = connected_client(&host);
    assert!(client.is_connected());
    assert_eq!(client.session_id().as_deref(), Some("s1"));
    assert!(client.time() >= 1_700_000_000_000_000);

    let seen: Rc<RefCell<Vec<(String, Value)>>> = Rc::default();
    let s = seen.clone();
    let c = client.clone();
    let id = capture(async move {
        c.subscribe("/mix/**", move |v, a| s.borrow_mut().push((a.to_string(), v))).await
    });
    let id = id.borrow_mut().take().unwrap().unwrap();
    let c = client.clone();
    let other = capture(async move { c.on("/other/*", |_, _| {}).await }).borrow_mut().take().unwrap().unwrap();
    let c = client.clone();
    capture(async move { c.set("/mix/fader", 0.5).await.unwrap() });
    let c = client.clone();
    capture(async move { c.emit("/cue/go", Value::Null).await.unwrap() });

    data(handle, &set("/mix/fader", Value::Float(0.75)));
    data(handle, &set("/elsewhere", Value::Int(1)));
    assert_eq!(*seen.borrow(), vec![("/mix/fader".to_string(), Value::Float(0.75))]);
    assert_eq!(client.cached("/mix/fader"), Some(Value::Float(0.75)));

    // get: cached, then asked and answered by a SNAPSHOT.
    let c = client.clone();
    assert_eq!(*capture(async move { c.get("/mix/fader").await }).borrow(), Some(Ok(Value::Float(0.75))));
    let c = client.clone();
    let asked = capture(async move { c.get("/remote").await });
    let snapshot = Message::Snapshot(SnapshotMessage {
        params: vec![ParamValue { address: "/remote".into(), value: Value::Int(1 << 60), revision: 3, writer: None, timestamp: None }],
    });
    data(handle, &snapshot);
    assert_eq!(*asked.borrow(), Some(Ok(Value::Int(1 << 60))));

    // get without an answer: Timeout after the 5 s host timer.
    let c = client.clone();
    let lost = capture(async move { c.get("/nobody").await });
    let timer = host.timers.borrow().iter().find(|t| t.1 == 5000).expect("5 s timer").0;
    timer_fired(timer);
    run();
    assert_eq!(*lost.borrow(), Some(Err(ClientError::Timeout)));

    // A PING from the relay gets a PONG.
    data(handle, &Message::Ping);

    // Unsubscribe one, then drop and reconnect: HELLO and the live subscription again.
    let c = client.clone();
    capture(async move { c.unsubscribe(other).await.unwrap() });
    host.sent.borrow_mut().clear();
    deliver(handle, EVENT_DISCONNECTED, disconnected_arg(1006, false), Vec::new());
    run();
    assert!(!client.is_connected());
    let c = client.clone();
    assert_eq!(*capture(async move { c.reconnects() }).borrow(), Some(0));
    deliver(handle, EVENT_CONNECTED, 0, b"clasp".to_vec());
    run();
    assert_eq!(kinds(&host.sent.borrow()), vec!["HELLO native".to_string(), format!("SUBSCRIBE {} /mix/**", id)]);
    data(handle, &welcome("s2"));
    assert!(client.is_connected());
    assert_eq!(client.session_id().as_deref(), Some("s2"));
    assert_eq!(client.reconnects(), 1);

    // Callbacks still fire after the reconnect, and may call the client themselves.
    data(handle, &set("/mix/other", Value::String("ü".into())));
    assert_eq!(seen.borrow().last(), Some(&("/mix/other".to_string(), Value::String("ü".into()))));

    // close: the transport is closed and sends fail with NotConnected.
    let c = client.clone();
    let closed = capture(async move { c.close().await });
    assert_eq!(host.closes.borrow().as_slice(), &[handle]);
    deliver(handle, EVENT_CLOSE_DONE, STATUS_OK, Vec::new());
    run();
    assert_eq!(*closed.borrow(), Some(()));
    let c = client.clone();
    assert_eq!(*capture(async move { c.set("/x", 1).await }).borrow(), Some(Err(ClientError::NotConnected)));
    finish(handle);
}

/// Ends the connection as the host does, so no task is left for thread-local teardown.
fn finish(handle: u32) {
    deliver(handle, EVENT_END, 0, Vec::new());
    run();
}

#[test]
fn a_close_before_welcome_or_an_error_fails_the_connect() {
    let host = Rc::new(FakeHost::default());
    set_host(host.clone());
    let client = capture(Clasp::connect_to("ws://relay/"));
    let (handle, config) = host.connects.borrow().last().cloned().unwrap();
    assert!(config.contains(r#""reconnect":{"minReconnectionDelay":5000}"#), "{}", config);
    deliver(handle, EVENT_OPEN_OK, 0, Vec::new());
    run();
    deliver(handle, EVENT_DISCONNECTED, disconnected_arg(4003, true), b"go away".to_vec());
    run();
    let outcome = client.borrow_mut().take();
    match outcome {
        Some(Err(ClientError::ConnectionFailed(m))) => assert_eq!(m, "go away"),
        other => panic!("{:?}", other.map(|r| r.map(|_| ()))),
    }

    let client = capture(Clasp::builder("ws://relay/").reconnect(false).connect());
    let (handle, config) = host.connects.borrow().last().cloned().unwrap();
    assert!(config.contains(r#""reconnect":false"#), "{}", config);
    deliver(handle, EVENT_OPEN_OK, 0, Vec::new());
    run();
    let refused = Message::Error(clasp_wasm_core::ErrorMessage { code: 300, message: "Authentication required".into(), address: None, correlation_id: None });
    data(handle, &refused);
    let outcome = client.borrow_mut().take();
    match outcome {
        Some(Err(ClientError::ConnectionFailed(m))) => assert!(m.contains("300"), "{}", m),
        other => panic!("{:?}", other.map(|r| r.map(|_| ()))),
    }
    finish(handle);
}
