//! What's tested (natively, against a fake host that records every import call):
//! - executor: no poll inside `spawn_local`, one `wake` per idle→ready transition, spawning
//!   and waking from inside a task, the poll budget against a task that never stops yielding
//! - connect: config JSON, success, each failure status → its `TransportError`, cancellation
//! - receive queue: order of 10 000 frames, close after the last frame, `None` at the end,
//!   pause at the high-water mark and `resume` after draining
//! - send / try_send / close: statuses → results, pending sends completed in order,
//!   abandoned sends, close argument validation before the host is called
//! - drop: receiver drop closes, last drop releases the handle, late events are discarded
//! - ABI encoding of events (`decode_event`), raw `clasp_alloc` + `clasp_deliver`
//! - timers: `sleep` fires through `timer_fired`, dropping it cancels

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use crate::abi::*;
use crate::host::{set_host, Host};
use crate::*;

mod abi_tests;
mod executor_tests;
mod transport_tests;

#[derive(Debug, Clone, PartialEq)]
enum Call {
    Connect(u32, String),
    Send(u32, Vec<u8>),
    TrySend(u32, Vec<u8>),
    Close(u32, u16, String),
    Drop(u32),
    Resume(u32),
    SetTimer(u32, u32),
    CancelTimer(u32),
    Report(String),
}

#[derive(Default)]
struct FakeHost {
    calls: RefCell<Vec<Call>>,
    wakes: Cell<u32>,
    send_status: Cell<u32>,
    try_send_status: Cell<u32>,
    close_status: Cell<u32>,
}

impl Host for FakeHost {
    fn connect(&self, h: u32, c: &str) {
        self.calls.borrow_mut().push(Call::Connect(h, c.to_string()));
    }
    fn send(&self, h: u32, d: &[u8]) -> u32 {
        self.calls.borrow_mut().push(Call::Send(h, d.to_vec()));
        self.send_status.get()
    }
    fn try_send(&self, h: u32, d: &[u8]) -> u32 {
        self.calls.borrow_mut().push(Call::TrySend(h, d.to_vec()));
        self.try_send_status.get()
    }
    fn is_connected(&self, _: u32) -> bool {
        true
    }
    fn close(&self, h: u32, code: u16, reason: &str) -> u32 {
        self.calls.borrow_mut().push(Call::Close(h, code, reason.to_string()));
        self.close_status.get()
    }
    fn drop_handle(&self, h: u32) {
        self.calls.borrow_mut().push(Call::Drop(h));
    }
    fn resume(&self, h: u32) {
        self.calls.borrow_mut().push(Call::Resume(h));
    }
    fn wake(&self) {
        self.wakes.set(self.wakes.get() + 1);
    }
    fn set_timer(&self, id: u32, ms: u32) {
        self.calls.borrow_mut().push(Call::SetTimer(id, ms));
    }
    fn cancel_timer(&self, id: u32) {
        self.calls.borrow_mut().push(Call::CancelTimer(id));
    }
    fn now(&self) -> f64 {
        0.0
    }
    fn log(&self, _: u32, _: &str) {}
    fn report(&self, m: &str) {
        self.calls.borrow_mut().push(Call::Report(m.to_string()));
    }
    fn panic(&self, _: &str) {}
}

fn fake() -> Rc<FakeHost> {
    let host = Rc::new(FakeHost::default());
    set_host(host.clone());
    host
}

/// Polls until no task is ready.
fn run() {
    while poll() {}
}

/// Spawns `f` and returns a slot that holds its output once it completed.
fn spawn_capture<T: 'static, F: Future<Output = T> + 'static>(f: F) -> Rc<RefCell<Option<T>>> {
    let out = Rc::new(RefCell::new(None));
    let slot = out.clone();
    spawn_local(async move {
        let v = f.await;
        *slot.borrow_mut() = Some(v);
    });
    out
}

/// Connects through the fake host and returns the open halves and their handle.
fn connected(url: &str) -> (WasmWebSocketSender, WasmWebSocketReceiver, u32) {
    let result = spawn_capture(WasmWebSocketTransport::connect_url(url));
    run();
    let handle = match fake_calls_last_connect() {
        Some(h) => h,
        None => panic!("connect not called"),
    };
    assert_eq!(deliver(handle, EVENT_OPEN_OK, 0, Vec::new()), DELIVER_CONTINUE);
    run();
    let (s, r) = result.borrow_mut().take().expect("connect resolved").expect("connect ok");
    (s, r, handle)
}

thread_local! { static LAST: RefCell<Option<Rc<FakeHost>>> = RefCell::new(None); }

fn fake_calls_last_connect() -> Option<u32> {
    LAST.with(|l| {
        l.borrow().as_ref().and_then(|h| {
            h.calls.borrow().iter().rev().find_map(|c| match c {
                Call::Connect(h, _) => Some(*h),
                _ => None,
            })
        })
    })
}

fn setup() -> Rc<FakeHost> {
    let h = fake();
    LAST.with(|l| *l.borrow_mut() = Some(h.clone()));
    h
}

/// A waker that does nothing, for polling futures by hand.
struct NoopWake;
impl std::task::Wake for NoopWake {
    fn wake(self: std::sync::Arc<Self>) {}
}
