//! `bench` mode: throughput of `clasp-wasm-client` against a relay — `n` SETs of
//! `/bench/run/<session>/seq` (an address of this run only: the relay keeps earlier runs' values
//! and sends them on SUBSCRIBE) with at most `window` not yet seen back through the client's own
//! subscription — then `rtt` PING → PONG round trips on a raw bridge connection after a HELLO
//! (the client has no PING call).

use std::cell::Cell;
use std::rc::Rc;

use clasp_wasm_bridge::now_ms;
use clasp_wasm_client::{Clasp, Value};

use crate::json::Json;
use crate::scenarios::{finish, hello, open, round_trips, send, Flow};
use crate::Args;

/// `bench`: see the module docs. Reports `stream_done` (as the raw `stream` mode) and `rtt`.
pub(crate) async fn bench(args: &Args) {
    let url = args.get("url").unwrap_or("ws://127.0.0.1:7330");
    let n = args.num("n", 10_000);
    let window = args.num("window", 256).max(1);
    let client = match Clasp::builder(url).name("rust-wasm-bench").reconnect(false).connect().await {
        Ok(c) => c,
        Err(e) => return Json::event("connect_error").str("error", &e.to_string()).report(),
    };
    Json::event("connected").report();
    let base = format!("/bench/run/{}", client.session_id().unwrap_or_default());
    let seq = format!("{}/seq", base);
    let flow = Rc::new(Flow::default());
    let in_order = Rc::new(Cell::new(true));
    let (f, o, watched) = (flow.clone(), in_order.clone(), seq.clone());
    let subscribed = client
        .subscribe(&format!("{}/**", base), move |value: Value, address: &str| {
            if address == watched {
                o.set(o.get() && value == Value::Int(f.answers.get() as i64));
                f.advance();
            }
        })
        .await;
    if let Err(e) = subscribed {
        return Json::event("client_error").str("error", &e.to_string()).report();
    }
    let started = now_ms();
    for i in 0..n {
        if i >= window {
            flow.wait(i + 1 - window).await;
        }
        if let Err(e) = client.set(&seq, i as i64).await {
            Json::event("send_error").str("error", &e.to_string()).report();
            break;
        }
    }
    flow.wait(n).await;
    let elapsed_us = ((now_ms() - started) * 1000.0) as i64;
    Json::event("stream_done")
        .num("sent", n as i64)
        .num("answers", flow.answers.get() as i64)
        .num("sets_in", flow.answers.get() as i64)
        .bool("in_order", in_order.get())
        .num("elapsed_us", elapsed_us)
        .report();
    client.close().await;
    let rtt = args.num("rtt", 0);
    if rtt > 0 {
        if let Some((sender, mut receiver)) = open(args).await {
            let _ = send(&sender, &hello("rust-wasm-bench-rtt")).await;
            round_trips(&sender, &mut receiver, rtt).await;
            return finish(&sender, &mut receiver).await;
        }
    }
    Json::event("end").report();
}
