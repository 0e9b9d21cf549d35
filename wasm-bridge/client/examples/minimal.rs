//! The smallest useful client: connect, subscribe, set one value. Built as its own .wasm by
//! `npm run build:wasm` to keep an eye on what the client costs (`bench:wasm` reports its size),
//! so it formats nothing itself: error texts and number formatting are the app's own cost.

use clasp_wasm_client::{Clasp, Value};

async fn app(url: String) {
    let client = match Clasp::connect_to(&url).await {
        Ok(c) => c,
        Err(_) => return clasp_wasm_bridge::console::report("connect failed"),
    };
    let subscribed = client
        .subscribe("/minimal/**", |value: Value, address: &str| {
            if value.as_i64() == Some(42) {
                clasp_wasm_bridge::console::report(address);
            }
        })
        .await;
    if subscribed.is_err() || client.set("/minimal/value", 42i64).await.is_err() {
        clasp_wasm_bridge::console::report("send failed");
    }
}

clasp_wasm_bridge::main!(app);
