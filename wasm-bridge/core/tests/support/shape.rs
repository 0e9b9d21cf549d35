//! A decoded Rust message in the shape the TypeScript decoder gives (`DecodedMessage`), as JSON
//! with the tags of `test/fixtures/vectors.json`: `{"$int": "…"}` for i64/u64, `{"$map": […]}`,
//! `{"$bytes": "…"}`. Lets the vector test and the TS↔Rust cross-check compare values, not only bytes.

use clasp_wasm_core::*;

use super::json::{hex, Json};

fn s(v: &str) -> Json {
    Json::Str(v.to_string())
}

fn int(v: impl ToString) -> Json {
    Json::Obj(vec![("$int".to_string(), Json::Str(v.to_string()))])
}

fn num(v: impl Into<f64>) -> Json {
    float(v.into())
}

/// JSON has no NaN or infinities: those are tagged `{"$f64": "NaN" | "Infinity" | "-Infinity"}`.
fn float(f: f64) -> Json {
    if f.is_finite() {
        return Json::Num(f);
    }
    let name = if f.is_nan() { "NaN" } else if f > 0.0 { "Infinity" } else { "-Infinity" };
    Json::Obj(vec![("$f64".to_string(), Json::Str(name.to_string()))])
}

pub fn value(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => int(i),
        Value::Float(f) => float(*f),
        Value::String(t) => s(t),
        Value::Bytes(b) => Json::Obj(vec![("$bytes".to_string(), Json::Str(hex(b)))]),
        Value::Array(items) => Json::Arr(items.iter().map(value).collect()),
        Value::Map(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Json::Obj(vec![(
                "$map".to_string(),
                Json::Arr(entries.into_iter().map(|(k, v)| Json::Arr(vec![s(k), value(v)])).collect()),
            )])
        }
    }
}

fn signal_name(t: SignalType) -> Json {
    s(match t {
        SignalType::Param => "param",
        SignalType::Event => "event",
        SignalType::Stream => "stream",
        SignalType::Gesture => "gesture",
        SignalType::Timeline => "timeline",
    })
}

fn phase_name(p: GesturePhase) -> Json {
    s(match p {
        GesturePhase::Start => "start",
        GesturePhase::Move => "move",
        GesturePhase::End => "end",
        GesturePhase::Cancel => "cancel",
    })
}

struct Obj(Vec<(String, Json)>);

impl Obj {
    fn new(kind: &str) -> Self {
        Obj(vec![("type".to_string(), s(kind))])
    }
    fn with(mut self, k: &str, v: Json) -> Self {
        self.0.push((k.to_string(), v));
        self
    }
    fn opt(self, k: &str, v: Option<Json>) -> Self {
        match v {
            Some(v) => self.with(k, v),
            None => self,
        }
    }
    fn done(self) -> Json {
        Json::Obj(self.0)
    }
}

fn signal_def(d: &SignalDefinition) -> Json {
    let mut o = Obj(Vec::new()).with("address", s(&d.address)).with("type", signal_name(d.signal_type));
    o = o.opt("datatype", d.datatype.as_deref().map(s)).opt("access", d.access.as_deref().map(s));
    let meta = d.meta.as_ref().map(|m| {
        Obj(Vec::new())
            .opt("unit", m.unit.as_deref().map(s))
            .opt("range", m.range.map(|(a, b)| Json::Arr(vec![num(a), num(b)])))
            .opt("default", m.default.as_ref().map(value))
            .opt("description", m.description.as_deref().map(s))
            .done()
    });
    o.opt("meta", meta).done()
}

fn types(t: &[SignalType]) -> Option<Json> {
    if t.is_empty() {
        None
    } else {
        Some(Json::Arr(t.iter().map(|x| signal_name(*x)).collect()))
    }
}

pub fn message(m: &Message) -> Json {
    match m {
        Message::Hello(h) => Obj::new("HELLO")
            .with("version", num(h.version))
            .with("name", s(&h.name))
            .with("features", Json::Arr(h.features.iter().map(|f| s(f)).collect()))
            .opt("token", h.token.as_deref().map(s))
            .done(),
        Message::Welcome(w) => Obj::new("WELCOME")
            .with("version", num(w.version))
            .with("session", s(&w.session))
            .with("name", s(&w.name))
            .with("features", Json::Arr(w.features.iter().map(|f| s(f)).collect()))
            .with("time", int(w.time))
            .opt("token", w.token.as_deref().map(s))
            .done(),
        Message::Announce(a) => Obj::new("ANNOUNCE")
            .with("namespace", s(&a.namespace))
            .with("signals", Json::Arr(a.signals.iter().map(signal_def).collect()))
            .done(),
        Message::FederationSync(f) => {
            let mut revs: Vec<(&String, &u64)> = f.revisions.iter().collect();
            revs.sort();
            let op = match f.op {
                FederationOp::DeclareNamespaces => "DeclareNamespaces",
                FederationOp::RequestSync => "RequestSync",
                FederationOp::RevisionVector => "RevisionVector",
                FederationOp::SyncComplete => "SyncComplete",
            };
            Obj::new("FEDERATION_SYNC")
                .with("op", s(op))
                .with("patterns", Json::Arr(f.patterns.iter().map(|p| s(p)).collect()))
                .with(
                    "revisions",
                    Json::Obj(vec![(
                        "$map".to_string(),
                        Json::Arr(revs.into_iter().map(|(k, v)| Json::Arr(vec![s(k), int(v)])).collect()),
                    )]),
                )
                .opt("sinceRevision", f.since_revision.map(int))
                .opt("origin", f.origin.as_deref().map(s))
                .done()
        }
        Message::Subscribe(m) => Obj::new("SUBSCRIBE")
            .with("id", num(m.id))
            .with("pattern", s(&m.pattern))
            .opt("types", types(&m.types))
            .opt(
                "options",
                m.options.as_ref().map(|o| {
                    Obj(Vec::new())
                        .opt("maxRate", o.max_rate.map(num))
                        .opt("epsilon", o.epsilon.map(num))
                        .opt("history", o.history.map(num))
                        .opt("window", o.window.map(num))
                        .done()
                }),
            )
            .done(),
        Message::Unsubscribe(u) => Obj::new("UNSUBSCRIBE").with("id", num(u.id)).done(),
        Message::Publish(p) => Obj::new("PUBLISH")
            .with("address", s(&p.address))
            .opt("signal", p.signal.map(signal_name))
            .opt("phase", p.phase.map(phase_name))
            .opt("value", p.value.as_ref().or(p.payload.as_ref()).map(value))
            .opt("samples", p.samples.as_ref().map(|v| Json::Arr(v.iter().map(|x| float(*x)).collect())))
            .opt("rate", p.rate.map(num))
            .opt("id", p.id.map(num))
            .opt("timestamp", p.timestamp.map(int))
            .done(),
        Message::Set(m) => {
            let (ttl, absolute) = match m.ttl {
                None => (None, None),
                Some(Ttl::Never) => (Some(0), None),
                Some(Ttl::Sliding(t)) => (Some(t), None),
                Some(Ttl::Absolute(t)) => (Some(t), Some(Json::Bool(true))),
            };
            Obj::new("SET")
                .with("address", s(&m.address))
                .with("value", value(&m.value))
                .opt("revision", m.revision.map(int))
                .with("lock", Json::Bool(m.lock))
                .with("unlock", Json::Bool(m.unlock))
                .opt("ttl", ttl.map(num))
                .opt("absolute", absolute)
                .done()
        }
        Message::Get(g) => Obj::new("GET").with("address", s(&g.address)).done(),
        Message::Snapshot(sn) => Obj::new("SNAPSHOT")
            .with(
                "params",
                Json::Arr(
                    sn.params
                        .iter()
                        .map(|p| {
                            Obj(Vec::new())
                                .with("address", s(&p.address))
                                .with("value", value(&p.value))
                                .with("revision", int(p.revision))
                                .opt("writer", p.writer.as_deref().map(s))
                                .opt("timestamp", p.timestamp.map(int))
                                .done()
                        })
                        .collect(),
                ),
            )
            .done(),
        Message::Replay(r) => Obj::new("REPLAY")
            .with("pattern", s(&r.pattern))
            .opt("from", r.from.map(int))
            .opt("to", r.to.map(int))
            .opt("limit", r.limit.map(num))
            .opt("types", types(&r.types))
            .done(),
        Message::Bundle(b) => Obj::new("BUNDLE")
            .opt("timestamp", b.timestamp.map(int))
            .with("messages", Json::Arr(b.messages.iter().map(message).collect()))
            .done(),
        Message::Sync(y) => Obj::new("SYNC").with("t1", int(y.t1)).opt("t2", y.t2.map(int)).opt("t3", y.t3.map(int)).done(),
        Message::Ping => Obj::new("PING").done(),
        Message::Pong => Obj::new("PONG").done(),
        Message::Ack(a) => Obj::new("ACK")
            .opt("address", a.address.as_deref().map(s))
            .opt("revision", a.revision.map(int))
            .opt("locked", a.locked.map(Json::Bool))
            .opt("holder", a.holder.as_deref().map(s))
            .opt("correlationId", a.correlation_id.map(num))
            .done(),
        Message::Error(e) => Obj::new("ERROR")
            .with("code", num(e.code))
            .with("message", s(&e.message))
            .opt("address", e.address.as_deref().map(s))
            .opt("correlationId", e.correlation_id.map(num))
            .done(),
        Message::Query(q) => Obj::new("QUERY").with("pattern", s(&q.pattern)).done(),
        Message::Result(r) => {
            Obj::new("RESULT").with("signals", Json::Arr(r.signals.iter().map(signal_def).collect())).done()
        }
    }
}
