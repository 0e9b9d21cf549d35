//! The shared vectors of `test/fixtures/vectors.json` (the same table the TypeScript codec
//! tests read): every Rust-written frame decodes to the expected message and re-encodes to the
//! same bytes; the JS variants and fuzz seeds decode to what the TS decoder gives; every error
//! vector is an `Err` of the matching kind.

mod support;

use clasp_wasm_core::codec::{decode, decode_frame_message, encode_with_options};
use clasp_wasm_core::frame::Frame;
use clasp_wasm_core::Error;
use support::json::{from_hex, hex, parse, Json};
use support::shape;

fn table() -> Json {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test/fixtures/vectors.json");
    let text = std::fs::read_to_string(path).expect("test/fixtures/vectors.json");
    parse(&text).expect("vectors.json parses")
}

fn field<'a>(v: &'a Json, k: &str) -> &'a str {
    v.get(k).and_then(Json::str).unwrap_or_else(|| panic!("vector without {}", k))
}

#[test]
fn encoded_vectors_decode_and_reencode_byte_exact() {
    let t = table();
    let mut checked = 0;
    for v in t.get("vectors").unwrap().arr().iter().chain(t.get("seeds").unwrap().arr()) {
        let name = field(v, "name");
        let bytes = from_hex(field(v, "hex"));
        let (message, flags, timestamp) = decode_frame_message(&bytes).unwrap_or_else(|e| panic!("{}: {}", name, e));
        let expected = v.get("decoded").or_else(|| v.get("message")).unwrap();
        let actual = shape::message(&message);
        assert!(actual.same(expected), "{}:\n  rust {}\n  want {}", name, actual.to_string(), expected.to_string());
        assert_eq!(Frame::check_complete(&bytes), Some(bytes.len()), "{}", name);
        if v.get("decodeOnly") != Some(&Json::Bool(true)) {
            let again = encode_with_options(&message, Some(flags.qos), timestamp).unwrap();
            assert_eq!(hex(&again), field(v, "hex"), "{}", name);
        }
        checked += 1;
    }
    assert!(checked >= 35, "only {} vectors", checked);
}

#[test]
fn legacy_messagepack_vectors_are_a_clear_error() {
    for v in table().get("legacy").unwrap().arr() {
        match decode(&from_hex(field(v, "hex"))) {
            Err(Error::DecodeError(m)) => assert!(m.contains("MessagePack"), "{}", m),
            other => panic!("{}: {:?}", field(v, "name"), other),
        }
    }
}

#[test]
fn error_vectors_are_errors_of_the_same_kind() {
    for v in table().get("errors").unwrap().arr() {
        let name = field(v, "name");
        let err = decode(&from_hex(field(v, "hex"))).expect_err(name);
        let ok = match (field(v, "code"), &err) {
            ("bad-magic", Error::InvalidMagic(_)) => true,
            ("truncated", Error::BufferTooSmall { .. }) => true,
            ("unknown-message", Error::UnknownMessageType(_)) => true,
            ("unknown-value-type", Error::DecodeError(m)) => m.starts_with("unknown value type"),
            ("bad-utf8", Error::DecodeError(m)) => m.contains("UTF-8"),
            ("unknown-federation-op", Error::DecodeError(m)) => m.starts_with("unknown federation op"),
            // The TS codec reads legacy MessagePack; this crate refuses it as a whole.
            ("unknown-message" | "bad-msgpack" | "bad-field", Error::DecodeError(m)) => m.contains("MessagePack"),
            _ => false,
        };
        assert!(ok, "{}: {:?}", name, err);
    }
}
