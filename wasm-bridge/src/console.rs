//! Logging, application reports and the panic hook, all through the host.

use crate::host::{host, try_host};

/// Log level of [`log`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `console.debug`
    Debug = 0,
    /// `console.info`
    Info = 1,
    /// `console.warn`
    Warn = 2,
    /// `console.error`
    Error = 3,
}

/// Writes a line to the host's console.
pub fn log(level: Level, message: &str) {
    host().log(level as u32, message);
}

/// Sends an application report to the host (the `onReport` callback of `src/wasm`).
pub fn report(message: &str) {
    host().report(message);
}

/// Installs the panic hook: the panic message and location go to the host's `panic` import
/// before the instance traps. Idempotent.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if let Some(h) = try_host() {
            h.panic(&info.to_string());
        }
    }));
}
