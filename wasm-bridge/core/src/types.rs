//! Protocol types and messages, as in `clasp-core::types` (without serde).

use std::collections::HashMap;

/// Message type codes (the first payload byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MessageType {
    /// HELLO, client → router.
    Hello = 0x01,
    /// WELCOME, router → client.
    Welcome = 0x02,
    /// ANNOUNCE.
    Announce = 0x03,
    /// FEDERATION_SYNC, router ↔ router.
    FederationSync = 0x04,
    /// SUBSCRIBE.
    Subscribe = 0x10,
    /// UNSUBSCRIBE.
    Unsubscribe = 0x11,
    /// PUBLISH.
    Publish = 0x20,
    /// SET.
    Set = 0x21,
    /// GET.
    Get = 0x22,
    /// SNAPSHOT, router → client.
    Snapshot = 0x23,
    /// REPLAY.
    Replay = 0x24,
    /// BUNDLE.
    Bundle = 0x30,
    /// SYNC (clock).
    Sync = 0x40,
    /// PING.
    Ping = 0x41,
    /// PONG.
    Pong = 0x42,
    /// ACK.
    Ack = 0x50,
    /// ERROR.
    Error = 0x51,
    /// QUERY.
    Query = 0x60,
    /// RESULT.
    Result = 0x61,
}

impl MessageType {
    /// The type for a code, or `None` for an unknown code.
    pub fn from_u8(val: u8) -> Option<Self> {
        use MessageType::*;
        Some(match val {
            0x01 => Hello,
            0x02 => Welcome,
            0x03 => Announce,
            0x04 => FederationSync,
            0x10 => Subscribe,
            0x11 => Unsubscribe,
            0x20 => Publish,
            0x21 => Set,
            0x22 => Get,
            0x23 => Snapshot,
            0x24 => Replay,
            0x30 => Bundle,
            0x40 => Sync,
            0x41 => Ping,
            0x42 => Pong,
            0x50 => Ack,
            0x51 => Error,
            0x60 => Query,
            0x61 => Result,
            _ => return None,
        })
    }
}

/// Quality of service (frame flag bits 7–6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum QoS {
    /// Best effort, no confirmation.
    Fire = 0,
    /// At least once.
    Confirm = 1,
    /// Exactly once, ordered.
    Commit = 2,
}

impl Default for QoS {
    fn default() -> Self {
        QoS::Fire
    }
}

impl QoS {
    /// The level for bits `0..=2`, or `None` (the reserved `3`).
    pub fn from_u8(val: u8) -> Option<Self> {
        match val {
            0 => Some(QoS::Fire),
            1 => Some(QoS::Confirm),
            2 => Some(QoS::Commit),
            _ => None,
        }
    }
}

/// Kind of signal an address carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignalType {
    /// Stateful value with revisions.
    Param,
    /// One-shot trigger.
    Event,
    /// High-rate samples.
    Stream,
    /// Phased input (start, move, end, cancel).
    Gesture,
    /// Keyframed automation.
    Timeline,
}

impl SignalType {
    /// The QoS a PUBLISH of this signal gets by default.
    pub fn default_qos(&self) -> QoS {
        match self {
            SignalType::Param | SignalType::Event => QoS::Confirm,
            SignalType::Stream | SignalType::Gesture => QoS::Fire,
            SignalType::Timeline => QoS::Commit,
        }
    }
}

/// How a router resolves concurrent writes to a param.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConflictStrategy {
    /// Last write wins.
    Lww,
    /// The largest value wins.
    Max,
    /// The smallest value wins.
    Min,
    /// Only the lock holder may write.
    Lock,
    /// Maps are merged.
    Merge,
}

/// Phase of a gesture PUBLISH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GesturePhase {
    /// The gesture began.
    Start,
    /// The gesture moved.
    Move,
    /// The gesture ended.
    End,
    /// The gesture was cancelled.
    Cancel,
}

/// Interpolation between timeline keyframes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EasingType {
    /// Straight line.
    Linear,
    /// Slow start.
    EaseIn,
    /// Slow end.
    EaseOut,
    /// Slow start and end.
    EaseInOut,
    /// Jump at the next keyframe.
    Step,
    /// [`TimelineKeyframe::bezier`] control points.
    CubicBezier,
}

impl Default for EasingType {
    fn default() -> Self {
        EasingType::Linear
    }
}

/// One keyframe of a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineKeyframe {
    /// Time from the timeline start, µs.
    pub time: u64,
    /// Value at that time.
    pub value: Value,
    /// Interpolation towards the next keyframe.
    pub easing: EasingType,
    /// Control points for [`EasingType::CubicBezier`].
    pub bezier: Option<[f64; 4]>,
}

/// Timeline automation. The v1 binary encoding does not carry it (neither does `clasp-core`'s).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineData {
    /// Keyframes in time order.
    pub keyframes: Vec<TimelineKeyframe>,
    /// Whether the timeline repeats.
    pub loop_: bool,
    /// Start time, µs.
    pub start_time: Option<u64>,
    /// Length, µs (default: the last keyframe's time).
    pub duration: Option<u64>,
}

impl TimelineData {
    /// A timeline of `keyframes`, not looping, no start time.
    pub fn new(keyframes: Vec<TimelineKeyframe>) -> Self {
        TimelineData { keyframes, loop_: false, start_time: None, duration: None }
    }

    /// Sets looping.
    pub fn with_loop(mut self, loop_: bool) -> Self {
        self.loop_ = loop_;
        self
    }

    /// Sets the start time (µs).
    pub fn with_start_time(mut self, time: u64) -> Self {
        self.start_time = Some(time);
        self
    }

    /// The length: `duration`, else the last keyframe's time, else 0.
    pub fn duration(&self) -> u64 {
        match self.duration {
            Some(d) => d,
            None => self.keyframes.last().map(|k| k.time).unwrap_or(0),
        }
    }
}

/// A value carried by SET, PUBLISH and SNAPSHOT.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 64-bit integer (sent as i64; i8/i16/i32 are widened on decode).
    Int(i64),
    /// A 64-bit float (f32 is widened on decode).
    Float(f64),
    /// UTF-8 text.
    String(String),
    /// A list (at most 65535 items).
    Array(Vec<Value>),
    /// String-keyed entries (at most 65535), encoded in key order.
    Map(HashMap<String, Value>),
    /// Raw bytes (at most 65535).
    Bytes(Vec<u8>),
}

impl Value {
    /// The number as `f64` (`Int` converted), or `None`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The number as `i64` (`Float` truncated, saturating), or `None`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(f) => Some(*f as i64),
            _ => None,
        }
    }

    /// The boolean, or `None`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The text, or `None`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Float(f64::from(v))
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(i64::from(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_string())
    }
}

/// Every CLASP message.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Client handshake.
    Hello(HelloMessage),
    /// Router handshake answer.
    Welcome(WelcomeMessage),
    /// Signal declarations.
    Announce(AnnounceMessage),
    /// Subscribe to a pattern.
    Subscribe(SubscribeMessage),
    /// Drop a subscription.
    Unsubscribe(UnsubscribeMessage),
    /// Event, stream, gesture or timeline data.
    Publish(PublishMessage),
    /// Write a param.
    Set(SetMessage),
    /// Ask for a param's value.
    Get(GetMessage),
    /// Param values.
    Snapshot(SnapshotMessage),
    /// Ask for recorded history.
    Replay(ReplayMessage),
    /// Router-to-router federation.
    FederationSync(FederationSyncMessage),
    /// Messages applied together.
    Bundle(BundleMessage),
    /// Clock synchronisation.
    Sync(SyncMessage),
    /// Liveness probe.
    Ping,
    /// Answer to [`Message::Ping`].
    Pong,
    /// Acknowledgement.
    Ack(AckMessage),
    /// Error report.
    Error(ErrorMessage),
    /// Ask for signal declarations.
    Query(QueryMessage),
    /// Answer to [`Message::Query`].
    Result(ResultMessage),
}

/// HELLO.
#[derive(Debug, Clone, PartialEq)]
pub struct HelloMessage {
    /// Protocol version ([`PROTOCOL_VERSION`](crate::PROTOCOL_VERSION)).
    pub version: u8,
    /// Client name.
    pub name: String,
    /// Features: `param`, `event`, `stream`, `gesture`, `timeline`, `federation`.
    pub features: Vec<String>,
    /// Not carried by the binary encoding (always `None` after decoding).
    pub capabilities: Option<Capabilities>,
    /// Auth token (empty is sent as none).
    pub token: Option<String>,
}

/// WELCOME.
#[derive(Debug, Clone, PartialEq)]
pub struct WelcomeMessage {
    /// Protocol version.
    pub version: u8,
    /// Session id given by the router.
    pub session: String,
    /// Router name.
    pub name: String,
    /// Features the router offers (`federation` is not carried).
    pub features: Vec<String>,
    /// Router time, µs since the Unix epoch.
    pub time: u64,
    /// Token (empty is sent as none).
    pub token: Option<String>,
}

/// HELLO capabilities (not carried by the binary encoding).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// End-to-end encryption supported.
    pub encryption: bool,
    /// Compression algorithm.
    pub compression: Option<String>,
}

/// ANNOUNCE.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnounceMessage {
    /// Namespace, e.g. `/lumen`.
    pub namespace: String,
    /// Declared signals.
    pub signals: Vec<SignalDefinition>,
    /// Not carried by the binary encoding (always `None` after decoding).
    pub meta: Option<HashMap<String, Value>>,
}

/// One declared signal (ANNOUNCE, RESULT).
#[derive(Debug, Clone, PartialEq)]
pub struct SignalDefinition {
    /// Address of the signal.
    pub address: String,
    /// Kind of signal.
    pub signal_type: SignalType,
    /// Data type name, e.g. `f64`.
    pub datatype: Option<String>,
    /// Access, e.g. `rw`.
    pub access: Option<String>,
    /// Metadata (ANNOUNCE only: RESULT does not carry it).
    pub meta: Option<SignalMeta>,
}

/// Metadata of a declared signal.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalMeta {
    /// Unit, e.g. `Hz`.
    pub unit: Option<String>,
    /// Minimum and maximum.
    pub range: Option<(f64, f64)>,
    /// Default value.
    pub default: Option<Value>,
    /// Free text.
    pub description: Option<String>,
}

/// SUBSCRIBE.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscribeMessage {
    /// Subscription id chosen by the client.
    pub id: u32,
    /// Address pattern (`*` one segment, `**` any number).
    pub pattern: String,
    /// Signal types wanted; empty means all.
    pub types: Vec<SignalType>,
    /// Rate and change filters.
    pub options: Option<SubscribeOptions>,
}

/// SUBSCRIBE options.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubscribeOptions {
    /// At most this many updates per second.
    pub max_rate: Option<u32>,
    /// Only changes larger than this.
    pub epsilon: Option<f64>,
    /// History entries to replay.
    pub history: Option<u32>,
    /// Window, ms.
    pub window: Option<u32>,
}

/// UNSUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeMessage {
    /// The subscription id.
    pub id: u32,
}

/// PUBLISH.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishMessage {
    /// Address.
    pub address: String,
    /// Signal type (`None` is written as event).
    pub signal: Option<SignalType>,
    /// The value (written first if present).
    pub value: Option<Value>,
    /// Event payload (written as the value; decodes as `value`).
    pub payload: Option<Value>,
    /// Stream samples.
    pub samples: Option<Vec<f64>>,
    /// Sample rate, Hz.
    pub rate: Option<u32>,
    /// Gesture id.
    pub id: Option<u32>,
    /// Gesture phase.
    pub phase: Option<GesturePhase>,
    /// Time, µs.
    pub timestamp: Option<u64>,
    /// Timeline data (not carried by the binary encoding).
    pub timeline: Option<TimelineData>,
}

/// Time to live of a SET.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ttl {
    /// Expires this many seconds after the last write.
    Sliding(u32),
    /// Expires this many seconds after the first write.
    Absolute(u32),
    /// Never expires.
    Never,
}

/// SET.
#[derive(Debug, Clone, PartialEq)]
pub struct SetMessage {
    /// Address.
    pub address: String,
    /// New value.
    pub value: Value,
    /// Expected revision (optimistic concurrency).
    pub revision: Option<u64>,
    /// Take the lock.
    pub lock: bool,
    /// Release the lock.
    pub unlock: bool,
    /// Time to live.
    pub ttl: Option<Ttl>,
}

/// GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMessage {
    /// Address.
    pub address: String,
}

/// SNAPSHOT.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotMessage {
    /// Param values.
    pub params: Vec<ParamValue>,
}

/// One param in a SNAPSHOT.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamValue {
    /// Address.
    pub address: String,
    /// Value.
    pub value: Value,
    /// Revision.
    pub revision: u64,
    /// Session that wrote it.
    pub writer: Option<String>,
    /// Time of the write, µs.
    pub timestamp: Option<u64>,
}

/// REPLAY.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayMessage {
    /// Address pattern.
    pub pattern: String,
    /// From this time, µs.
    pub from: Option<u64>,
    /// Until this time, µs.
    pub to: Option<u64>,
    /// At most this many entries.
    pub limit: Option<u32>,
    /// Signal types; empty means all.
    pub types: Vec<SignalType>,
}

/// FEDERATION_SYNC operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FederationOp {
    /// Declare owned namespace patterns.
    DeclareNamespaces = 0x01,
    /// Ask for state of a pattern.
    RequestSync = 0x02,
    /// Revision vector for sync negotiation.
    RevisionVector = 0x03,
    /// Sync finished.
    SyncComplete = 0x04,
}

/// FEDERATION_SYNC.
#[derive(Debug, Clone, PartialEq)]
pub struct FederationSyncMessage {
    /// Operation.
    pub op: FederationOp,
    /// Patterns.
    pub patterns: Vec<String>,
    /// Revisions per address.
    pub revisions: HashMap<String, u64>,
    /// Since this revision.
    pub since_revision: Option<u64>,
    /// Origin router id.
    pub origin: Option<String>,
}

/// BUNDLE.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleMessage {
    /// Apply at this time, µs.
    pub timestamp: Option<u64>,
    /// The messages.
    pub messages: Vec<Message>,
}

/// SYNC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncMessage {
    /// Client send time, µs.
    pub t1: u64,
    /// Router receive time, µs.
    pub t2: Option<u64>,
    /// Router send time, µs.
    pub t3: Option<u64>,
}

/// ACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckMessage {
    /// Address acknowledged.
    pub address: Option<String>,
    /// New revision.
    pub revision: Option<u64>,
    /// Whether the param is locked.
    pub locked: Option<bool>,
    /// Lock holder.
    pub holder: Option<String>,
    /// Correlation id.
    pub correlation_id: Option<u32>,
}

/// ERROR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMessage {
    /// Code (see [`ErrorCode`](crate::ErrorCode); routers send others too).
    pub code: u16,
    /// Text.
    pub message: String,
    /// Address concerned.
    pub address: Option<String>,
    /// Correlation id.
    pub correlation_id: Option<u32>,
}

/// QUERY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryMessage {
    /// Address pattern.
    pub pattern: String,
}

/// RESULT.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultMessage {
    /// Matching signals.
    pub signals: Vec<SignalDefinition>,
}

impl Message {
    /// The type code.
    pub fn type_code(&self) -> MessageType {
        match self {
            Message::Hello(_) => MessageType::Hello,
            Message::Welcome(_) => MessageType::Welcome,
            Message::Announce(_) => MessageType::Announce,
            Message::Subscribe(_) => MessageType::Subscribe,
            Message::Unsubscribe(_) => MessageType::Unsubscribe,
            Message::Publish(_) => MessageType::Publish,
            Message::Set(_) => MessageType::Set,
            Message::Get(_) => MessageType::Get,
            Message::Snapshot(_) => MessageType::Snapshot,
            Message::Replay(_) => MessageType::Replay,
            Message::FederationSync(_) => MessageType::FederationSync,
            Message::Bundle(_) => MessageType::Bundle,
            Message::Sync(_) => MessageType::Sync,
            Message::Ping => MessageType::Ping,
            Message::Pong => MessageType::Pong,
            Message::Ack(_) => MessageType::Ack,
            Message::Error(_) => MessageType::Error,
            Message::Query(_) => MessageType::Query,
            Message::Result(_) => MessageType::Result,
        }
    }

    /// The QoS [`codec::encode`](crate::codec::encode) gives this message.
    pub fn default_qos(&self) -> QoS {
        match self {
            Message::Set(_) => QoS::Confirm,
            Message::Publish(p) => p.signal.map(|s| s.default_qos()).unwrap_or(QoS::Fire),
            Message::Bundle(_) => QoS::Commit,
            Message::Replay(_) | Message::FederationSync(_) => QoS::Confirm,
            Message::Subscribe(_) | Message::Unsubscribe(_) => QoS::Confirm,
            _ => QoS::Fire,
        }
    }
}
