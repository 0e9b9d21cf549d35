//! `demo` mode: HELLO, SUBSCRIBE `/demo/**`, then a fader at 60 Hz; reports what comes back.

use std::cell::Cell;
use std::rc::Rc;

use clasp_wasm_bridge::{sleep, spawn_local, TransportEvent, TransportReceiver, TransportSender, WasmWebSocketSender};

use crate::codec::{self, Message, Value};
use crate::json::Json;
use crate::scenarios::{open, report_disconnected};
use crate::Args;

/// `demo`: the 60 Hz fader.
pub(crate) async fn demo(args: &Args) {
    let (sender, mut receiver) = match open(args).await {
        Some(h) => h,
        None => return,
    };
    let sender = Rc::new(sender);
    let _ = sender.send(codec::hello("rust-wasm-example")).await;
    let _ = sender.send(codec::subscribe(1, "/demo/**")).await;
    let ticks = args.num("ticks", u64::MAX);
    let stats = Rc::new(DemoStats::default());
    stats.out.set(2);
    spawn_local(fader(sender.clone(), stats.clone(), ticks));
    while let Some(event) = receiver.recv().await {
        match event {
            TransportEvent::Data(frame) => {
                stats.inbound.set(stats.inbound.get() + 1);
                match codec::decode(&frame) {
                    Ok(Message::Welcome { session }) => Json::event("welcome").str("session", &session).report(),
                    Ok(Message::Snapshot { count }) => Json::event("snapshot").num("params", i64::from(count)).report(),
                    Ok(Message::Ack { .. }) => stats.acks.set(stats.acks.get() + 1),
                    Ok(Message::Set { value: Value::Float(v), .. }) => {
                        stats.sets_in.set(stats.sets_in.get() + 1);
                        stats.fader_seen_milli.set((v * 1000.0) as i64);
                    }
                    Ok(Message::Publish { .. }) => stats.publishes_in.set(stats.publishes_in.get() + 1),
                    Ok(Message::Error { code, message }) => {
                        Json::event("server_error").num("code", i64::from(code)).str("message", &message).report()
                    }
                    Ok(_) => {}
                    Err(e) => Json::event("decode_error").str("error", e.name()).report(),
                }
            }
            TransportEvent::Disconnected { reason, code, was_clean } => report_disconnected(&reason, code, was_clean),
            TransportEvent::Error(e) => Json::event("transport_error").str("error", &e).report(),
            TransportEvent::Connected => {}
        }
    }
    stats.stopped.set(true);
    Json::event("end").report();
}

#[derive(Default)]
struct DemoStats {
    out: Cell<u64>,
    inbound: Cell<u64>,
    acks: Cell<u64>,
    sets_in: Cell<u64>,
    publishes_in: Cell<u64>,
    fader_seen_milli: Cell<i64>,
    stopped: Cell<bool>,
}

/// A triangle wave 0 → 1 → 0 over two seconds: per 60 Hz tick one SET and one stream PUBLISH,
/// and an event PUBLISH per second.
async fn fader(sender: Rc<WasmWebSocketSender>, stats: Rc<DemoStats>, ticks: u64) {
    let mut tick = 0u64;
    while tick < ticks && !stats.stopped.get() {
        let phase = (tick % 120) as f64 / 60.0;
        let value = if phase <= 1.0 { phase } else { 2.0 - phase };
        if sender.send(codec::set("/demo/fader", Value::Float(value))).await.is_err() {
            break;
        }
        stats.out.set(stats.out.get() + 1);
        let level = codec::publish("/demo/level", codec::SIGNAL_STREAM, Value::Float(value));
        if sender.send(level).await.is_ok() {
            stats.out.set(stats.out.get() + 1);
        }
        if tick % 60 == 0 {
            let beat = codec::publish("/demo/beat", codec::SIGNAL_EVENT, Value::Int((tick / 60) as i64));
            if sender.send(beat).await.is_ok() {
                stats.out.set(stats.out.get() + 1);
            }
        }
        if tick % 6 == 0 {
            Json::event("state")
                .num("tick", tick as i64)
                .num("fader_out_milli", (value * 1000.0) as i64)
                .num("fader_seen_milli", stats.fader_seen_milli.get())
                .num("out", stats.out.get() as i64)
                .num("in", stats.inbound.get() as i64)
                .num("acks", stats.acks.get() as i64)
                .num("sets_in", stats.sets_in.get() as i64)
                .num("publishes_in", stats.publishes_in.get() as i64)
                .bool("connected", sender.is_connected())
                .report();
        }
        tick += 1;
        sleep(16).await;
    }
}
