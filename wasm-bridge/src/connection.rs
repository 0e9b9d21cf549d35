//! The Rust side of one connection: the ordered event queue, the wakers of the futures waiting
//! on it, and the registry that `clasp_deliver` looks handles up in.
//!
//! Invariants:
//! - Every host event for a handle goes through [`deliver`], in the order JS received it, into
//!   one `VecDeque`: `Disconnected` is queued after the last `Data` of its connection.
//! - The registry holds `Weak` references: the sender and receiver own the connection. When the
//!   last of them (or a cancelled connect future) drops it, `drop_handle` releases the JS side.
//! - Wakers are collected under the borrow and woken after it is released.
//! - `SEND_DONE` events arrive in send order; the n-th one completes the n-th pending send.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::task::Waker;

use crate::abi::{self, HostEvent};
use crate::error::TransportError;
use crate::event::TransportEvent;
use crate::host::host;

/// Events queued in Rust before `clasp_deliver` answers `DELIVER_PAUSE` (the JS pump then
/// waits for `resume`, leaving further frames in the transport's own bounded queue).
pub const RECV_HIGH_WATER: usize = 1024;

/// Where the connect attempt stands.
#[derive(Debug)]
pub(crate) enum OpenState {
    /// `connect` not yet called on the host.
    Idle,
    /// Waiting for `OPEN_OK` / `OPEN_FAILED`.
    Pending,
    /// Open (or was): the halves exist.
    Open,
    /// Failed; the error is taken by the connect future.
    Failed(Option<TransportError>),
}

/// State shared by the connect future, the sender and the receiver of one connection.
#[derive(Debug)]
pub(crate) struct Conn {
    pub handle: u32,
    pub url: String,
    pub open: OpenState,
    pub open_waker: Option<Waker>,
    pub queue: VecDeque<TransportEvent>,
    pub recv_waker: Option<Waker>,
    pub ended: bool,
    pub paused: bool,
    pub sends_issued: u64,
    pub sends_done: u64,
    /// Completed sends not yet claimed by their future: (seq, status). Tiny, so a Vec.
    pub send_results: Vec<(u64, u32)>,
    /// Pending sends whose future was dropped: their completion is discarded.
    pub abandoned_sends: Vec<u64>,
    pub send_wakers: Vec<Waker>,
    pub close_result: Option<u32>,
    pub close_waker: Option<Waker>,
}

/// A shared connection; dropping the last one releases the host handle.
#[derive(Debug)]
pub(crate) struct ConnRef(pub Rc<RefCell<Conn>>);

impl Drop for ConnRef {
    fn drop(&mut self) {
        if Rc::strong_count(&self.0) == 1 {
            let handle = self.0.borrow().handle;
            REGISTRY.with(|r| r.borrow_mut().remove(handle));
            host().drop_handle(handle);
        }
    }
}

impl ConnRef {
    /// Another owner of the same connection.
    pub fn share(&self) -> ConnRef {
        ConnRef(self.0.clone())
    }
    /// The host handle.
    pub fn handle(&self) -> u32 {
        self.0.borrow().handle
    }
}

/// Live connections by handle. A handful per page, so a Vec (a BTreeMap costs ~15 KB of .wasm).
#[derive(Default)]
struct Registry {
    next_handle: u32,
    conns: Vec<(u32, Weak<RefCell<Conn>>)>,
}

impl Registry {
    fn get(&self, handle: u32) -> Option<Rc<RefCell<Conn>>> {
        self.conns.iter().find(|(h, _)| *h == handle).and_then(|(_, w)| w.upgrade())
    }
    fn remove(&mut self, handle: u32) {
        self.conns.retain(|(h, _)| *h != handle);
    }
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

/// Registers a new connection to `url` with a fresh handle (never reused within an instance).
pub(crate) fn register(url: &str) -> ConnRef {
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        r.next_handle = r.next_handle.wrapping_add(1).max(1);
        let handle = r.next_handle;
        let conn = Rc::new(RefCell::new(Conn {
            handle,
            url: url.to_string(),
            open: OpenState::Idle,
            open_waker: None,
            queue: VecDeque::new(),
            recv_waker: None,
            ended: false,
            paused: false,
            sends_issued: 0,
            sends_done: 0,
            send_results: Vec::new(),
            abandoned_sends: Vec::new(),
            send_wakers: Vec::new(),
            close_result: None,
            close_waker: None,
        }));
        r.conns.push((handle, Rc::downgrade(&conn)));
        ConnRef(conn)
    })
}

/// Number of registered connections (for tests and diagnostics).
pub fn live_connections() -> usize {
    REGISTRY.with(|r| r.borrow().conns.len())
}

/// Applies one raw host event (the body of the `clasp_deliver` export).
/// Returns `DELIVER_CONTINUE`, `DELIVER_PAUSE` or `DELIVER_REJECTED`.
pub fn deliver(handle: u32, kind: u32, arg: u32, bytes: Vec<u8>) -> u32 {
    let event = match abi::decode_event(kind, arg, bytes) {
        Some(e) => e,
        None => return abi::DELIVER_REJECTED,
    };
    let conn = REGISTRY.with(|r| r.borrow().get(handle));
    let conn = match conn {
        Some(c) => c,
        // Dropped on the Rust side: the host stops delivering after `drop_handle`; late events are discarded.
        None => return abi::DELIVER_CONTINUE,
    };
    let mut wake: Vec<Waker> = Vec::new();
    let result = apply(&mut conn.borrow_mut(), event, &mut wake);
    drop(conn);
    for w in wake {
        w.wake();
    }
    result
}

fn apply(c: &mut Conn, event: HostEvent, wake: &mut Vec<Waker>) -> u32 {
    match event {
        HostEvent::OpenOk => {
            c.open = OpenState::Open;
            wake.extend(c.open_waker.take());
        }
        HostEvent::OpenFailed { status, message } => {
            c.open = OpenState::Failed(Some(abi::open_error(&c.url, status, message)));
            c.ended = true;
            wake.extend(c.open_waker.take());
        }
        HostEvent::Event(e) => {
            c.queue.push_back(e);
            wake.extend(c.recv_waker.take());
            if c.queue.len() >= RECV_HIGH_WATER {
                c.paused = true;
                return abi::DELIVER_PAUSE;
            }
        }
        HostEvent::End => {
            c.ended = true;
            wake.extend(c.recv_waker.take());
        }
        HostEvent::SendDone(status) => {
            c.sends_done += 1;
            let seq = c.sends_done;
            match c.abandoned_sends.iter().position(|&s| s == seq) {
                Some(i) => {
                    c.abandoned_sends.swap_remove(i);
                }
                None => c.send_results.push((seq, status)),
            }
            wake.append(&mut c.send_wakers);
        }
        HostEvent::CloseDone(status) => {
            c.close_result = Some(status);
            wake.extend(c.close_waker.take());
        }
    }
    abi::DELIVER_CONTINUE
}
