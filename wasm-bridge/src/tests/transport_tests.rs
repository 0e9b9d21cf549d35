//! Connect, receive queue, send / try_send / close, drop.

use super::*;

#[test]
fn connect_sends_the_config_as_json_and_resolves_on_open_ok() {
    let host = setup();
    let mut config = WasmWebSocketConfig::new("ws://127.0.0.1:1/\"x\"");
    config.connect_timeout_ms = Some(250);
    config.name = Some("a\nb".to_string());
    let result = spawn_capture(WasmWebSocketTransport::connect(config));
    run();
    let call = host.calls.borrow()[0].clone();
    let handle = match call {
        Call::Connect(h, json) => {
            assert_eq!(
                json,
                r#"{"url":"ws://127.0.0.1:1/\"x\"","subprotocol":"clasp","connectionTimeout":250,"name":"a\nb"}"#
            );
            h
        }
        other => panic!("unexpected {:?}", other),
    };
    assert!(result.borrow().is_none(), "pending until the host answers");
    deliver(handle, EVENT_OPEN_OK, 0, Vec::new());
    run();
    assert!(matches!(&*result.borrow(), Some(Ok(_))));
}

#[test]
fn connect_failures_become_transport_errors_carrying_the_url() {
    let host = setup();
    let cases =
        [(STATUS_CONNECTION_REFUSED, "refused"), (STATUS_CONNECT_TIMEOUT, "timeout"), (STATUS_INVALID_URL, "bad")];
    let mut errors = Vec::new();
    for (status, message) in cases.iter() {
        let result = spawn_capture(WasmWebSocketTransport::connect_url("ws://127.0.0.1:9/"));
        run();
        let handle = fake_calls_last_connect().expect("connect called");
        deliver(handle, EVENT_OPEN_FAILED, *status, message.as_bytes().to_vec());
        run();
        let err = result.borrow_mut().take().expect("resolved").err().expect("failed");
        errors.push(err);
        assert_eq!(host.calls.borrow().last(), Some(&Call::Drop(handle)), "handle released");
    }
    let url = "ws://127.0.0.1:9/".to_string();
    assert_eq!(
        errors,
        vec![
            TransportError::ConnectionFailed { url: url.clone(), reason: "ConnectionRefused: refused".into() },
            TransportError::Timeout { url: url.clone() },
            TransportError::InvalidUrl { url, message: "bad".into() },
        ]
    );
    assert_eq!(live_connections(), 0);
}

#[test]
fn a_cancelled_connect_releases_the_handle() {
    let host = setup();
    let mut fut = Box::pin(WasmWebSocketTransport::connect_url("ws://x/"));
    let waker = std::task::Waker::from(std::sync::Arc::new(NoopWake));
    assert!(fut.as_mut().poll(&mut std::task::Context::from_waker(&waker)).is_pending());
    let handle = fake_calls_last_connect().unwrap();
    drop(fut);
    assert_eq!(host.calls.borrow().last(), Some(&Call::Drop(handle)));
    assert_eq!(deliver(handle, EVENT_OPEN_OK, 0, Vec::new()), DELIVER_CONTINUE, "late event discarded");
}

#[test]
fn ten_thousand_frames_arrive_in_order_and_close_comes_after_the_last() {
    let _host = setup();
    let (_s, mut r, handle) = connected("ws://a/");
    deliver(handle, EVENT_CONNECTED, 0, b"clasp".to_vec());
    let got = spawn_capture(async move {
        let mut events = Vec::new();
        while let Some(e) = r.recv().await {
            events.push(e);
        }
        events
    });
    for i in 0..10_000u32 {
        // Deliver in bursts below the high-water mark, polling in between as JS would.
        assert_eq!(deliver(handle, EVENT_DATA, 0, i.to_be_bytes().to_vec()), DELIVER_CONTINUE);
        if i % 100 == 0 {
            run();
        }
    }
    deliver(handle, EVENT_DISCONNECTED, disconnected_arg(4001, true), b"bye".to_vec());
    deliver(handle, EVENT_END, 0, Vec::new());
    run();
    let events = got.borrow_mut().take().expect("receiver finished");
    assert_eq!(events.len(), 10_002);
    assert_eq!(events[0], TransportEvent::Connected);
    for (i, e) in events[1..10_001].iter().enumerate() {
        assert_eq!(e, &TransportEvent::Data((i as u32).to_be_bytes().to_vec()));
    }
    assert_eq!(
        events[10_001],
        TransportEvent::Disconnected { reason: Some("bye".into()), code: 4001, was_clean: true }
    );
}

#[test]
fn a_full_receive_queue_pauses_delivery_until_the_receiver_drains_it() {
    let host = setup();
    let (_s, mut r, handle) = connected("ws://a/");
    for i in 0..RECV_HIGH_WATER {
        let status = deliver(handle, EVENT_DATA, 0, vec![i as u8]);
        let expected = if i + 1 == RECV_HIGH_WATER { DELIVER_PAUSE } else { DELIVER_CONTINUE };
        assert_eq!(status, expected, "frame {}", i);
    }
    for _ in 0..RECV_HIGH_WATER / 2 - 1 {
        r.try_recv().expect("queued");
    }
    assert!(!host.calls.borrow().contains(&Call::Resume(handle)));
    r.try_recv().expect("queued");
    assert_eq!(host.calls.borrow().last(), Some(&Call::Resume(handle)));
}

#[test]
fn try_send_maps_statuses_and_carries_the_frame_length() {
    let host = setup();
    let (s, _r, handle) = connected("ws://a/");
    assert_eq!(s.try_send(vec![1, 2, 3]), Ok(()));
    host.try_send_status.set(STATUS_BUFFER_FULL);
    assert_eq!(s.try_send(vec![0; 70]), Err(TransportError::BufferFull { len: 70 }));
    host.try_send_status.set(STATUS_NOT_CONNECTED);
    assert_eq!(s.try_send(vec![0]), Err(TransportError::NotConnected));
    host.try_send_status.set(99);
    assert_eq!(s.try_send(vec![0]), Err(TransportError::Host { status: 99 }));
    assert_eq!(host.calls.borrow()[1], Call::TrySend(handle, vec![1, 2, 3]));
}

#[test]
fn pending_sends_complete_in_order_and_abandoned_ones_leave_nothing_behind() {
    let host = setup();
    let (s, _r, handle) = connected("ws://a/");
    let s = Rc::new(s);
    host.send_status.set(STATUS_PENDING);
    let s1 = s.clone();
    let first = spawn_capture(async move { s1.send(vec![1]).await });
    let s2 = s.clone();
    let second = spawn_capture(async move { s2.send(vec![2]).await });
    run();
    assert!(first.borrow().is_none() && second.borrow().is_none());
    deliver(handle, EVENT_SEND_DONE, STATUS_OK, Vec::new());
    run();
    assert_eq!(*first.borrow(), Some(Ok(())));
    assert!(second.borrow().is_none());
    deliver(handle, EVENT_SEND_DONE, STATUS_NOT_CONNECTED, Vec::new());
    run();
    assert_eq!(*second.borrow(), Some(Err(TransportError::NotConnected)));

    // A send future dropped while pending: its completion is discarded, the next one matches.
    let waker = std::task::Waker::from(std::sync::Arc::new(NoopWake));
    let mut abandoned = s.send(vec![3]);
    assert!(abandoned.as_mut().poll(&mut std::task::Context::from_waker(&waker)).is_pending());
    drop(abandoned);
    let s3 = s.clone();
    let third = spawn_capture(async move { s3.send(vec![4]).await });
    run();
    deliver(handle, EVENT_SEND_DONE, STATUS_OK, Vec::new());
    run();
    assert!(third.borrow().is_none(), "the first completion belonged to the abandoned send");
    deliver(handle, EVENT_SEND_DONE, STATUS_SEND_FAILED, Vec::new());
    run();
    assert_eq!(*third.borrow(), Some(Err(TransportError::SendFailed { reason: "SendFailed".into() })));
    host.send_status.set(STATUS_OK);
    let s4 = s.clone();
    let immediate = spawn_capture(async move { s4.send(vec![5]).await });
    run();
    assert_eq!(*immediate.borrow(), Some(Ok(())));
}

#[test]
fn close_validates_code_and_reason_before_calling_the_host() {
    let host = setup();
    let (s, _r, handle) = connected("ws://a/");
    let s = Rc::new(s);
    let calls_before = host.calls.borrow().len();
    let s1 = s.clone();
    let bad_code = spawn_capture(async move { s1.close_with(1005, "").await });
    let s2 = s.clone();
    let long = "x".repeat(124);
    let bad_reason = spawn_capture(async move { s2.close_with(4000, &long).await });
    run();
    assert_eq!(*bad_code.borrow(), Some(Err(TransportError::InvalidCloseCode { supplied: 1005 })));
    assert_eq!(*bad_reason.borrow(), Some(Err(TransportError::InvalidCloseReason { len: 124 })));
    assert_eq!(host.calls.borrow().len(), calls_before, "host untouched");

    host.close_status.set(STATUS_PENDING);
    let s3 = s.clone();
    let ok = spawn_capture(async move { s3.close_with(4001, "done").await });
    run();
    assert_eq!(host.calls.borrow().last(), Some(&Call::Close(handle, 4001, "done".into())));
    assert!(ok.borrow().is_none());
    deliver(handle, EVENT_CLOSE_DONE, STATUS_OK, Vec::new());
    run();
    assert_eq!(*ok.borrow(), Some(Ok(())));
}

#[test]
fn dropping_the_receiver_closes_and_dropping_both_releases_the_handle() {
    let host = setup();
    let (s, r, handle) = connected("ws://a/");
    assert_eq!(live_connections(), 1);
    drop(r);
    assert_eq!(host.calls.borrow().last(), Some(&Call::Close(handle, 1000, "receiver dropped".into())));
    assert!(!host.calls.borrow().contains(&Call::Drop(handle)));
    drop(s);
    assert_eq!(host.calls.borrow().last(), Some(&Call::Drop(handle)));
    assert_eq!(live_connections(), 0);
    assert_eq!(deliver(handle, EVENT_DATA, 0, vec![1]), DELIVER_CONTINUE, "late frame discarded");
}
