//! The host seen from safe Rust: one trait with the `clasp_host` imports, so that everything
//! above it (executor, queue, sender/receiver) runs natively against a fake host in tests.

use std::cell::RefCell;
use std::rc::Rc;

/// The `clasp_host` imports, safe. Statuses are the `STATUS_*` numbers of [`crate::abi`].
///
/// Rule of the ABI: no import calls back into an export. Events produced by an import
/// (e.g. `connect`) are delivered later through `clasp_deliver`.
pub trait Host {
    /// Opens a connection; the result arrives as `OPEN_OK` / `OPEN_FAILED`.
    fn connect(&self, handle: u32, config_json: &str);
    /// Sends a frame, waiting in JS when the buffer is full: `OK`, `PENDING` (`SEND_DONE` follows) or an error.
    fn send(&self, handle: u32, data: &[u8]) -> u32;
    /// Sends a frame now or fails: `OK` or an error status (`BUFFER_FULL`).
    fn try_send(&self, handle: u32, data: &[u8]) -> u32;
    /// Whether the transport is open.
    fn is_connected(&self, handle: u32) -> bool;
    /// Starts closing: `PENDING` (`CLOSE_DONE` follows) or an error status.
    fn close(&self, handle: u32, code: u16, reason: &str) -> u32;
    /// Releases the JS side of a connection (closes the socket if open). No event follows.
    fn drop_handle(&self, handle: u32);
    /// Resumes delivery to a receive queue that answered `DELIVER_PAUSE`.
    fn resume(&self, handle: u32);
    /// Asks JS to call `clasp_poll` once the current export call returns. Coalesced by the executor.
    fn wake(&self);
    /// Starts a one-shot timer; `clasp_timer_fired(id)` follows after `ms`.
    fn set_timer(&self, id: u32, ms: u32);
    /// Cancels a timer; no `clasp_timer_fired` follows.
    fn cancel_timer(&self, id: u32);
    /// Milliseconds from the host's monotonic clock (`performance.now()`).
    fn now(&self) -> f64;
    /// A log line (`level`: 0 debug, 1 info, 2 warn, 3 error).
    fn log(&self, level: u32, message: &str);
    /// An application report (free text, the example uses JSON).
    fn report(&self, message: &str);
    /// A panic message; the instance traps right after this call.
    fn panic(&self, message: &str);
}

thread_local! {
    static HOST: RefCell<Option<Rc<dyn Host>>> = RefCell::new(None);
}

/// Installs the host of this thread (the wasm host at init; a fake host in native tests).
pub fn set_host(host: Rc<dyn Host>) {
    HOST.with(|h| *h.borrow_mut() = Some(host));
}

/// The current host. No borrow is held while the caller uses it.
pub(crate) fn host() -> Rc<dyn Host> {
    let installed = HOST.with(|h| h.borrow().clone());
    match installed {
        Some(h) => h,
        None => default_host(),
    }
}

/// The host for panic reporting: never panics itself (a panic inside the panic hook aborts silently).
pub(crate) fn try_host() -> Option<Rc<dyn Host>> {
    HOST.try_with(|h| h.try_borrow().ok().and_then(|b| b.clone())).ok().flatten()
}

#[cfg(target_arch = "wasm32")]
fn default_host() -> Rc<dyn Host> {
    let h: Rc<dyn Host> = Rc::new(crate::ffi::WasmHost);
    set_host(h.clone());
    h
}

#[cfg(not(target_arch = "wasm32"))]
fn default_host() -> Rc<dyn Host> {
    // Natively there is no JavaScript: only tests (with a fake host) run this crate's logic.
    panic!("clasp-wasm-bridge: no host installed (natively, call host::set_host with a fake first)")
}
