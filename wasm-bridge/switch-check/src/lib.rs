//! Code in the style of `clasp-core`, `clasp-client` and `clasp_transport` (their public
//! names, signatures and patterns), built against `clasp-wasm-core`, `clasp-wasm-client` and
//! `clasp-wasm-bridge` through the package renames in this crate's `Cargo.toml` alone. It runs
//! in `cargo test --workspace`: if a shaped-after name or signature drifts, this stops compiling.
#![deny(missing_docs)]

use std::collections::HashMap;

use clasp_client::{Clasp, ClientError};
use clasp_core::{
    codec, Address, Frame, GesturePhase, Message, PublishMessage, QoS, SetMessage, SignalType, SubscribeMessage, Ttl, Value,
};
use clasp_transport::{Transport, TransportEvent, TransportReceiver, TransportSender, WasmWebSocketTransport};

/// A client app as it would be written for `clasp-client`.
pub async fn client_app(url: &str) -> Result<(), ClientError> {
    let client = Clasp::builder(url)
        .name("Switch Check")
        .features(vec!["param".to_string(), "event".to_string()])
        .token("cpsk_x")
        .reconnect(true)
        .reconnect_interval(1000)
        .connect()
        .await?;
    let id = client
        .subscribe("/lumen/**", |value, address| {
            println!("{} = {:?}", address, value.as_f64());
        })
        .await?;
    client.on("/cue/*", move |_value: Value, _address: &str| {}).await?;
    client.set("/lumen/opacity", 0.5).await?;
    client.set("/lumen/count", 3i64).await?;
    client.set_locked("/lumen/owner", "me").await?;
    client.set_unlocked("/lumen/owner", "me").await?;
    client.set_with_ttl("/lumen/live", true, Ttl::Sliding(30)).await?;
    let value = client.get("/lumen/opacity").await?;
    let _ = value.as_f64();
    client.emit("/cue/go", Value::Null).await?;
    client.stream("/audio/level", 0.25).await?;
    client.gesture("/input/touch", 1, GesturePhase::Start, Value::Map(HashMap::new())).await?;
    client.bundle(vec![Message::Set(SetMessage {
        address: "/a".to_string(),
        value: Value::Int(1),
        revision: None,
        lock: false,
        unlock: false,
        ttl: None,
    })])
    .await?;
    let _: Option<Value> = client.cached("/lumen/opacity");
    let _: bool = client.is_connected();
    let _: Option<String> = client.session_id();
    let _: u64 = client.time();
    if let Some(e) = client.last_error() {
        println!("router error {}: {}", e.code, e.message);
    }
    client.unsubscribe(id).await?;
    client.close().await;
    let _ = Clasp::connect_to(url).await?;
    Ok(())
}

/// Codec use as with `clasp-core`.
pub fn codec_use() -> clasp_core::Result<usize> {
    let msg = Message::Publish(PublishMessage {
        address: "/cue/fire".to_string(),
        signal: Some(SignalType::Event),
        value: None,
        payload: Some(Value::from("intro")),
        samples: None,
        rate: None,
        id: None,
        phase: None,
        timestamp: Some(1_234_567_890),
        timeline: None,
    });
    let bytes = codec::encode(&msg)?;
    let (decoded, frame): (Message, Frame) = codec::decode(&bytes)?;
    assert_eq!(frame.flags.qos, QoS::Confirm);
    let payload = codec::encode_message(&decoded)?;
    let _ = codec::decode_message(&payload)?;
    let with_ts = codec::encode_with_options(&Message::Ping, Some(QoS::Fire), Some(1))?;
    let again = Frame::decode(&with_ts[..])?;
    let sub = Message::Subscribe(SubscribeMessage { id: 1, pattern: "/a/**".into(), types: vec![], options: None });
    let addr = Address::parse("/a/b")?;
    let pattern = Address::parse("/a/**")?;
    Ok(bytes.len() + again.size() + codec::encode(&sub)?.len() + usize::from(addr.matches(&pattern)))
}

/// A raw transport loop as with `clasp_transport` (`Vec<u8>` where it takes `Bytes`).
pub async fn transport_app(url: &str) -> clasp_transport::Result<()> {
    let (sender, mut receiver) = <WasmWebSocketTransport as Transport>::connect(url).await?;
    sender.send(vec![0x53, 0x01, 0x00, 0x01, 0x41]).await?;
    while let Some(event) = receiver.recv().await {
        match event {
            TransportEvent::Connected => {}
            TransportEvent::Data(data) => println!("{} bytes", data.len()),
            TransportEvent::Disconnected { reason, .. } => {
                println!("closed: {:?}", reason);
                break;
            }
            TransportEvent::Error(e) => println!("error: {}", e),
        }
    }
    sender.close().await
}
