//! The raw ABI: every `clasp_host` import and every exported entry point. The only module
//! with `unsafe` code. The TypeScript mirror is `HostImports` / `BridgeExports` in
//! `src/wasm/abi.ts`, member for member in this order.
//!
//! Memory rules:
//! - Rust → JS: an import receives `(ptr, len)` into wasm memory, valid only during the call.
//!   JS copies what it keeps (one copy) and never calls an export from inside an import.
//! - JS → Rust: JS gets a buffer from [`clasp_alloc`], writes into it (one copy), and passes it
//!   to an export, which takes ownership (it becomes the event's `Vec<u8>` without a copy).
//! - Memory may grow during any export call; JS re-reads `memory.buffer` after each call.

use std::future::Future;

#[cfg(target_arch = "wasm32")]
use crate::host::Host;

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "clasp_host")]
extern "C" {
    /// `HostImports.connect(handle, configPtr, configLen)`: opens a transport; config is JSON.
    #[link_name = "connect"]
    fn host_connect(handle: u32, config_ptr: *const u8, config_len: usize);
    /// `HostImports.send(handle, ptr, len) → status`: `sender.send` (OK, PENDING, or error).
    #[link_name = "send"]
    fn host_send(handle: u32, ptr: *const u8, len: usize) -> u32;
    /// `HostImports.try_send(handle, ptr, len) → status`: `sender.trySend`.
    #[link_name = "try_send"]
    fn host_try_send(handle: u32, ptr: *const u8, len: usize) -> u32;
    /// `HostImports.is_connected(handle) → 0 | 1`: `sender.isConnected()`.
    #[link_name = "is_connected"]
    fn host_is_connected(handle: u32) -> u32;
    /// `HostImports.close(handle, code, reasonPtr, reasonLen) → status`: `sender.close(code, reason)`.
    #[link_name = "close"]
    fn host_close(handle: u32, code: u32, reason_ptr: *const u8, reason_len: usize) -> u32;
    /// `HostImports.drop_handle(handle)`: closes if open and forgets the handle.
    #[link_name = "drop_handle"]
    fn host_drop_handle(handle: u32);
    /// `HostImports.resume(handle)`: restart delivery after `DELIVER_PAUSE`.
    #[link_name = "resume"]
    fn host_resume(handle: u32);
    /// `HostImports.wake()`: run `clasp_poll` once the current export call returns (coalesced).
    #[link_name = "wake"]
    fn host_wake();
    /// `HostImports.set_timer(id, ms)`: `setTimeout` → `clasp_timer_fired(id)`.
    #[link_name = "set_timer"]
    fn host_set_timer(id: u32, ms: u32);
    /// `HostImports.cancel_timer(id)`: `clearTimeout`.
    #[link_name = "cancel_timer"]
    fn host_cancel_timer(id: u32);
    /// `HostImports.now() → ms`: `performance.now()`.
    #[link_name = "now"]
    fn host_now() -> f64;
    /// `HostImports.log(level, ptr, len)`: console output.
    #[link_name = "log"]
    fn host_log(level: u32, ptr: *const u8, len: usize);
    /// `HostImports.report(ptr, len)`: `onReport(text)`.
    #[link_name = "report"]
    fn host_report(ptr: *const u8, len: usize);
    /// `HostImports.panic(ptr, len)`: the panic message; a trap follows.
    #[link_name = "panic"]
    fn host_panic(ptr: *const u8, len: usize);
}

/// The [`Host`] made of the `clasp_host` imports.
#[cfg(target_arch = "wasm32")]
#[derive(Debug, Clone, Copy)]
pub struct WasmHost;

// SAFETY (all methods): every pointer passed is valid for `len` bytes for the duration of the
// call, and the host only reads it during the call (ABI rule above).
#[cfg(target_arch = "wasm32")]
impl Host for WasmHost {
    fn connect(&self, handle: u32, config_json: &str) {
        unsafe { host_connect(handle, config_json.as_ptr(), config_json.len()) }
    }
    fn send(&self, handle: u32, data: &[u8]) -> u32 {
        unsafe { host_send(handle, data.as_ptr(), data.len()) }
    }
    fn try_send(&self, handle: u32, data: &[u8]) -> u32 {
        unsafe { host_try_send(handle, data.as_ptr(), data.len()) }
    }
    fn is_connected(&self, handle: u32) -> bool {
        unsafe { host_is_connected(handle) != 0 }
    }
    fn close(&self, handle: u32, code: u16, reason: &str) -> u32 {
        unsafe { host_close(handle, u32::from(code), reason.as_ptr(), reason.len()) }
    }
    fn drop_handle(&self, handle: u32) {
        unsafe { host_drop_handle(handle) }
    }
    fn resume(&self, handle: u32) {
        unsafe { host_resume(handle) }
    }
    fn wake(&self) {
        unsafe { host_wake() }
    }
    fn set_timer(&self, id: u32, ms: u32) {
        unsafe { host_set_timer(id, ms) }
    }
    fn cancel_timer(&self, id: u32) {
        unsafe { host_cancel_timer(id) }
    }
    fn now(&self) -> f64 {
        unsafe { host_now() }
    }
    fn log(&self, level: u32, message: &str) {
        unsafe { host_log(level, message.as_ptr(), message.len()) }
    }
    fn report(&self, message: &str) {
        unsafe { host_report(message.as_ptr(), message.len()) }
    }
    fn panic(&self, message: &str) {
        unsafe { host_panic(message.as_ptr(), message.len()) }
    }
}

/// Takes ownership of a buffer made by [`clasp_alloc`]`(len)`.
///
/// # Safety
/// `ptr` must come from `clasp_alloc(len)` with the same `len` and not be used afterwards.
unsafe fn take_buffer(ptr: *mut u8, len: usize) -> Vec<u8> {
    if len == 0 || ptr.is_null() {
        return Vec::new();
    }
    // `Vec::with_capacity(len)` in `clasp_alloc` allocated exactly `len` bytes.
    Vec::from_raw_parts(ptr, len, len)
}

/// JS `exports.clasp_alloc(len) → ptr`: a buffer of exactly `len` bytes for JS to fill.
/// Ownership passes back to Rust with the export it is given to, or to [`clasp_free`].
#[no_mangle]
pub extern "C" fn clasp_alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

/// JS `exports.clasp_free(ptr, len)`: frees a buffer from [`clasp_alloc`] that JS did not hand over.
///
/// # Safety
/// `ptr` must come from `clasp_alloc(len)` with the same `len` and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn clasp_free(ptr: *mut u8, len: usize) {
    drop(take_buffer(ptr, len));
}

/// JS `exports.clasp_init()`: installs the wasm host and the panic hook. Called once after
/// instantiation, before anything else.
#[no_mangle]
#[cfg(target_arch = "wasm32")]
pub extern "C" fn clasp_init() {
    crate::host::set_host(std::rc::Rc::new(WasmHost));
    crate::console::install_panic_hook();
}

/// JS `exports.clasp_deliver(handle, kind, arg, ptr, len) → DELIVER_*`: one host event
/// (`EVENT_*` kind) for a connection. The buffer (from `clasp_alloc(len)`, or `len` 0) is owned
/// by Rust from here on. Wakes the waiting futures; never polls them (JS calls `clasp_poll`).
///
/// # Safety
/// `ptr` must come from `clasp_alloc(len)` with the same `len` (or `len` be 0) and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn clasp_deliver(handle: u32, kind: u32, arg: u32, ptr: *mut u8, len: usize) -> u32 {
    crate::connection::deliver(handle, kind, arg, take_buffer(ptr, len))
}

/// JS `exports.clasp_timer_fired(id)`: a `set_timer` timer fired.
#[no_mangle]
pub extern "C" fn clasp_timer_fired(id: u32) {
    crate::time::timer_fired(id);
}

/// JS `exports.clasp_poll() → 0 | 1`: runs ready tasks; 1 = more are ready (call again after
/// yielding to the page).
#[no_mangle]
pub extern "C" fn clasp_poll() -> u32 {
    u32::from(crate::executor::poll())
}

/// Body of the `clasp_main` export generated by [`main!`](crate::main): takes the start
/// arguments and spawns the application's future.
///
/// # Safety
/// The host passes a buffer from `clasp_alloc(len)`, which is not used afterwards.
#[doc(hidden)]
pub unsafe fn start_main<F, Fut>(ptr: *mut u8, len: usize, entry: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    let bytes = take_buffer(ptr, len);
    let args = crate::abi::text(bytes);
    crate::executor::spawn_local(entry(args));
}
