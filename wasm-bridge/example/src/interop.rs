//! `interop` mode: values of every kind between this client and another one (the browser
//! test's `@clasp-to/core` client) through a relay.
//!
//! 1. Subscribe to `/interop/sdk/**`, report `ready`; report every value seen (`seen`).
//! 2. When `/interop/sdk/go` arrives: SET one value of each kind under `/interop/rust/`, emit
//!    `/interop/rust/event` with a nested map, `get` a param only the other side set
//!    (`/interop/shared/answer`) and this side's own `/interop/rust/int_big` (neither
//!    subscribed: real GETs), then SET `/interop/rust/done`.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use clasp_wasm_bridge::sleep;
use clasp_wasm_client::{Clasp, Value};

use crate::json::Json;
use crate::Args;

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<HashMap<_, _>>())
}

/// The values this side sends, by address suffix.
fn values() -> Vec<(&'static str, Value)> {
    vec![
        ("int_big", Value::Int((1i64 << 60) + 1)),
        ("int_min", Value::Int(i64::MIN)),
        ("int_small", Value::Int(-42)),
        ("float", Value::Float(0.1)),
        ("float_neg_zero", Value::Float(-0.0)),
        ("text", Value::from("grüße, 世界 🎛")),
        ("empty", Value::from("")),
        ("bool", Value::Bool(true)),
        ("null", Value::Null),
        ("bytes", Value::Bytes(vec![0, 1, 127, 128, 255])),
        ("array", Value::Array(vec![Value::Int(1), Value::Float(2.5), Value::from("three"), Value::Null])),
        (
            "nested",
            map(vec![
                ("level", Value::Float(0.75)),
                ("tags", Value::Array(vec![Value::from("a"), Value::from("ß")])),
                ("inner", map(vec![("deep", map(vec![("n", Value::Int(1 << 55))])), ("raw", Value::Bytes(vec![9]))])),
            ]),
        ),
    ]
}

/// `interop`: see the module docs.
pub(crate) async fn interop(args: &Args) {
    let url = args.get("url").unwrap_or("ws://127.0.0.1:7330");
    let client = match Clasp::builder(url).name("rust-interop").connect().await {
        Ok(c) => c,
        Err(e) => return Json::event("connect_error").str("error", &e.to_string()).report(),
    };
    let go = Rc::new(Cell::new(false));
    let g = go.clone();
    let subscribed = client
        .subscribe("/interop/sdk/**", move |value: Value, address: &str| {
            if address == "/interop/sdk/go" {
                g.set(true);
            }
            Json::event("seen").str("address", address).value("value", &value).report();
        })
        .await;
    if let Err(e) = subscribed {
        return Json::event("client_error").str("error", &e.to_string()).report();
    }
    Json::event("ready").str("session", &client.session_id().unwrap_or_default()).report();
    while !go.get() {
        sleep(10).await;
    }
    for (name, value) in values() {
        let address = format!("/interop/rust/{}", name);
        if let Err(e) = client.set(&address, value).await {
            return Json::event("client_error").str("error", &e.to_string()).report();
        }
    }
    let payload = map(vec![("who", Value::from("rust")), ("n", Value::Int(7)), ("list", Value::Array(vec![Value::Bool(false)]))]);
    if let Err(e) = client.emit("/interop/rust/event", payload).await {
        return Json::event("client_error").str("error", &e.to_string()).report();
    }
    // Not subscribed to either: both are real GETs answered by the relay. The second reads back
    // this side's own i64 beyond 2^53 from the relay's store.
    for address in ["/interop/shared/answer", "/interop/rust/int_big"] {
        match client.get(address).await {
            Ok(v) => Json::event("got").str("address", address).value("value", &v).report(),
            Err(e) => Json::event("get_error").str("address", address).str("error", &e.to_string()).report(),
        }
    }
    let _ = client.set("/interop/rust/done", true).await;
    Json::event("done").report();
    // Stay connected until the page disposes the instance: the other side may still GET.
}
