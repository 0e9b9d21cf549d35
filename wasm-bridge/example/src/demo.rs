//! `demo` mode: an app on `clasp-wasm-client`. It subscribes to `/demo/**`, moves a fader at
//! 60 Hz, streams its level and emits a beat per second, and reports what comes back.

use std::cell::Cell;
use std::rc::Rc;

use clasp_wasm_bridge::sleep;
use clasp_wasm_client::{Clasp, Value};

use crate::json::Json;
use crate::Args;

#[derive(Default)]
struct Seen {
    updates: Cell<u64>,
    fader_sets: Cell<u64>,
    beats: Cell<u64>,
    fader_milli: Cell<i64>,
}

/// `demo`: the 60 Hz fader.
pub(crate) async fn demo(args: &Args) {
    let url = args.get("url").unwrap_or("ws://127.0.0.1:7330");
    let client = match Clasp::builder(url).name("rust-wasm-example").reconnect_interval(1000).connect().await {
        Ok(c) => c,
        Err(e) => return Json::event("connect_error").str("error", &e.to_string()).report(),
    };
    Json::event("connected").report();
    Json::event("welcome").str("session", &client.session_id().unwrap_or_default()).report();

    let seen = Rc::new(Seen::default());
    let s = seen.clone();
    let subscribed = client
        .subscribe("/demo/**", move |value: Value, address: &str| {
            s.updates.set(s.updates.get() + 1);
            match address {
                "/demo/fader" => {
                    s.fader_sets.set(s.fader_sets.get() + 1);
                    s.fader_milli.set((value.as_f64().unwrap_or(0.0) * 1000.0) as i64);
                }
                "/demo/beat" => s.beats.set(s.beats.get() + 1),
                _ => {}
            }
        })
        .await;
    if let Err(e) = subscribed {
        return Json::event("client_error").str("error", &e.to_string()).report();
    }

    let ticks = args.num("ticks", u64::MAX);
    let mut sent = 1u64;
    let mut tick = 0u64;
    while tick < ticks {
        // A triangle wave 0 → 1 → 0 over two seconds.
        let phase = (tick % 120) as f64 / 60.0;
        let fader = if phase <= 1.0 { phase } else { 2.0 - phase };
        if client.is_connected() {
            let mut ok = client.set("/demo/fader", fader).await.is_ok();
            ok &= client.stream("/demo/level", fader).await.is_ok();
            if tick % 60 == 0 {
                ok &= client.emit("/demo/beat", (tick / 60) as i64).await.is_ok();
                sent += 1;
            }
            if ok {
                sent += 2;
            }
        }
        if tick % 6 == 0 {
            Json::event("state")
                .num("tick", tick as i64)
                .num("fader_out_milli", (fader * 1000.0) as i64)
                .num("fader_seen_milli", seen.fader_milli.get())
                .num("out", sent as i64)
                .num("in", seen.updates.get() as i64)
                .num("reconnects", i64::from(client.reconnects()))
                .num("sets_in", seen.fader_sets.get() as i64)
                .num("publishes_in", seen.beats.get() as i64)
                .bool("connected", client.is_connected())
                .report();
        }
        tick += 1;
        sleep(16).await;
    }
    client.close().await;
    Json::event("end").report();
}
