//! ABI encoding of events, raw exports, timers, reports.

use super::*;

#[test]
fn abi_events_decode_to_transport_events() {
    assert_eq!(decode_event(EVENT_OPEN_OK, 0, vec![]), Some(HostEvent::OpenOk));
    assert_eq!(decode_event(EVENT_CONNECTED, 0, b"clasp".to_vec()), Some(HostEvent::Event(TransportEvent::Connected)));
    assert_eq!(decode_event(EVENT_DATA, 0, vec![0x53, 0]), Some(HostEvent::Event(TransportEvent::Data(vec![0x53, 0]))));
    assert_eq!(
        decode_event(EVENT_TEXT, 0, b"hi".to_vec()),
        Some(HostEvent::Event(TransportEvent::Data(b"hi".to_vec())))
    );
    assert_eq!(
        decode_event(EVENT_DISCONNECTED, disconnected_arg(1006, false), vec![]),
        Some(HostEvent::Event(TransportEvent::Disconnected { reason: None, code: 1006, was_clean: false }))
    );
    assert_eq!(
        decode_event(EVENT_ERROR, STATUS_DEAD_PEER, b"no pong".to_vec()),
        Some(HostEvent::Event(TransportEvent::Error("DeadPeer: no pong".into())))
    );
    assert_eq!(
        decode_event(EVENT_OPEN_FAILED, STATUS_CONNECTION_REFUSED, vec![0xff, b'a']),
        Some(HostEvent::OpenFailed { status: STATUS_CONNECTION_REFUSED, message: "\u{fffd}".into() })
    );
    assert_eq!(decode_event(EVENT_END, 0, vec![]), Some(HostEvent::End));
    assert_eq!(decode_event(EVENT_SEND_DONE, 7, vec![]), Some(HostEvent::SendDone(7)));
    assert_eq!(decode_event(EVENT_CLOSE_DONE, 0, vec![]), Some(HostEvent::CloseDone(0)));
    assert_eq!(decode_event(0, 0, vec![]), None);
    assert_eq!(decode_event(11, 0, vec![]), None);
    assert_eq!(status_name(STATUS_BUFFER_FULL), "BufferFull");
    assert_eq!(status_name(STATUS_HOST_ERROR), "HostError");
    assert_eq!(status_name(1000), "Unknown");
    assert_eq!(deliver(1, 77, 0, vec![1, 2]), DELIVER_REJECTED);
}

#[test]
#[allow(unsafe_code)]
fn raw_alloc_and_deliver_hand_the_buffer_to_the_receiver_without_copying() {
    let _host = setup();
    let (_s, mut r, handle) = connected("ws://a/");
    let frame = [0x53u8, 0x01, 0x00, 0x01, 0x42];
    let ptr = crate::ffi::clasp_alloc(frame.len());
    // SAFETY: `ptr` is a fresh allocation of `frame.len()` bytes, handed over right after.
    let status = unsafe {
        std::ptr::copy_nonoverlapping(frame.as_ptr(), ptr, frame.len());
        crate::ffi::clasp_deliver(handle, EVENT_DATA, 0, ptr, frame.len())
    };
    assert_eq!(status, DELIVER_CONTINUE);
    match r.try_recv() {
        Some(TransportEvent::Data(v)) => {
            assert_eq!(v, frame);
            assert_eq!(v.as_ptr(), ptr as *const u8, "same buffer, no copy");
        }
        other => panic!("unexpected {:?}", other),
    }
    // SAFETY: zero-length and fresh buffers are freed as the ABI allows.
    unsafe {
        crate::ffi::clasp_free(crate::ffi::clasp_alloc(16), 16);
        crate::ffi::clasp_free(crate::ffi::clasp_alloc(0), 0);
    }
}

#[test]
fn sleep_fires_through_timer_fired_and_cancels_when_dropped() {
    let host = setup();
    let done = spawn_capture(sleep(16));
    run();
    let id = match host.calls.borrow().last() {
        Some(Call::SetTimer(id, 16)) => *id,
        other => panic!("unexpected {:?}", other),
    };
    assert!(done.borrow().is_none());
    timer_fired(id);
    run();
    assert_eq!(*done.borrow(), Some(()));

    let waker = std::task::Waker::from(std::sync::Arc::new(NoopWake));
    let mut pending = Box::pin(sleep(1000));
    assert!(pending.as_mut().poll(&mut std::task::Context::from_waker(&waker)).is_pending());
    let id = match host.calls.borrow().last() {
        Some(Call::SetTimer(id, 1000)) => *id,
        other => panic!("unexpected {:?}", other),
    };
    drop(pending);
    assert_eq!(host.calls.borrow().last(), Some(&Call::CancelTimer(id)));
}

#[test]
fn reports_reach_the_host() {
    let host = setup();
    console::report("{\"seen\":1}");
    assert_eq!(host.calls.borrow().last(), Some(&Call::Report("{\"seen\":1}".into())));
}

#[test]
fn timeout_gives_the_output_or_elapsed_and_cancels_its_timer() {
    let host = setup();
    // The deadline first: the inner future (a longer sleep) is dropped, its timer cancelled.
    let late = spawn_capture(timeout(10, sleep(5000)));
    run();
    let ids: Vec<(u32, u32)> = host
        .calls
        .borrow()
        .iter()
        .filter_map(|c| match c {
            Call::SetTimer(id, ms) => Some((*id, *ms)),
            _ => None,
        })
        .collect();
    let deadline = ids.iter().find(|(_, ms)| *ms == 10).expect("deadline timer").0;
    let inner = ids.iter().find(|(_, ms)| *ms == 5000).expect("inner timer").0;
    timer_fired(deadline);
    run();
    assert_eq!(*late.borrow(), Some(Err(Elapsed)));
    assert!(host.calls.borrow().contains(&Call::CancelTimer(inner)));

    // The future first: its output, and the deadline timer cancelled.
    let early = spawn_capture(timeout(1000, async { 7 }));
    run();
    assert_eq!(*early.borrow(), Some(Ok(7)));
}

#[test]
fn config_json_carries_per_connection_reconnect_and_keepalive() {
    let mut c = WasmWebSocketConfig { url: "ws://h/".into(), ..Default::default() };
    assert_eq!(c.to_json(), r#"{"url":"ws://h/","subprotocol":"clasp"}"#);
    c.reconnect = Some(ReconnectPolicy::ON);
    c.keepalive = Some(KeepalivePolicy::OFF);
    assert_eq!(c.to_json(), r#"{"url":"ws://h/","subprotocol":"clasp","reconnect":true,"keepalive":false}"#);
    c.reconnect = Some(ReconnectPolicy { min_delay_ms: Some(250), max_retries: Some(3), ..ReconnectPolicy::ON });
    c.keepalive = Some(KeepalivePolicy { idle_ms: Some(1000), ..KeepalivePolicy::ON });
    assert_eq!(
        c.to_json(),
        r#"{"url":"ws://h/","subprotocol":"clasp","reconnect":{"minReconnectionDelay":250,"maxRetries":3},"keepalive":{"idleMs":1000}}"#
    );
    assert_eq!(WasmWebSocketConfig::from("ws://x/"), WasmWebSocketConfig::new("ws://x/"));
}
