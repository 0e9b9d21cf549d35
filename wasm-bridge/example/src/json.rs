//! A tiny JSON object writer for reports (no float formatting: it would add ~20 KB to the .wasm).

use clasp_wasm_bridge::abi::push_json_string;
use clasp_wasm_core::Value;

/// Builds one flat JSON object.
#[derive(Debug)]
pub struct Json(String);

impl Json {
    /// `{"event":<event>`
    pub fn event(event: &str) -> Json {
        let mut s = String::from("{\"event\":");
        push_json_string(&mut s, event);
        Json(s)
    }
    /// Adds a string field.
    pub fn str(mut self, key: &str, value: &str) -> Json {
        self.key(key);
        push_json_string(&mut self.0, value);
        self
    }
    /// Adds an integer field.
    pub fn num(mut self, key: &str, value: i64) -> Json {
        self.key(key);
        self.0.push_str(&value.to_string());
        self
    }
    /// Adds a boolean field.
    pub fn bool(mut self, key: &str, value: bool) -> Json {
        self.key(key);
        self.0.push_str(if value { "true" } else { "false" });
        self
    }
    fn key(&mut self, key: &str) {
        self.0.push(',');
        push_json_string(&mut self.0, key);
        self.0.push(':');
    }
    /// Closes the object and sends it to the host's `report`.
    pub fn report(mut self) {
        self.0.push('}');
        clasp_wasm_bridge::console::report(&self.0);
    }
}

/// Appends `value` as tagged JSON without float formatting: `{"$int":"…"}` (i64, exact),
/// `{"$f64":"<16 hex digits of the bits>"}`, `{"$bytes":"01 ff"}`, `{"$map":[[k,v],…]}` in key
/// order; null, booleans, strings and arrays as themselves.
pub fn push_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            out.push_str("{\"$int\":\"");
            out.push_str(&i.to_string());
            out.push_str("\"}");
        }
        Value::Float(f) => {
            out.push_str("{\"$f64\":\"");
            push_hex(out, &f.to_bits().to_be_bytes(), "");
            out.push_str("\"}");
        }
        Value::String(s) => push_json_string(out, s),
        Value::Bytes(b) => {
            out.push_str("{\"$bytes\":\"");
            push_hex(out, b, " ");
            out.push_str("\"}");
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_value(out, item);
            }
            out.push(']');
        }
        Value::Map(map) => {
            // Insertion sort: reports hold small maps, and slice::sort would add 3 KB.
            let mut keys: Vec<&String> = Vec::with_capacity(map.len());
            for k in map.keys() {
                let at = keys.iter().position(|e| k < *e).unwrap_or(keys.len());
                keys.insert(at, k);
            }
            out.push_str("{\"$map\":[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('[');
                push_json_string(out, k);
                out.push(',');
                if let Some(v) = map.get(k) {
                    push_value(out, v);
                }
                out.push(']');
            }
            out.push_str("]}");
        }
    }
}

fn push_hex(out: &mut String, bytes: &[u8], sep: &str) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
}

impl Json {
    /// Adds a value field (see [`push_value`]).
    pub fn value(mut self, key: &str, value: &Value) -> Json {
        self.key(key);
        push_value(&mut self.0, value);
        self
    }
}
