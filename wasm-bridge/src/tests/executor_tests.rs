//! Executor: polling, waking, spawning, the poll budget.

use super::*;

#[test]
fn spawn_does_not_poll_and_wakes_the_host_once() {
    let host = setup();
    let ran = Rc::new(Cell::new(0));
    for _ in 0..3 {
        let r = ran.clone();
        spawn_local(async move { r.set(r.get() + 1) });
    }
    assert_eq!(ran.get(), 0);
    assert_eq!(host.wakes.get(), 1, "idle → ready asks the host once");
    assert!(!poll());
    assert_eq!(ran.get(), 3);
    assert_eq!(live_tasks(), 0);
}

#[test]
fn tasks_spawned_and_woken_inside_poll_run_in_the_same_poll_without_a_host_wake() {
    let host = setup();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    spawn_local(async move {
        l.borrow_mut().push("outer");
        let l2 = l.clone();
        spawn_local(async move { l2.borrow_mut().push("inner") });
        yield_now().await;
        l.borrow_mut().push("outer after yield");
    });
    assert!(!poll());
    assert_eq!(*log.borrow(), vec!["outer", "inner", "outer after yield"]);
    assert_eq!(host.wakes.get(), 1);
}

#[test]
fn the_poll_budget_returns_to_js_from_a_task_that_never_stops_yielding() {
    let _host = setup();
    let stop = Rc::new(Cell::new(false));
    let s = stop.clone();
    spawn_local(async move {
        while !s.get() {
            yield_now().await;
        }
    });
    assert!(poll(), "budget exhausted, work remains");
    stop.set(true);
    run();
    assert_eq!(live_tasks(), 0);
}
