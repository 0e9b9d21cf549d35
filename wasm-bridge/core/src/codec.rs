//! The v1 binary codec, as in `clasp-core::codec`: [`encode`] / [`decode`] whole frames,
//! [`encode_message`] / [`decode_message`] bare payloads.
//!
//! Decoding is total: any input gives a message or an [`Error`], never a panic. Every read is
//! bounded by the message (inside a BUNDLE, by its slot), nesting is limited by
//! [`MAX_VALUE_DEPTH`] and [`MAX_BUNDLE_DEPTH`], and list capacities are bounded by the bytes
//! left, so a 3-byte input cannot reserve megabytes.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::frame::{self, Frame, FrameFlags, HEADER_SIZE, HEADER_SIZE_WITH_TS, MAX_PAYLOAD_SIZE};
use crate::types::*;
use crate::MAGIC_BYTE;

/// The frame version written by [`encode`] (1 = compact binary).
pub const ENCODING_VERSION: u8 = 1;

/// Deepest ARRAY/MAP nesting accepted (a top-level value is depth 1), as the TypeScript codec.
pub const MAX_VALUE_DEPTH: usize = 100;

/// Deepest BUNDLE nesting accepted (the outer bundle is depth 1), as the TypeScript codec.
pub const MAX_BUNDLE_DEPTH: usize = 16;

/// Message type codes.
pub mod msg {
    /// HELLO
    pub const HELLO: u8 = 0x01;
    /// WELCOME
    pub const WELCOME: u8 = 0x02;
    /// ANNOUNCE
    pub const ANNOUNCE: u8 = 0x03;
    /// FEDERATION_SYNC
    pub const FEDERATION_SYNC: u8 = 0x04;
    /// SUBSCRIBE
    pub const SUBSCRIBE: u8 = 0x10;
    /// UNSUBSCRIBE
    pub const UNSUBSCRIBE: u8 = 0x11;
    /// PUBLISH
    pub const PUBLISH: u8 = 0x20;
    /// SET
    pub const SET: u8 = 0x21;
    /// GET
    pub const GET: u8 = 0x22;
    /// SNAPSHOT
    pub const SNAPSHOT: u8 = 0x23;
    /// REPLAY
    pub const REPLAY: u8 = 0x24;
    /// BUNDLE
    pub const BUNDLE: u8 = 0x30;
    /// SYNC
    pub const SYNC: u8 = 0x40;
    /// PING
    pub const PING: u8 = 0x41;
    /// PONG
    pub const PONG: u8 = 0x42;
    /// ACK
    pub const ACK: u8 = 0x50;
    /// ERROR
    pub const ERROR: u8 = 0x51;
    /// QUERY
    pub const QUERY: u8 = 0x60;
    /// RESULT
    pub const RESULT: u8 = 0x61;
}

/// Value type codes.
pub mod val {
    /// null (no data)
    pub const NULL: u8 = 0x00;
    /// bool (1 byte)
    pub const BOOL: u8 = 0x01;
    /// i8
    pub const I8: u8 = 0x02;
    /// i16
    pub const I16: u8 = 0x03;
    /// i32
    pub const I32: u8 = 0x04;
    /// i64
    pub const I64: u8 = 0x05;
    /// f32
    pub const F32: u8 = 0x06;
    /// f64
    pub const F64: u8 = 0x07;
    /// string (u16 length + UTF-8)
    pub const STRING: u8 = 0x08;
    /// bytes (u16 length + bytes)
    pub const BYTES: u8 = 0x09;
    /// array (u16 count + typed values)
    pub const ARRAY: u8 = 0x0A;
    /// map (u16 count + string key and typed value)
    pub const MAP: u8 = 0x0B;
}

/// Signal type codes.
pub mod sig {
    /// param
    pub const PARAM: u8 = 0;
    /// event
    pub const EVENT: u8 = 1;
    /// stream
    pub const STREAM: u8 = 2;
    /// gesture
    pub const GESTURE: u8 = 3;
    /// timeline
    pub const TIMELINE: u8 = 4;
}

/// Gesture phase codes.
pub mod phase {
    /// start
    pub const START: u8 = 0;
    /// move
    pub const MOVE: u8 = 1;
    /// end
    pub const END: u8 = 2;
    /// cancel
    pub const CANCEL: u8 = 3;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/// Encodes a message's payload (no frame header).
///
/// Errors: [`Error::PayloadTooLarge`] for a string, list or bundle slot over 65535 bytes or
/// items; [`Error::EncodeError`] for values nested deeper than [`MAX_VALUE_DEPTH`].
pub fn encode_message(message: &Message) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    let mut w = Writer { out: &mut out, err: None };
    write_message(&mut w, message, 1);
    match w.err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Decodes a payload (no frame header).
///
/// Errors: [`Error::BufferTooSmall`] (empty or truncated), [`Error::UnknownMessageType`],
/// [`Error::DecodeError`] (bad UTF-8, unknown value type, too deep, legacy MessagePack).
pub fn decode_message(bytes: &[u8]) -> Result<Message> {
    let first = match bytes.first() {
        Some(b) => *b,
        None => return Err(Error::BufferTooSmall { needed: 1, have: 0 }),
    };
    if is_msgpack_map(first) {
        return Err(Error::DecodeError(
            "legacy MessagePack (v0) payloads are not supported by clasp-wasm-core".to_string(),
        ));
    }
    let mut r = Reader::new(bytes);
    let message = read_message(&mut r, 1);
    r.finish(message)
}

/// Encodes a whole frame with the message's default QoS, version 1, no timestamp.
///
/// Errors: as [`encode_message`], and [`Error::PayloadTooLarge`] above 65535 payload bytes.
pub fn encode(message: &Message) -> Result<Vec<u8>> {
    encode_with_options(message, None, None)
}

/// Encodes a whole frame with an explicit QoS (default: the message's) and frame timestamp (µs).
///
/// Errors: as [`encode`].
pub fn encode_with_options(message: &Message, qos: Option<QoS>, timestamp: Option<u64>) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    encode_into(&mut out, message, qos, timestamp)?;
    Ok(out)
}

/// Appends a whole frame to `out` (one buffer, no copy of the payload); on error `out` is
/// left as it was.
///
/// Errors: as [`encode`].
pub fn encode_into(out: &mut Vec<u8>, message: &Message, qos: Option<QoS>, timestamp: Option<u64>) -> Result<()> {
    let start = out.len();
    let flags = FrameFlags {
        qos: qos.unwrap_or_else(|| message.default_qos()),
        has_timestamp: timestamp.is_some(),
        encrypted: false,
        compressed: false,
        version: ENCODING_VERSION,
    };
    out.extend_from_slice(&[MAGIC_BYTE, flags.to_byte(), 0, 0]);
    if let Some(ts) = timestamp {
        out.extend_from_slice(&ts.to_be_bytes());
    }
    let header = if timestamp.is_some() { HEADER_SIZE_WITH_TS } else { HEADER_SIZE };
    let mut w = Writer { out: &mut *out, err: None };
    write_message(&mut w, message, 1);
    let mut result = match w.err {
        Some(e) => Err(e),
        None => Ok(()),
    };
    let len = out.len() - start - header;
    if result.is_ok() && len > MAX_PAYLOAD_SIZE {
        result = Err(Error::PayloadTooLarge(len));
    }
    match result {
        Ok(()) => out[start + 2..start + 4].copy_from_slice(&(len as u16).to_be_bytes()),
        Err(_) => out.truncate(start),
    }
    result
}

/// Decodes one frame and its message.
///
/// Errors: as [`Frame::decode`] and [`decode_message`].
pub fn decode(bytes: &[u8]) -> Result<(Message, Frame)> {
    let frame = Frame::decode(bytes)?;
    let message = decode_message(&frame.payload)?;
    Ok((message, frame))
}

/// Decodes one frame's message without copying its payload: the message, the flags and the
/// frame timestamp.
///
/// Errors: as [`decode`].
pub fn decode_frame_message(bytes: &[u8]) -> Result<(Message, FrameFlags, Option<u64>)> {
    let (flags, timestamp, start, end) = frame::header(bytes)?;
    Ok((decode_message(&bytes[start..end])?, flags, timestamp))
}

/// [`encode_message`] (as `clasp-core`'s helper of this name).
///
/// Errors: as [`encode_message`].
pub fn encode_payload(message: &Message) -> Result<Vec<u8>> {
    encode_message(message)
}

/// [`decode_message`] (as `clasp-core`'s helper of this name).
///
/// Errors: as [`decode_message`].
pub fn decode_payload(bytes: &[u8]) -> Result<Message> {
    decode_message(bytes)
}

fn is_msgpack_map(byte: u8) -> bool {
    (0x80..=0x8f).contains(&byte) || byte == 0xde || byte == 0xdf
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/// The output of one encode. Errors are sticky, as in [`Reader`]: the first is kept, and the
/// caller checks it once (no early-return path per field).
struct Writer<'a> {
    out: &'a mut Vec<u8>,
    err: Option<Error>,
}

impl Writer<'_> {
    fn fail(&mut self, e: Error) {
        if self.err.is_none() {
            self.err = Some(e);
        }
    }
    fn push(&mut self, b: u8) {
        self.out.push(b);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }
    fn u16(&mut self, v: u16) {
        self.bytes(&v.to_be_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.bytes(&v.to_be_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_be_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.bytes(&v.to_bits().to_be_bytes());
    }
    fn count(&mut self, n: usize) {
        if n > 0xffff {
            self.fail(Error::PayloadTooLarge(n));
        }
        self.u16(n as u16);
    }
    fn str(&mut self, s: &str) {
        self.count(s.len());
        self.bytes(s.as_bytes());
    }
    fn opt_str(&mut self, s: &Option<String>) {
        if let Some(s) = s {
            self.str(s);
        }
    }
}

fn value_type_code(value: &Value) -> u8 {
    match value {
        Value::Null => val::NULL,
        Value::Bool(_) => val::BOOL,
        Value::Int(_) => val::I64,
        Value::Float(_) => val::F64,
        Value::String(_) => val::STRING,
        Value::Bytes(_) => val::BYTES,
        Value::Array(_) => val::ARRAY,
        Value::Map(_) => val::MAP,
    }
}

fn put_typed_value(w: &mut Writer<'_>, value: &Value, depth: usize) {
    w.push(value_type_code(value));
    put_value_data(w, value, depth)
}

fn put_value_data(w: &mut Writer<'_>, value: &Value, depth: usize) {
    match value {
        Value::Null => {}
        Value::Bool(b) => w.push(u8::from(*b)),
        Value::Int(i) => w.bytes(&i.to_be_bytes()),
        Value::Float(f) => w.f64(*f),
        Value::String(s) => w.str(s),
        Value::Bytes(b) => {
            w.count(b.len());
            w.bytes(b);
        }
        Value::Array(items) => {
            if too_deep(w, depth) {
                return;
            }
            w.count(items.len());
            for item in items {
                put_typed_value(w, item, depth + 1);
            }
        }
        Value::Map(map) => {
            if too_deep(w, depth) {
                return;
            }
            w.count(map.len());
            for (key, item) in sorted(map) {
                w.str(key);
                put_typed_value(w, item, depth + 1);
            }
        }
    }
}

fn too_deep(w: &mut Writer<'_>, depth: usize) -> bool {
    if depth > MAX_VALUE_DEPTH {
        w.fail(Error::EncodeError("values nested deeper than 100 levels".to_string()));
    }
    depth > MAX_VALUE_DEPTH
}

/// Map entries in key order: the same map always gives the same bytes.
fn sorted<V>(map: &HashMap<String, V>) -> Vec<(&String, &V)> {
    let entries: Vec<(&String, &V)> = map.iter().collect();
    let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    key_order(&keys).into_iter().map(|i| entries[i]).collect()
}

/// Indices of `keys` in byte order: a bottom-up merge sort, O(n log n), written once for all
/// map types (`slice::sort` would add a copy per entry type to the .wasm).
fn key_order(keys: &[&str]) -> Vec<usize> {
    let n = keys.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut scratch = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut a, mut b, mut out) = (start, mid, start);
            while out < end {
                let take_a = b >= end || (a < mid && keys[order[a]].as_bytes() <= keys[order[b]].as_bytes());
                scratch[out] = if take_a { order[a] } else { order[b] };
                if take_a {
                    a += 1;
                } else {
                    b += 1;
                }
                out += 1;
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut scratch);
        width *= 2;
    }
    order
}

fn signal_type_code(signal: SignalType) -> u8 {
    match signal {
        SignalType::Param => sig::PARAM,
        SignalType::Event => sig::EVENT,
        SignalType::Stream => sig::STREAM,
        SignalType::Gesture => sig::GESTURE,
        SignalType::Timeline => sig::TIMELINE,
    }
}

fn gesture_phase_code(p: GesturePhase) -> u8 {
    match p {
        GesturePhase::Start => phase::START,
        GesturePhase::Move => phase::MOVE,
        GesturePhase::End => phase::END,
        GesturePhase::Cancel => phase::CANCEL,
    }
}

const TYPE_BITS: [(SignalType, u8); 5] = [
    (SignalType::Param, 0x01),
    (SignalType::Event, 0x02),
    (SignalType::Stream, 0x04),
    (SignalType::Gesture, 0x08),
    (SignalType::Timeline, 0x10),
];

fn type_mask(types: &[SignalType]) -> u8 {
    if types.is_empty() {
        return 0xff;
    }
    TYPE_BITS.iter().filter(|(t, _)| types.contains(t)).fold(0, |m, (_, bit)| m | bit)
}

const FEATURE_BITS: [(&str, u8); 6] =
    [("param", 0x80), ("event", 0x40), ("stream", 0x20), ("gesture", 0x10), ("timeline", 0x08), ("federation", 0x04)];

fn feature_mask(features: &[String], federation: bool) -> u8 {
    FEATURE_BITS
        .iter()
        .filter(|(name, bit)| (federation || *bit != 0x04) && features.iter().any(|f| f == name))
        .fold(0, |m, (_, bit)| m | bit)
}

fn write_message(w: &mut Writer<'_>, message: &Message, bundle_depth: usize) {
    w.push(message.type_code() as u8);
    match message {
        Message::Hello(m) => {
            w.push(m.version);
            w.push(feature_mask(&m.features, true));
            w.str(&m.name);
            w.str(m.token.as_deref().unwrap_or(""));
        }
        Message::Welcome(m) => {
            w.push(m.version);
            w.push(feature_mask(&m.features, false));
            w.u64(m.time);
            w.str(&m.session);
            w.str(&m.name);
            w.str(m.token.as_deref().unwrap_or(""));
        }
        Message::Announce(m) => {
            w.str(&m.namespace);
            w.count(m.signals.len());
            for s in &m.signals {
                write_signal(w, s, true);
            }
        }
        Message::FederationSync(m) => {
            w.push(m.op as u8);
            w.count(m.patterns.len());
            for p in &m.patterns {
                w.str(p);
            }
            w.count(m.revisions.len());
            for (key, rev) in sorted(&m.revisions) {
                w.str(key);
                w.u64(*rev);
            }
            w.push(flag(m.since_revision.is_some(), 0x80) | flag(m.origin.is_some(), 0x40));
            if let Some(r) = m.since_revision {
                w.u64(r);
            }
            w.opt_str(&m.origin);
        }
        Message::Subscribe(m) => {
            w.u32(m.id);
            w.str(&m.pattern);
            w.push(type_mask(&m.types));
            let o = m.options.clone().unwrap_or_default();
            w.push(
                flag(o.max_rate.is_some(), 0x01)
                    | flag(o.epsilon.is_some(), 0x02)
                    | flag(o.history.is_some(), 0x04)
                    | flag(o.window.is_some(), 0x08),
            );
            if let Some(v) = o.max_rate {
                w.u32(v);
            }
            if let Some(v) = o.epsilon {
                w.f64(v);
            }
            if let Some(v) = o.history {
                w.u32(v);
            }
            if let Some(v) = o.window {
                w.u32(v);
            }
        }
        Message::Unsubscribe(m) => w.u32(m.id),
        Message::Publish(m) => write_publish(w, m),
        Message::Set(m) => {
            let ttl = m.ttl.is_some();
            w.push(
                flag(m.revision.is_some(), 0x80)
                    | flag(m.lock, 0x40)
                    | flag(m.unlock, 0x20)
                    | flag(ttl, 0x10)
                    | value_type_code(&m.value),
            );
            w.str(&m.address);
            put_value_data(w, &m.value, 1);
            if let Some(r) = m.revision {
                w.u64(r);
            }
            if let Some(t) = m.ttl {
                w.u32(match t {
                        Ttl::Never => 0,
                        Ttl::Sliding(s) => s & 0x7fff_ffff,
                        Ttl::Absolute(s) => (s & 0x7fff_ffff) | 0x8000_0000,
                    },
                );
            }
        }
        Message::Get(m) => w.str(&m.address),
        Message::Snapshot(m) => {
            w.count(m.params.len());
            for p in &m.params {
                w.str(&p.address);
                put_typed_value(w, &p.value, 1);
                w.u64(p.revision);
                w.push(flag(p.writer.is_some(), 0x01) | flag(p.timestamp.is_some(), 0x02));
                w.opt_str(&p.writer);
                if let Some(t) = p.timestamp {
                    w.u64(t);
                }
            }
        }
        Message::Replay(m) => {
            w.push(flag(m.from.is_some(), 0x80) | flag(m.to.is_some(), 0x40) | flag(m.limit.is_some(), 0x20));
            w.str(&m.pattern);
            if let Some(v) = m.from {
                w.u64(v);
            }
            if let Some(v) = m.to {
                w.u64(v);
            }
            if let Some(v) = m.limit {
                w.u32(v);
            }
            w.push(type_mask(&m.types));
        }
        Message::Bundle(m) => {
            if bundle_depth > MAX_BUNDLE_DEPTH {
                return w.fail(Error::EncodeError("bundles nested deeper than 16 levels".to_string()));
            }
            w.push(flag(m.timestamp.is_some(), 0x80));
            w.count(m.messages.len());
            if let Some(t) = m.timestamp {
                w.u64(t);
            }
            for inner in &m.messages {
                let slot = w.out.len();
                w.u16(0);
                write_message(w, inner, bundle_depth + 1);
                let len = w.out.len() - slot - 2;
                if len > 0xffff {
                    return w.fail(Error::PayloadTooLarge(len));
                }
                w.out[slot..slot + 2].copy_from_slice(&(len as u16).to_be_bytes());
            }
        }
        Message::Sync(m) => {
            w.push(flag(m.t2.is_some(), 0x01) | flag(m.t3.is_some(), 0x02));
            w.u64(m.t1);
            if let Some(t) = m.t2 {
                w.u64(t);
            }
            if let Some(t) = m.t3 {
                w.u64(t);
            }
        }
        Message::Ping | Message::Pong => {}
        Message::Ack(m) => {
            w.push(
                flag(m.address.is_some(), 0x01)
                    | flag(m.revision.is_some(), 0x02)
                    | flag(m.locked.is_some(), 0x04)
                    | flag(m.holder.is_some(), 0x08)
                    | flag(m.correlation_id.is_some(), 0x10),
            );
            w.opt_str(&m.address);
            if let Some(r) = m.revision {
                w.u64(r);
            }
            if let Some(l) = m.locked {
                w.push(u8::from(l));
            }
            w.opt_str(&m.holder);
            if let Some(c) = m.correlation_id {
                w.u32(c);
            }
        }
        Message::Error(m) => {
            w.u16(m.code);
            w.str(&m.message);
            w.push(flag(m.address.is_some(), 0x01) | flag(m.correlation_id.is_some(), 0x02));
            w.opt_str(&m.address);
            if let Some(c) = m.correlation_id {
                w.u32(c);
            }
        }
        Message::Query(m) => w.str(&m.pattern),
        Message::Result(m) => {
            w.count(m.signals.len());
            for s in &m.signals {
                write_signal(w, s, false);
            }
        }
    }
}

fn flag(on: bool, bit: u8) -> u8 {
    if on {
        bit
    } else {
        0
    }
}

fn write_signal(w: &mut Writer<'_>, s: &SignalDefinition, with_meta: bool) {
    w.str(&s.address);
    w.push(signal_type_code(s.signal_type));
    let meta = if with_meta { s.meta.as_ref() } else { None };
    w.push(flag(s.datatype.is_some(), 0x01) | flag(s.access.is_some(), 0x02) | flag(meta.is_some(), 0x04));
    w.opt_str(&s.datatype);
    w.opt_str(&s.access);
    if let Some(meta) = meta {
        w.push(
            flag(meta.unit.is_some(), 0x01)
                | flag(meta.range.is_some(), 0x02)
                | flag(meta.default.is_some(), 0x04)
                | flag(meta.description.is_some(), 0x08),
        );
        w.opt_str(&meta.unit);
        if let Some((lo, hi)) = meta.range {
            w.f64(lo);
            w.f64(hi);
        }
        if let Some(d) = &meta.default {
            put_typed_value(w, d, 1);
        }
        w.opt_str(&meta.description);
    }
}

fn write_publish(w: &mut Writer<'_>, m: &PublishMessage) {
    let signal = signal_type_code(m.signal.unwrap_or(SignalType::Event));
    let ph = gesture_phase_code(m.phase.unwrap_or(GesturePhase::Start));
    w.push((signal << 5) | flag(m.timestamp.is_some(), 0x10) | flag(m.id.is_some(), 0x08) | ph);
    w.str(&m.address);
    if let Some(v) = m.value.as_ref().or(m.payload.as_ref()) {
        w.push(1);
        put_typed_value(w, v, 1);
    } else if let Some(samples) = &m.samples {
        w.push(2);
        w.count(samples.len());
        for s in samples {
            w.f64(*s);
        }
    } else {
        w.push(0);
    }
    if let Some(t) = m.timestamp {
        w.u64(t);
    }
    if let Some(id) = m.id {
        w.u32(id);
    }
    if let Some(rate) = m.rate {
        w.u32(rate);
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/// A cursor over one message (or one bundle slot): every read is bounded by it.
///
/// Errors are sticky: the first failure is kept, the rest of the input is dropped, and every
/// later read returns a default value (empty, zero) without allocating. Decoders read straight
/// through and the caller checks [`Reader::finish`] once, which keeps the decoder small (no
/// early-return and drop path per field) without changing what it reports.
struct Reader<'a> {
    buf: &'a [u8],
    err: Option<Error>,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, err: None }
    }

    fn failed(&self) -> bool {
        self.err.is_some()
    }

    fn fail(&mut self, e: Error) {
        if self.err.is_none() {
            self.err = Some(e);
        }
        self.buf = &[];
    }

    fn finish<T>(self, value: T) -> Result<T> {
        match self.err {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }

    fn remaining(&self) -> usize {
        self.buf.len()
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        if self.buf.len() < n {
            let have = self.buf.len();
            self.fail(Error::BufferTooSmall { needed: n, have });
            return &[];
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        head
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0u8; N];
        let bytes = self.take(N);
        if bytes.len() == N {
            a.copy_from_slice(bytes);
        }
        a
    }

    fn u8(&mut self) -> u8 {
        self.array::<1>()[0]
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes(self.array())
    }
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.array())
    }
    fn u64(&mut self) -> u64 {
        u64::from_be_bytes(self.array())
    }
    fn f64(&mut self) -> f64 {
        f64::from_bits(self.u64())
    }

    fn string(&mut self) -> String {
        let len = usize::from(self.u16());
        let bytes = self.take(len);
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => {
                self.fail(Error::DecodeError("invalid UTF-8 in string".to_string()));
                String::new()
            }
        }
    }

    fn opt_string(&mut self, present: bool) -> Option<String> {
        if present {
            Some(self.string())
        } else {
            None
        }
    }

    fn opt_u64(&mut self, present: bool) -> Option<u64> {
        if present {
            Some(self.u64())
        } else {
            None
        }
    }

    fn opt_u32(&mut self, present: bool) -> Option<u32> {
        if present {
            Some(self.u32())
        } else {
            None
        }
    }

    /// A u16 count, and a capacity no larger than `min_item` bytes per item could fill.
    fn count(&mut self, min_item: usize) -> (usize, usize) {
        let n = usize::from(self.u16());
        (n, n.min(self.remaining() / min_item.max(1)))
    }
}

fn read_typed_value(r: &mut Reader<'_>, depth: usize) -> Value {
    let t = r.u8();
    read_value_data(r, t, depth)
}

fn read_value_data(r: &mut Reader<'_>, vtype: u8, depth: usize) -> Value {
    if r.failed() {
        return Value::Null;
    }
    match vtype {
        val::NULL => Value::Null,
        val::BOOL => Value::Bool(r.u8() != 0),
        val::I8 => Value::Int(i64::from(i8::from_be_bytes(r.array()))),
        val::I16 => Value::Int(i64::from(i16::from_be_bytes(r.array()))),
        val::I32 => Value::Int(i64::from(i32::from_be_bytes(r.array()))),
        val::I64 => Value::Int(i64::from_be_bytes(r.array())),
        val::F32 => Value::Float(f64::from(f32::from_be_bytes(r.array()))),
        val::F64 => Value::Float(r.f64()),
        val::STRING => Value::String(r.string()),
        val::BYTES => {
            let len = usize::from(r.u16());
            Value::Bytes(r.take(len).to_vec())
        }
        val::ARRAY | val::MAP if depth > MAX_VALUE_DEPTH => {
            r.fail(Error::DecodeError("values nested deeper than 100 levels".to_string()));
            Value::Null
        }
        val::ARRAY => {
            let (n, cap) = r.count(1);
            let mut items = Vec::with_capacity(cap);
            for _ in 0..n {
                if r.failed() {
                    break;
                }
                items.push(read_typed_value(r, depth + 1));
            }
            Value::Array(items)
        }
        val::MAP => {
            let (n, cap) = r.count(3);
            let mut map = HashMap::with_capacity(cap);
            for _ in 0..n {
                if r.failed() {
                    break;
                }
                let key = r.string();
                let item = read_typed_value(r, depth + 1);
                map.insert(key, item);
            }
            Value::Map(map)
        }
        other => {
            r.fail(Error::DecodeError(format!("unknown value type: 0x{:02x}", other)));
            Value::Null
        }
    }
}

fn signal_type_from_code(code: u8) -> SignalType {
    match code {
        sig::PARAM => SignalType::Param,
        sig::STREAM => SignalType::Stream,
        sig::GESTURE => SignalType::Gesture,
        sig::TIMELINE => SignalType::Timeline,
        _ => SignalType::Event,
    }
}

fn gesture_phase_from_code(code: u8) -> GesturePhase {
    match code {
        phase::MOVE => GesturePhase::Move,
        phase::END => GesturePhase::End,
        phase::CANCEL => GesturePhase::Cancel,
        _ => GesturePhase::Start,
    }
}

fn types_from_mask(mask: u8) -> Vec<SignalType> {
    if mask == 0xff {
        return Vec::new();
    }
    TYPE_BITS.iter().filter(|(_, bit)| mask & bit != 0).map(|(t, _)| *t).collect()
}

fn features_from_mask(mask: u8, federation: bool) -> Vec<String> {
    FEATURE_BITS
        .iter()
        .filter(|(_, bit)| mask & bit != 0 && (federation || *bit != 0x04))
        .map(|(name, _)| name.to_string())
        .collect()
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

/// Reads `n` items with `read`, stopping at the first failure.
fn read_list<T>(r: &mut Reader<'_>, min_item: usize, mut read: impl FnMut(&mut Reader<'_>) -> T) -> Vec<T> {
    let (n, cap) = r.count(min_item);
    let mut items = Vec::with_capacity(cap);
    for _ in 0..n {
        if r.failed() {
            break;
        }
        items.push(read(r));
    }
    items
}

/// Decodes one binary message; check `r` (sticky error) before trusting the result.
fn read_message(r: &mut Reader<'_>, bundle_depth: usize) -> Message {
    let code = r.u8();
    if r.failed() {
        return Message::Ping;
    }
    match code {
        msg::HELLO => {
            let version = r.u8();
            let features = features_from_mask(r.u8(), true);
            let name = r.string();
            let token = non_empty(r.string());
            Message::Hello(HelloMessage { version, name, features, capabilities: None, token })
        }
        msg::WELCOME => {
            let version = r.u8();
            let features = features_from_mask(r.u8(), false);
            let time = r.u64();
            let session = r.string();
            let name = r.string();
            let token = non_empty(r.string());
            Message::Welcome(WelcomeMessage { version, session, name, features, time, token })
        }
        msg::ANNOUNCE => {
            let namespace = r.string();
            let signals = read_list(r, 4, |r| read_signal(r, true));
            Message::Announce(AnnounceMessage { namespace, signals, meta: None })
        }
        msg::FEDERATION_SYNC => {
            let op = match r.u8() {
                1 => FederationOp::DeclareNamespaces,
                2 => FederationOp::RequestSync,
                3 => FederationOp::RevisionVector,
                4 => FederationOp::SyncComplete,
                other => {
                    r.fail(Error::DecodeError(format!("unknown federation op: {}", other)));
                    FederationOp::SyncComplete
                }
            };
            let patterns = read_list(r, 2, |r| r.string());
            let revisions: HashMap<String, u64> = read_list(r, 10, |r| (r.string(), r.u64())).into_iter().collect();
            let flags = r.u8();
            let since_revision = r.opt_u64(flags & 0x80 != 0);
            let origin = r.opt_string(flags & 0x40 != 0);
            Message::FederationSync(FederationSyncMessage { op, patterns, revisions, since_revision, origin })
        }
        msg::SUBSCRIBE => {
            let id = r.u32();
            let pattern = r.string();
            let types = types_from_mask(r.u8());
            let flags = r.u8();
            let options = if flags == 0 {
                None
            } else {
                let max_rate = r.opt_u32(flags & 0x01 != 0);
                let epsilon = if flags & 0x02 != 0 { Some(r.f64()) } else { None };
                let history = r.opt_u32(flags & 0x04 != 0);
                let window = r.opt_u32(flags & 0x08 != 0);
                Some(SubscribeOptions { max_rate, epsilon, history, window })
            };
            Message::Subscribe(SubscribeMessage { id, pattern, types, options })
        }
        msg::UNSUBSCRIBE => Message::Unsubscribe(UnsubscribeMessage { id: r.u32() }),
        msg::PUBLISH => read_publish(r),
        msg::SET => {
            let flags = r.u8();
            let address = r.string();
            let value = read_value_data(r, flags & 0x0f, 1);
            let revision = r.opt_u64(flags & 0x80 != 0);
            let ttl = if flags & 0x10 != 0 {
                let raw = r.u32();
                Some(if raw == 0 {
                    Ttl::Never
                } else if raw & 0x8000_0000 != 0 {
                    Ttl::Absolute(raw & 0x7fff_ffff)
                } else {
                    Ttl::Sliding(raw)
                })
            } else {
                None
            };
            Message::Set(SetMessage { address, value, revision, lock: flags & 0x40 != 0, unlock: flags & 0x20 != 0, ttl })
        }
        msg::GET => Message::Get(GetMessage { address: r.string() }),
        msg::SNAPSHOT => {
            let params = read_list(r, 12, |r| {
                let address = r.string();
                let value = read_typed_value(r, 1);
                let revision = r.u64();
                let flags = r.u8();
                let writer = r.opt_string(flags & 0x01 != 0);
                let timestamp = r.opt_u64(flags & 0x02 != 0);
                ParamValue { address, value, revision, writer, timestamp }
            });
            Message::Snapshot(SnapshotMessage { params })
        }
        msg::REPLAY => {
            let flags = r.u8();
            let pattern = r.string();
            let from = r.opt_u64(flags & 0x80 != 0);
            let to = r.opt_u64(flags & 0x40 != 0);
            let limit = r.opt_u32(flags & 0x20 != 0);
            let types = types_from_mask(r.u8());
            Message::Replay(ReplayMessage { pattern, from, to, limit, types })
        }
        msg::BUNDLE if bundle_depth > MAX_BUNDLE_DEPTH => {
            r.fail(Error::DecodeError("bundles nested deeper than 16 levels".to_string()));
            Message::Ping
        }
        msg::BUNDLE => {
            let flags = r.u8();
            let (n, cap) = r.count(3);
            let timestamp = r.opt_u64(flags & 0x80 != 0);
            let mut messages = Vec::with_capacity(cap);
            for _ in 0..n {
                if r.failed() {
                    break;
                }
                let len = usize::from(r.u16());
                let mut slot = Reader::new(r.take(len));
                if r.failed() {
                    break;
                }
                let inner = read_message(&mut slot, bundle_depth + 1);
                match slot.err {
                    Some(e) => r.fail(e),
                    None => messages.push(inner),
                }
            }
            Message::Bundle(BundleMessage { timestamp, messages })
        }
        msg::SYNC => {
            let flags = r.u8();
            let t1 = r.u64();
            let t2 = r.opt_u64(flags & 0x01 != 0);
            let t3 = r.opt_u64(flags & 0x02 != 0);
            Message::Sync(SyncMessage { t1, t2, t3 })
        }
        msg::PING => Message::Ping,
        msg::PONG => Message::Pong,
        msg::ACK => {
            let flags = r.u8();
            let address = r.opt_string(flags & 0x01 != 0);
            let revision = r.opt_u64(flags & 0x02 != 0);
            let locked = if flags & 0x04 != 0 { Some(r.u8() != 0) } else { None };
            let holder = r.opt_string(flags & 0x08 != 0);
            let correlation_id = r.opt_u32(flags & 0x10 != 0);
            Message::Ack(AckMessage { address, revision, locked, holder, correlation_id })
        }
        msg::ERROR => {
            let code = r.u16();
            let message = r.string();
            let flags = r.u8();
            let address = r.opt_string(flags & 0x01 != 0);
            let correlation_id = r.opt_u32(flags & 0x02 != 0);
            Message::Error(ErrorMessage { code, message, address, correlation_id })
        }
        msg::QUERY => Message::Query(QueryMessage { pattern: r.string() }),
        msg::RESULT => Message::Result(ResultMessage { signals: read_list(r, 4, |r| read_signal(r, false)) }),
        other => {
            r.fail(Error::UnknownMessageType(other));
            Message::Ping
        }
    }
}

fn read_signal(r: &mut Reader<'_>, with_meta: bool) -> SignalDefinition {
    let address = r.string();
    let signal_type = signal_type_from_code(r.u8());
    let flags = r.u8();
    let datatype = r.opt_string(flags & 0x01 != 0);
    let access = r.opt_string(flags & 0x02 != 0);
    let meta = if with_meta && flags & 0x04 != 0 {
        let mf = r.u8();
        let unit = r.opt_string(mf & 0x01 != 0);
        let range = if mf & 0x02 != 0 { Some((r.f64(), r.f64())) } else { None };
        let default = if mf & 0x04 != 0 { Some(read_typed_value(r, 1)) } else { None };
        let description = r.opt_string(mf & 0x08 != 0);
        Some(SignalMeta { unit, range, default, description })
    } else {
        None
    };
    SignalDefinition { address, signal_type, datatype, access, meta }
}

fn read_publish(r: &mut Reader<'_>) -> Message {
    let flags = r.u8();
    let address = r.string();
    let (value, samples) = match r.u8() {
        1 => (Some(read_typed_value(r, 1)), None),
        2 => (None, Some(read_list(r, 8, |r| r.f64()))),
        _ => (None, None),
    };
    let timestamp = r.opt_u64(flags & 0x10 != 0);
    let id = r.opt_u32(flags & 0x08 != 0);
    let rate = if r.remaining() >= 4 { Some(r.u32()) } else { None };
    Message::Publish(PublishMessage {
        address,
        signal: Some(signal_type_from_code(flags >> 5)),
        value,
        payload: None,
        samples,
        rate,
        id,
        phase: Some(gesture_phase_from_code(flags & 0x07)),
        timestamp,
        timeline: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{:02x}", x)).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn upstream_shaped_messages_give_the_worked_bytes() {
        let set = Message::Set(SetMessage {
            address: "/test/ttl".into(),
            value: Value::from(42i64),
            revision: Some(5),
            lock: false,
            unlock: false,
            ttl: Some(Ttl::Absolute(300)),
        });
        assert_eq!(
            hex(&encode(&set).unwrap()),
            "53 41 00 21 21 95 00 09 2f 74 65 73 74 2f 74 74 6c 00 00 00 00 00 00 00 2a 00 00 00 00 00 00 00 05 80 00 01 2c"
        );
        let hello = Message::Hello(HelloMessage {
            version: 1,
            name: "router-b".into(),
            features: vec!["param".into(), "federation".into()],
            capabilities: None,
            token: Some("cpsk_abc".into()),
        });
        assert_eq!(
            hex(&encode(&hello).unwrap()),
            "53 01 00 17 01 01 84 00 08 72 6f 75 74 65 72 2d 62 00 08 63 70 73 6b 5f 61 62 63"
        );
        // A PUBLISH without signal goes out as Fire with the event code (as clasp-core).
        let publish = Message::Publish(PublishMessage {
            address: "/x".into(),
            signal: None,
            value: None,
            payload: None,
            samples: None,
            rate: None,
            id: None,
            phase: None,
            timestamp: None,
            timeline: None,
        });
        assert_eq!(hex(&encode(&publish).unwrap()), "53 01 00 07 20 20 00 02 2f 78 00");
        assert_eq!(hex(&encode_with_options(&Message::Ping, None, Some(1_000_000)).unwrap()), "53 21 00 01 00 00 00 00 00 0f 42 40 41");
    }

    #[test]
    fn ttl_edges_as_clasp_core() {
        let with = |ttl| {
            let m = Message::Set(SetMessage { address: "/t".into(), value: Value::Null, revision: None, lock: false, unlock: false, ttl: Some(ttl) });
            match decode(&encode(&m).unwrap()).unwrap().0 {
                Message::Set(s) => s.ttl,
                _ => unreachable!(),
            }
        };
        assert_eq!(with(Ttl::Sliding(0)), Some(Ttl::Never));
        assert_eq!(with(Ttl::Absolute(0)), Some(Ttl::Absolute(0)));
        assert_eq!(with(Ttl::Sliding(35)), Some(Ttl::Sliding(35)));
        assert_eq!(with(Ttl::Never), Some(Ttl::Never));
    }

    #[test]
    fn key_order_is_a_byte_order_sort() {
        for n in [0usize, 1, 2, 3, 7, 64, 1000] {
            let keys: Vec<String> = (0..n).map(|i| format!("k{}", (i * 7919) % 1009)).collect();
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            let got: Vec<&str> = key_order(&refs).into_iter().map(|i| refs[i]).collect();
            let mut want = refs.clone();
            want.sort();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn value_conversions() {
        assert_eq!(Value::from(1.5f32), Value::Float(1.5));
        assert_eq!(Value::from(7i32), Value::Int(7));
        assert_eq!(Value::from("a"), Value::String("a".into()));
        assert_eq!(Value::from(String::from("b")).as_str(), Some("b"));
        assert_eq!(Value::Int(3).as_f64(), Some(3.0));
        assert_eq!(Value::Float(2.9).as_i64(), Some(2));
        assert_eq!(Value::Bool(true).as_bool(), Some(true));
        assert_eq!(Value::Null.as_f64(), None);
    }
}
