//! [`ClaspBuilder`], as in `clasp-client::builder`.

use clasp_wasm_bridge::{KeepalivePolicy, ReconnectPolicy, WasmWebSocketConfig};

use crate::{Clasp, Result};

/// Builds and connects a [`Clasp`].
#[derive(Debug, Clone)]
pub struct ClaspBuilder {
    pub(crate) url: String,
    pub(crate) name: String,
    pub(crate) features: Vec<String>,
    pub(crate) token: Option<String>,
    pub(crate) reconnect: bool,
    pub(crate) reconnect_interval_ms: u64,
    pub(crate) max_reconnect_attempts: Option<u32>,
    pub(crate) keepalive: Option<KeepalivePolicy>,
    pub(crate) connect_timeout_ms: Option<u32>,
}

impl ClaspBuilder {
    /// A builder for `url`: name `Clasp Client`, features param + event + stream, reconnect on
    /// (first attempt after 5000 ms, then ×1.5 up to 30 s), keepalive as the page's defaults.
    pub fn new(url: &str) -> Self {
        ClaspBuilder {
            url: url.to_string(),
            name: "Clasp Client".to_string(),
            features: vec!["param".to_string(), "event".to_string(), "stream".to_string()],
            token: None,
            reconnect: true,
            reconnect_interval_ms: 5000,
            max_reconnect_attempts: None,
            keepalive: None,
            connect_timeout_ms: None,
        }
    }

    /// Client name sent in HELLO.
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// Features sent in HELLO (`param`, `event`, `stream`, `gesture`, `timeline`).
    pub fn features(mut self, features: Vec<String>) -> Self {
        self.features = features;
        self
    }

    /// Auth token sent in HELLO.
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_string());
        self
    }

    /// Reconnect after a drop (default on). After a reconnect the client sends HELLO and
    /// every subscription again.
    pub fn reconnect(mut self, enabled: bool) -> Self {
        self.reconnect = enabled;
        self
    }

    /// Delay before the first reconnect attempt, ms (default 5000; then ×1.5 up to 30 s).
    pub fn reconnect_interval(mut self, ms: u64) -> Self {
        self.reconnect_interval_ms = ms;
        self
    }

    /// Give up after this many reconnect attempts (default: the transport's, 10).
    pub fn max_reconnect_attempts(mut self, attempts: u32) -> Self {
        self.max_reconnect_attempts = Some(attempts);
        self
    }

    /// Keepalive PINGs to detect a dead relay (default: the page's `transportDefaults`).
    pub fn keepalive(mut self, policy: KeepalivePolicy) -> Self {
        self.keepalive = Some(policy);
        self
    }

    /// Give up connecting after this many ms (default: the transport's, 10 000).
    pub fn connect_timeout(mut self, ms: u32) -> Self {
        self.connect_timeout_ms = Some(ms);
        self
    }

    /// The transport settings this builder gives.
    pub fn transport_config(&self) -> WasmWebSocketConfig {
        let reconnect = if self.reconnect {
            ReconnectPolicy {
                min_delay_ms: Some(self.reconnect_interval_ms.min(u64::from(u32::MAX)) as u32),
                max_retries: self.max_reconnect_attempts,
                ..ReconnectPolicy::ON
            }
        } else {
            ReconnectPolicy::OFF
        };
        WasmWebSocketConfig {
            name: Some(self.name.clone()),
            reconnect: Some(reconnect),
            keepalive: self.keepalive,
            connect_timeout_ms: self.connect_timeout_ms,
            ..WasmWebSocketConfig::new(self.url.as_str())
        }
    }

    /// Connects, sends HELLO and resolves on WELCOME.
    ///
    /// Errors: [`ClientError::Transport`](crate::ClientError::Transport) when the socket does
    /// not open; [`ClientError::ConnectionFailed`](crate::ClientError::ConnectionFailed) when it
    /// closes before WELCOME; [`ClientError::Timeout`](crate::ClientError::Timeout) after 10 s
    /// without WELCOME.
    pub async fn connect(self) -> Result<Clasp> {
        Clasp::connect_with(self).await
    }
}
