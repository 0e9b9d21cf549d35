//! [`Error`] and [`Result`], as in `clasp-core::error`, plus the protocol's [`ErrorCode`]s.

use std::fmt;

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Everything the codec (and the client built on it) can fail with. The variants are
/// `clasp-core`'s; this crate adds `Clone` and `PartialEq` so tests can compare errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The first byte of a frame is not [`MAGIC_BYTE`](crate::MAGIC_BYTE).
    InvalidMagic(u8),
    /// A payload, string or list does not fit its length field (payloads: 65535 bytes).
    PayloadTooLarge(usize),
    /// The input ended before a field: `needed` bytes from the field's start, `have` left.
    BufferTooSmall {
        /// Bytes the field needs.
        needed: usize,
        /// Bytes that were left.
        have: usize,
    },
    /// A message that cannot be encoded.
    EncodeError(String),
    /// Bytes that are not a valid message (bad UTF-8, unknown value type, too deep, …).
    DecodeError(String),
    /// A message type code this protocol version does not know.
    UnknownMessageType(u8),
    /// A signal type name that does not exist.
    UnknownSignalType(String),
    /// An address that does not start with `/` or has an empty segment.
    InvalidAddress(String),
    /// A subscription pattern that is not a valid address.
    InvalidPattern(String),
    /// A SET was refused because of its revision.
    RevisionConflict {
        /// The revision the router expected.
        expected: u64,
        /// The revision that was sent.
        actual: u64,
    },
    /// A SET was refused because another session holds the lock.
    LockHeld {
        /// The session holding the lock.
        holder: String,
    },
    /// The router refused an operation.
    PermissionDenied(String),
    /// The connection failed or is gone.
    ConnectionError(String),
    /// No answer in time.
    Timeout,
    /// The peer broke the protocol (e.g. an ERROR message from the router).
    Protocol(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidMagic(b) => write!(f, "invalid magic byte: expected 0x53, got 0x{:02x}", b),
            Error::PayloadTooLarge(n) => write!(f, "payload too large: {} bytes (max 65535)", n),
            Error::BufferTooSmall { needed, have } => {
                write!(f, "buffer too small: need {} bytes, have {}", needed, have)
            }
            Error::EncodeError(m) => write!(f, "encode error: {}", m),
            Error::DecodeError(m) => write!(f, "decode error: {}", m),
            Error::UnknownMessageType(t) => write!(f, "unknown message type: 0x{:02x}", t),
            Error::UnknownSignalType(s) => write!(f, "unknown signal type: {}", s),
            Error::InvalidAddress(a) => write!(f, "invalid address: {}", a),
            Error::InvalidPattern(p) => write!(f, "invalid pattern: {}", p),
            Error::RevisionConflict { expected, actual } => {
                write!(f, "state conflict: revision {} expected, got {}", expected, actual)
            }
            Error::LockHeld { holder } => write!(f, "lock held by {}", holder),
            Error::PermissionDenied(m) => write!(f, "permission denied: {}", m),
            Error::ConnectionError(m) => write!(f, "connection error: {}", m),
            Error::Timeout => f.write_str("operation timed out"),
            Error::Protocol(m) => write!(f, "protocol error: {}", m),
        }
    }
}

impl std::error::Error for Error {}

/// Error codes carried by ERROR messages. Routers also send codes outside this list
/// (403, 404, 429, 503): [`ErrorMessage::code`](crate::ErrorMessage::code) stays a `u16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum ErrorCode {
    /// 100
    InvalidFrame = 100,
    /// 101
    InvalidMessage = 101,
    /// 102
    UnsupportedVersion = 102,
    /// 200
    InvalidAddress = 200,
    /// 201
    AddressNotFound = 201,
    /// 202
    PatternError = 202,
    /// 300
    Unauthorized = 300,
    /// 301
    Forbidden = 301,
    /// 302
    TokenExpired = 302,
    /// 400
    RevisionConflict = 400,
    /// 401
    LockHeld = 401,
    /// 402
    InvalidValue = 402,
    /// 500
    InternalError = 500,
    /// 501
    ServiceUnavailable = 501,
    /// 502
    Timeout = 502,
}

impl ErrorCode {
    /// The code for `code`, or `None` for a code outside the list.
    pub fn from_u16(code: u16) -> Option<Self> {
        use ErrorCode::*;
        Some(match code {
            100 => InvalidFrame,
            101 => InvalidMessage,
            102 => UnsupportedVersion,
            200 => InvalidAddress,
            201 => AddressNotFound,
            202 => PatternError,
            300 => Unauthorized,
            301 => Forbidden,
            302 => TokenExpired,
            400 => RevisionConflict,
            401 => LockHeld,
            402 => InvalidValue,
            500 => InternalError,
            501 => ServiceUnavailable,
            502 => Timeout,
            _ => return None,
        })
    }
}
