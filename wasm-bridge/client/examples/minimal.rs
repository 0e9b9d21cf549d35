//! The smallest useful client: connect, subscribe, set one value. Built as its own .wasm by
//! `npm run build:wasm` to keep an eye on what a client costs (`bench:wasm` reports its size).

use clasp_wasm_client::{Clasp, Value};

async fn app(url: String) {
    let client = match Clasp::connect_to(&url).await {
        Ok(c) => c,
        Err(e) => return clasp_wasm_bridge::console::report(&e.to_string()),
    };
    let watcher = client.clone();
    let subscribed = client
        .subscribe("/minimal/**", move |value: Value, address: &str| {
            if let Some(v) = value.as_i64() {
                clasp_wasm_bridge::console::report(&format!("{} {}", address, v));
            }
            let _ = watcher.is_connected();
        })
        .await;
    if subscribed.is_ok() {
        let _ = client.set("/minimal/value", 42i64).await;
    }
}

clasp_wasm_bridge::main!(app);
