//! Hostile input, natively: mutated frames (bit flips, truncations, insertions, forged lengths
//! and counts, spliced frames) never panic, decoding is stable under re-encoding, and absurd
//! shapes (deep nesting, huge counts in tiny inputs, the largest legal frame) give `Err` or the
//! right message.

mod support;

use std::collections::HashMap;

use clasp_wasm_core::codec::{decode, decode_message, encode, encode_message, encode_with_options};
use clasp_wasm_core::*;
use support::json::{from_hex, parse, Json};

/// xorshift64*: a fixed seed, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test/fixtures/vectors.json");
    let t = parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    ["vectors", "legacy", "seeds", "errors"]
        .iter()
        .flat_map(|k| t.get(k).unwrap().arr().to_vec())
        .map(|v| from_hex(v.get("hex").and_then(Json::str).unwrap()))
        .collect()
}

fn mutate(rng: &mut Rng, frame: &[u8], other: &[u8]) -> Vec<u8> {
    let mut f = frame.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = f.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                f[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                f[i] = rng.next() as u8;
            }
            2 => f.truncate(rng.below(len + 1)),
            3 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(8);
                for _ in 0..n {
                    f.insert(i.min(f.len()), rng.next() as u8);
                }
            }
            // Forge a u16 length or count anywhere: 0, 0xFFFF or random.
            4 if len >= 2 => {
                let i = rng.below(len - 1);
                let v: u16 = match rng.below(3) {
                    0 => 0,
                    1 => 0xffff,
                    _ => rng.next() as u16,
                };
                f[i..i + 2].copy_from_slice(&v.to_be_bytes());
            }
            // Make the header's payload length agree with the (mutated) body.
            5 if len >= 4 => {
                let body = (len - 4).min(0xffff) as u16;
                f[1] &= !0x20;
                f[2..4].copy_from_slice(&body.to_be_bytes());
            }
            6 => {
                let cut = rng.below(other.len() + 1);
                f.extend_from_slice(&other[cut..]);
            }
            _ if len > 4 => {
                // A different type code on a valid body.
                let codes = [0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x20, 0x21, 0x22, 0x23, 0x24, 0x30, 0x40, 0x41, 0x42, 0x50, 0x51, 0x60, 0x61];
                f[4] = codes[rng.below(codes.len())];
            }
            _ => {}
        }
    }
    f
}

#[test]
fn mutated_frames_never_panic_and_decoding_is_stable() {
    let seeds = seeds();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut err) = (0u32, 0u32);
    for round in 0..200_000 {
        let a = &seeds[rng.below(seeds.len())];
        let b = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, a, b);
        // Also the bare payload path, with and without the header.
        let _ = decode_message(&input);
        let _ = decode_message(input.get(4..).unwrap_or(&[]));
        match decode(&input) {
            Ok((message, frame)) => {
                ok += 1;
                if let Ok(once) = encode_with_options(&message, Some(frame.flags.qos), frame.timestamp) {
                    let (again, _) = decode(&once).unwrap_or_else(|e| panic!("round {}: re-decode: {}", round, e));
                    let twice = encode_with_options(&again, Some(frame.flags.qos), frame.timestamp).unwrap();
                    assert_eq!(once, twice, "round {}: encoding not stable", round);
                }
            }
            Err(_) => err += 1,
        }
    }
    // The mutations must reach both outcomes often, or the test proves little.
    assert!(ok > 10_000 && err > 10_000, "ok {} err {}", ok, err);
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..100_000 {
        let len = rng.below(64);
        let mut f: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if len > 4 && rng.below(2) == 0 {
            f[0] = 0x53;
            f[1] &= 0xdf;
            let body = (len - 4) as u16;
            f[2..4].copy_from_slice(&body.to_be_bytes());
        }
        let _ = decode(&f);
    }
}

fn set_frame(value_type: u8, body: &[u8]) -> Vec<u8> {
    let mut payload = vec![0x21, value_type, 0x00, 0x02, b'/', b'x'];
    payload.extend_from_slice(body);
    let mut f = vec![0x53, 0x41];
    f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    f.extend_from_slice(&payload);
    f
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // ~21 800 nested one-element arrays in one 65 535-byte payload.
    let mut body = vec![0x00, 0x01];
    while body.len() + 6 < 65_520 {
        body.extend_from_slice(&[0x0a, 0x00, 0x01]);
    }
    body.extend_from_slice(&[0x0a, 0x00, 0x00]);
    match decode(&set_frame(0x0a, &body)) {
        Err(Error::DecodeError(m)) => assert!(m.contains("deeper"), "{}", m),
        Err(e) => panic!("{}", e),
        Ok(_) => panic!("decoded a 21 800-deep value"),
    }

    // Nested bundles: 6 bytes per level.
    let mut inner = vec![0x41u8];
    for _ in 0..5000 {
        let mut b = vec![0x30, 0x00, 0x00, 0x01];
        b.extend_from_slice(&(inner.len() as u16).to_be_bytes());
        b.extend_from_slice(&inner);
        if b.len() > 65_000 {
            break;
        }
        inner = b;
    }
    match decode_message(&inner) {
        Err(Error::DecodeError(m)) => assert!(m.contains("bundles"), "{}", m),
        Err(e) => panic!("{}", e),
        Ok(_) => panic!("decoded deeply nested bundles"),
    }

    // Encoding refuses the same depths.
    let mut v = Value::Null;
    for _ in 0..200 {
        v = Value::Array(vec![v]);
    }
    let set = Message::Set(SetMessage { address: "/x".into(), value: v, revision: None, lock: false, unlock: false, ttl: None });
    assert!(matches!(encode(&set), Err(Error::EncodeError(_))));
}

#[test]
fn huge_counts_in_tiny_inputs_are_truncation_errors() {
    for (vtype, body) in [(0x0a, vec![0xff, 0xff]), (0x0b, vec![0xff, 0xff]), (0x09, vec![0xff, 0xff, 1])] {
        assert!(matches!(decode(&set_frame(vtype, &body)), Err(Error::BufferTooSmall { .. })));
    }
    // SNAPSHOT with 65 535 params announced and none present.
    assert!(matches!(decode_message(&[0x23, 0xff, 0xff]), Err(Error::BufferTooSmall { .. })));
    // A BUNDLE slot longer than the bundle.
    assert!(matches!(decode_message(&[0x30, 0x00, 0x00, 0x01, 0xff, 0xff, 0x41]), Err(Error::BufferTooSmall { .. })));
}

#[test]
fn largest_legal_inputs() {
    // 255-segment address, and a SET whose frame is exactly 65 535 payload bytes.
    let address: String = (0..255).map(|i| format!("/s{}", i % 10)).collect();
    let fixed = 1 + 1 + 2 + address.len() + 2;
    let text = "é".repeat((65_535 - fixed) / 2) + if (65_535 - fixed) % 2 == 1 { "x" } else { "" };
    let set = Message::Set(SetMessage { address: address.clone(), value: Value::String(text), revision: None, lock: false, unlock: false, ttl: None });
    let bytes = encode(&set).unwrap();
    assert_eq!(bytes.len(), 4 + 65_535);
    assert_eq!(decode(&bytes).unwrap().0, set);
    assert!(Pattern::compile(&address).unwrap().matches(&address));

    // One byte more is refused, and the output buffer is left as it was.
    let mut too_big = set;
    if let Message::Set(s) = &mut too_big {
        if let Value::String(t) = &mut s.value {
            t.push('y');
        }
    }
    assert!(matches!(encode(&too_big), Err(Error::PayloadTooLarge(65_536))));
    let mut out = vec![1, 2, 3];
    assert!(codec::encode_into(&mut out, &too_big, None, None).is_err());
    assert_eq!(out, vec![1, 2, 3]);

    // A string over 65 535 bytes is refused by the encoder (never a wrapped length).
    let long = Message::Get(GetMessage { address: "/".to_string() + &"a".repeat(70_000) });
    assert!(matches!(encode_message(&long), Err(Error::PayloadTooLarge(70_001))));
    let many = Value::Array(vec![Value::Null; 70_000]);
    let set = Message::Set(SetMessage { address: "/a".into(), value: many, revision: None, lock: false, unlock: false, ttl: None });
    assert!(matches!(encode_message(&set), Err(Error::PayloadTooLarge(70_000))));
}

#[test]
fn maps_encode_in_key_order() {
    let mut m = HashMap::new();
    for k in ["zeta", "alpha", "mu", "beta", "ω", "Z"] {
        m.insert(k.to_string(), Value::Int(k.len() as i64));
    }
    let set = Message::Set(SetMessage { address: "/m".into(), value: Value::Map(m.clone()), revision: None, lock: false, unlock: false, ttl: None });
    let first = encode(&set).unwrap();
    for _ in 0..20 {
        let copy: HashMap<String, Value> = m.clone().into_iter().collect();
        let again = Message::Set(SetMessage { address: "/m".into(), value: Value::Map(copy), revision: None, lock: false, unlock: false, ttl: None });
        assert_eq!(encode(&again).unwrap(), first);
    }
    let text = String::from_utf8_lossy(&first);
    let positions: Vec<usize> = ["Z", "alpha", "beta", "mu", "zeta", "ω"].iter().map(|k| text.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{:?}", positions);
}
