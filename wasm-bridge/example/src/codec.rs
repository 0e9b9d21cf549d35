//! The CLASP messages this example uses, byte-exact per the wire format (v1 binary payloads in a
//! 4-byte frame header, big-endian). Encoders build whole frames; the decoder bounds every read.

/// Frame magic `S`.
pub const MAGIC: u8 = 0x53;
/// HELLO, client → server.
pub const HELLO: u8 = 0x01;
/// WELCOME, server → client.
pub const WELCOME: u8 = 0x02;
/// SUBSCRIBE.
pub const SUBSCRIBE: u8 = 0x10;
/// PUBLISH.
pub const PUBLISH: u8 = 0x20;
/// SET.
pub const SET: u8 = 0x21;
/// SNAPSHOT, server → client.
pub const SNAPSHOT: u8 = 0x23;
/// PING.
pub const PING: u8 = 0x41;
/// PONG.
pub const PONG: u8 = 0x42;
/// ACK.
pub const ACK: u8 = 0x50;
/// ERROR.
pub const ERROR: u8 = 0x51;

/// Frame flags: QoS Fire, version 1.
const FIRE: u8 = 0x01;
/// Frame flags: QoS Confirm, version 1.
const CONFIRM: u8 = 0x41;

/// Value type codes (docs/wire-format.md §3.2).
const T_INT: u8 = 0x05;
const T_F64: u8 = 0x07;

/// Signal codes (docs/wire-format.md §3.3).
pub const SIGNAL_EVENT: u8 = 1;
pub const SIGNAL_STREAM: u8 = 2;

/// A value this example sends or reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// i64 (`0x05`)
    Int(i64),
    /// f64 (`0x07`)
    Float(f64),
    /// Any other type (its code), not needed here.
    Other(u8),
}

fn frame(flags: u8, payload: Vec<u8>) -> Vec<u8> {
    let mut f = Vec::with_capacity(4 + payload.len());
    f.extend_from_slice(&[MAGIC, flags]);
    f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    f.extend_from_slice(&payload);
    f
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn push_value(out: &mut Vec<u8>, v: Value) {
    match v {
        Value::Int(i) => out.extend_from_slice(&i.to_be_bytes()),
        Value::Float(f) => out.extend_from_slice(&f.to_bits().to_be_bytes()),
        Value::Other(_) => {}
    }
}

fn type_code(v: Value) -> u8 {
    match v {
        Value::Int(_) => T_INT,
        Value::Float(_) => T_F64,
        Value::Other(t) => t,
    }
}

/// HELLO v1 with features param + event + stream (`0xE0`), `name`, no token. QoS Fire.
pub fn hello(name: &str) -> Vec<u8> {
    let mut p = vec![HELLO, 1, 0xE0];
    push_str(&mut p, name);
    push_str(&mut p, "");
    frame(FIRE, p)
}

/// SUBSCRIBE `id` to `pattern`, all signal types, no options. QoS Confirm.
pub fn subscribe(id: u32, pattern: &str) -> Vec<u8> {
    let mut p = vec![SUBSCRIBE];
    p.extend_from_slice(&id.to_be_bytes());
    push_str(&mut p, pattern);
    p.extend_from_slice(&[0xFF, 0x00]);
    frame(CONFIRM, p)
}

/// SET `address` = `value`, no revision/lock/TTL. QoS Confirm.
pub fn set(address: &str, value: Value) -> Vec<u8> {
    let mut p = vec![SET, type_code(value)];
    push_str(&mut p, address);
    push_value(&mut p, value);
    frame(CONFIRM, p)
}

/// PUBLISH on `address` with signal `signal` and one value. QoS Confirm for events, Fire for streams.
pub fn publish(address: &str, signal: u8, value: Value) -> Vec<u8> {
    let mut p = vec![PUBLISH, signal << 5];
    push_str(&mut p, address);
    p.push(1);
    p.push(type_code(value));
    push_value(&mut p, value);
    frame(if signal == SIGNAL_EVENT { CONFIRM } else { FIRE }, p)
}

/// PING. QoS Fire.
pub fn ping() -> Vec<u8> {
    frame(FIRE, vec![PING])
}

/// A decoded message (only the fields this example reads).
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// WELCOME with the session id.
    Welcome { session: String },
    /// SNAPSHOT with its parameter count.
    Snapshot { count: u16 },
    /// SET (ours echoed, or another writer's broadcast).
    Set { address: String, value: Value },
    /// PUBLISH with its value, if any.
    Publish { address: String, value: Option<Value> },
    /// ACK with its revision, if any.
    Ack { revision: Option<u64> },
    /// ERROR with code and message.
    Error { code: u16, message: String },
    /// PONG.
    Pong,
    /// Any other message type.
    Other(u8),
}

/// Why a frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Ran out of bytes at `at` needing `needed` more.
    Truncated { at: usize, needed: usize },
    /// First byte was not `0x53`.
    BadMagic(u8),
    /// A string was not UTF-8.
    BadUtf8 { at: usize },
}

impl DecodeError {
    /// The variant's name, for reports.
    pub fn name(&self) -> &'static str {
        match self {
            DecodeError::Truncated { .. } => "Truncated",
            DecodeError::BadMagic(_) => "BadMagic",
            DecodeError::BadUtf8 { .. } => "BadUtf8",
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        match end {
            Some(end) => {
                let s = &self.buf[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(DecodeError::Truncated { at: self.pos, needed: n }),
        }
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u64(&mut self) -> Result<u64, DecodeError> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_be_bytes(a))
    }
    fn str(&mut self) -> Result<String, DecodeError> {
        let n = self.u16()? as usize;
        let at = self.pos;
        let b = self.take(n)?;
        std::str::from_utf8(b).map(str::to_string).map_err(|_| DecodeError::BadUtf8 { at })
    }
    fn value(&mut self, code: u8) -> Result<Value, DecodeError> {
        Ok(match code {
            T_INT => Value::Int(self.u64()? as i64),
            T_F64 => Value::Float(f64::from_bits(self.u64()?)),
            other => Value::Other(other),
        })
    }
}

/// Decodes one frame (v1 binary payload; bytes after the declared payload are ignored).
pub fn decode(frame: &[u8]) -> Result<Message, DecodeError> {
    let mut h = Reader { buf: frame, pos: 0 };
    let magic = h.u8()?;
    if magic != MAGIC {
        return Err(DecodeError::BadMagic(magic));
    }
    let flags = h.u8()?;
    let len = h.u16()? as usize;
    if flags & 0x20 != 0 {
        h.take(8)?;
    }
    let payload = h.take(len)?;
    let mut r = Reader { buf: payload, pos: 0 };
    let kind = r.u8()?;
    Ok(match kind {
        WELCOME => {
            r.take(2 + 8)?;
            Message::Welcome { session: r.str()? }
        }
        SNAPSHOT => Message::Snapshot { count: r.u16()? },
        SET => {
            let flags = r.u8()?;
            let address = r.str()?;
            Message::Set { address, value: r.value(flags & 0x0F)? }
        }
        PUBLISH => {
            r.u8()?;
            let address = r.str()?;
            let value = match r.u8()? {
                1 => {
                    let code = r.u8()?;
                    Some(r.value(code)?)
                }
                _ => None,
            };
            Message::Publish { address, value }
        }
        ACK => {
            let flags = r.u8()?;
            if flags & 0x01 != 0 {
                r.str()?;
            }
            let revision = if flags & 0x02 != 0 { Some(r.u64()?) } else { None };
            Message::Ack { revision }
        }
        ERROR => {
            let code = r.u16()?;
            Message::Error { code, message: r.str()? }
        }
        PONG => Message::Pong,
        other => Message::Other(other),
    })
}

#[cfg(test)]
mod tests {
    //! What's tested: each encoder against the docs/wire-format.md vectors (V1 layout, V8, V14,
    //! V13b), decoding of what the relay sends, and bounded reads on truncated input.
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
    }

    #[test]
    fn hello_matches_the_js_client_layout() {
        // V8 layout with the JS client's features byte e0 and a 0-length token.
        let f = hello("Test Client");
        assert_eq!(f, hex("53 01 00 12 01 01 e0 00 0b 54 65 73 74 20 43 6c 69 65 6e 74 00 00"));
    }

    #[test]
    fn set_float_matches_v1_without_revision() {
        let f = set("/test/value", Value::Float(0.5));
        assert_eq!(f, hex("53 41 00 17 21 07 00 0b 2f 74 65 73 74 2f 76 61 6c 75 65 3f e0 00 00 00 00 00 00"));
        assert_eq!(decode(&f), Ok(Message::Set { address: "/test/value".into(), value: Value::Float(0.5) }));
    }

    #[test]
    fn set_int_and_subscribe_and_publish_layouts() {
        assert_eq!(set("/a", Value::Int(42)), hex("53 41 00 0e 21 05 00 02 2f 61 00 00 00 00 00 00 00 2a"));
        assert_eq!(subscribe(42, "/a/**"), hex("53 41 00 0e 10 00 00 00 2a 00 05 2f 61 2f 2a 2a ff 00"));
        let p = publish("/cue", SIGNAL_EVENT, Value::Int(1));
        assert_eq!(p, hex("53 41 00 12 20 20 00 04 2f 63 75 65 01 05 00 00 00 00 00 00 00 01"));
        assert_eq!(decode(&p), Ok(Message::Publish { address: "/cue".into(), value: Some(Value::Int(1)) }));
        assert_eq!(ping(), hex("53 01 00 01 41"));
    }

    #[test]
    fn decodes_what_the_relay_sends() {
        let ack = hex("53 01 00 17 50 03 00 0b 2f 74 65 73 74 2f 76 61 6c 75 65 00 00 00 00 00 00 00 02");
        assert_eq!(decode(&ack), Ok(Message::Ack { revision: Some(2) }));
        let welcome = hex("53 01 00 24 02 01 80 00 00 00 00 49 96 02 d2 00 08 73 65 73 73 2d 31 32 33 00 0b 54 65 73 74 20 53 65 72 76 65 72 00 00");
        assert_eq!(decode(&welcome), Ok(Message::Welcome { session: "sess-123".into() }));
        assert_eq!(decode(&hex("53 01 00 03 23 00 00")), Ok(Message::Snapshot { count: 0 }));
        assert_eq!(decode(&hex("53 01 00 01 42")), Ok(Message::Pong));
    }

    #[test]
    fn truncated_and_foreign_input_is_an_error_not_a_panic() {
        assert_eq!(decode(&[]), Err(DecodeError::Truncated { at: 0, needed: 1 }));
        assert_eq!(decode(&[0x00, 0, 0, 0]), Err(DecodeError::BadMagic(0)));
        assert_eq!(decode(&hex("53 01 00 05 21 07 00")), Err(DecodeError::Truncated { at: 4, needed: 5 }));
        assert_eq!(decode(&hex("53 01 00 04 21 07 00 09")), Err(DecodeError::Truncated { at: 4, needed: 9 }));
        let bad = hex("53 01 00 05 21 07 00 01 ff");
        assert_eq!(decode(&bad), Err(DecodeError::BadUtf8 { at: 4 }));
    }
}
