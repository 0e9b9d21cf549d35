//! The frame header, as in `clasp-core::frame`: magic, flags, u16 payload length, optional
//! µs timestamp, payload. Big-endian throughout.

use crate::error::{Error, Result};
use crate::types::QoS;
use crate::MAGIC_BYTE;

/// Header length without timestamp.
pub const HEADER_SIZE: usize = 4;

/// Header length with timestamp.
pub const HEADER_SIZE_WITH_TS: usize = 12;

/// Largest payload a frame can carry.
pub const MAX_PAYLOAD_SIZE: usize = 65535;

/// The flags byte: QoS (bits 7–6), timestamp (5), encrypted (4), compressed (3), version (2–0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameFlags {
    /// Quality of service. The reserved pattern `11` decodes as [`QoS::Fire`].
    pub qos: QoS,
    /// A timestamp follows the length.
    pub has_timestamp: bool,
    /// Marked encrypted (no algorithm is defined; carried only).
    pub encrypted: bool,
    /// Marked compressed (no algorithm is defined; carried only).
    pub compressed: bool,
    /// Encoding version: 0 legacy MessagePack, 1 binary. Payloads are told apart by their
    /// first byte, not by this field.
    pub version: u8,
}

impl FrameFlags {
    /// The flags as one byte.
    pub fn to_byte(&self) -> u8 {
        ((self.qos as u8) << 6)
            | if self.has_timestamp { 0x20 } else { 0 }
            | if self.encrypted { 0x10 } else { 0 }
            | if self.compressed { 0x08 } else { 0 }
            | (self.version & 0x07)
    }

    /// The flags of a byte.
    pub fn from_byte(byte: u8) -> Self {
        FrameFlags {
            qos: QoS::from_u8(byte >> 6).unwrap_or(QoS::Fire),
            has_timestamp: byte & 0x20 != 0,
            encrypted: byte & 0x10 != 0,
            compressed: byte & 0x08 != 0,
            version: byte & 0x07,
        }
    }

    /// True for version 1 or higher (compact binary).
    pub fn is_binary_encoding(&self) -> bool {
        self.version >= 1
    }
}

/// One frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Flags.
    pub flags: FrameFlags,
    /// Timestamp, µs (present iff `flags.has_timestamp`).
    pub timestamp: Option<u64>,
    /// Payload: one encoded message.
    pub payload: Vec<u8>,
}

impl Frame {
    /// A frame with default flags (Fire, version 0: set `flags.version = 1` for binary).
    pub fn new(payload: impl Into<Vec<u8>>) -> Self {
        Frame { flags: FrameFlags::default(), timestamp: None, payload: payload.into() }
    }

    /// Sets the QoS.
    pub fn with_qos(mut self, qos: QoS) -> Self {
        self.flags.qos = qos;
        self
    }

    /// Sets the timestamp (µs) and its flag.
    pub fn with_timestamp(mut self, timestamp: u64) -> Self {
        self.timestamp = Some(timestamp);
        self.flags.has_timestamp = true;
        self
    }

    /// Sets the encrypted flag.
    pub fn with_encrypted(mut self, encrypted: bool) -> Self {
        self.flags.encrypted = encrypted;
        self
    }

    /// Sets the compressed flag.
    pub fn with_compressed(mut self, compressed: bool) -> Self {
        self.flags.compressed = compressed;
        self
    }

    /// Encoded length.
    pub fn size(&self) -> usize {
        let header = if self.timestamp.is_some() { HEADER_SIZE_WITH_TS } else { HEADER_SIZE };
        header + self.payload.len()
    }

    /// The frame's bytes.
    ///
    /// Errors: [`Error::PayloadTooLarge`] above [`MAX_PAYLOAD_SIZE`].
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.size());
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Appends the frame's bytes to `out`; `out` is unchanged on error.
    ///
    /// Errors: [`Error::PayloadTooLarge`] above [`MAX_PAYLOAD_SIZE`].
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<()> {
        if self.payload.len() > MAX_PAYLOAD_SIZE {
            return Err(Error::PayloadTooLarge(self.payload.len()));
        }
        let mut flags = self.flags;
        flags.has_timestamp = self.timestamp.is_some();
        out.push(MAGIC_BYTE);
        out.push(flags.to_byte());
        out.extend_from_slice(&(self.payload.len() as u16).to_be_bytes());
        if let Some(ts) = self.timestamp {
            out.extend_from_slice(&ts.to_be_bytes());
        }
        out.extend_from_slice(&self.payload);
        Ok(())
    }

    /// Reads one frame from the start of `buf` (bytes after it are ignored).
    ///
    /// Errors: [`Error::BufferTooSmall`] for a short buffer, [`Error::InvalidMagic`].
    pub fn decode(buf: &[u8]) -> Result<Self> {
        let (flags, timestamp, start, end) = header(buf)?;
        Ok(Frame { flags, timestamp, payload: buf[start..end].to_vec() })
    }

    /// The length of the whole frame at the start of `buf`, or `None` while incomplete
    /// (also when the magic byte is wrong, as in `clasp-core`).
    pub fn check_complete(buf: &[u8]) -> Option<usize> {
        header(buf).ok().map(|(_, _, _, end)| end)
    }
}

/// Flags, timestamp and the payload's range in `buf`.
pub(crate) fn header(buf: &[u8]) -> Result<(FrameFlags, Option<u64>, usize, usize)> {
    if buf.len() < HEADER_SIZE {
        return Err(Error::BufferTooSmall { needed: HEADER_SIZE, have: buf.len() });
    }
    if buf[0] != MAGIC_BYTE {
        return Err(Error::InvalidMagic(buf[0]));
    }
    let flags = FrameFlags::from_byte(buf[1]);
    let len = usize::from(u16::from_be_bytes([buf[2], buf[3]]));
    let start = if flags.has_timestamp { HEADER_SIZE_WITH_TS } else { HEADER_SIZE };
    let end = start + len;
    if buf.len() < end {
        return Err(Error::BufferTooSmall { needed: end, have: buf.len() });
    }
    let timestamp = if flags.has_timestamp {
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&buf[4..12]);
        Some(u64::from_be_bytes(ts))
    } else {
        None
    };
    Ok((flags, timestamp, start, end))
}
