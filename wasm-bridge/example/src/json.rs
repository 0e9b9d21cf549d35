//! A tiny JSON object writer for reports (integers only: float formatting would double the .wasm).

use clasp_wasm_bridge::abi::push_json_string;

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
