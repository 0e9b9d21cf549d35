//! A single-threaded executor that JavaScript drives.
//!
//! Invariants:
//! - Tasks live in a slab; a task's id is its slot. A waker carries only the id, so waking a
//!   finished task (or a reused slot) is at worst a spurious poll, which futures must tolerate.
//! - A task is in the ready queue at most once (`queued` flag).
//! - When the ready queue goes from empty to non-empty outside of [`poll`], the host's `wake`
//!   import is called once; JS answers with `clasp_poll` when the export call that woke the task
//!   returns. No timers, no polling.
//! - A future is taken out of its slot while it is polled, so it can spawn and wake freely
//!   (no `RefCell` borrow is held across `Future::poll`).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use crate::host::host;

/// Task polls per [`poll`] call before returning to JS, so a task that keeps waking itself
/// cannot freeze the page.
pub const POLL_BUDGET: usize = 4096;

type Task = Pin<Box<dyn Future<Output = ()>>>;

struct Slot {
    future: Option<Task>,
    /// Made once per task: polling clones it (a reference count) instead of allocating.
    waker: Waker,
    queued: bool,
    live: bool,
}

#[derive(Default)]
struct Executor {
    slots: Vec<Slot>,
    free: Vec<usize>,
    ready: VecDeque<usize>,
    polling: bool,
}

thread_local! {
    static EXECUTOR: RefCell<Executor> = RefCell::new(Executor::default());
}

/// Wakes one task by id. `Send + Sync` because it is only an index into the thread's executor.
struct TaskWaker {
    id: usize,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        schedule(self.id);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        schedule(self.id);
    }
}

fn schedule(id: usize) {
    let ask_host = EXECUTOR.with(|e| {
        let mut e = e.borrow_mut();
        let was_idle = e.ready.is_empty();
        let polling = e.polling;
        match e.slots.get_mut(id) {
            Some(slot) if slot.live && !slot.queued => slot.queued = true,
            _ => return false,
        }
        e.ready.push_back(id);
        was_idle && !polling
    });
    if ask_host {
        host().wake();
    }
}

/// Runs `future` to completion on this thread's executor. It is first polled on the next
/// [`poll`] (JS is woken for it), never inside `spawn_local` itself.
pub fn spawn_local<F: Future<Output = ()> + 'static>(future: F) {
    let id = EXECUTOR.with(|e| {
        let mut e = e.borrow_mut();
        let id = e.free.pop().unwrap_or(e.slots.len());
        let slot = Slot {
            future: Some(Box::pin(future)),
            waker: Waker::from(Arc::new(TaskWaker { id })),
            queued: false,
            live: true,
        };
        if id == e.slots.len() {
            e.slots.push(slot);
        } else {
            e.slots[id] = slot;
        }
        id
    });
    schedule(id);
}

/// Polls ready tasks until none is ready or [`POLL_BUDGET`] polls were made.
/// Returns `true` when tasks are still ready (JS should call again after yielding to the page).
pub fn poll() -> bool {
    EXECUTOR.with(|e| e.borrow_mut().polling = true);
    let mut budget = POLL_BUDGET;
    while budget > 0 {
        let next = EXECUTOR.with(|e| {
            let mut e = e.borrow_mut();
            let id = e.ready.pop_front()?;
            let slot = &mut e.slots[id];
            slot.queued = false;
            let waker = slot.waker.clone();
            slot.future.take().map(|f| (id, f, waker))
        });
        let (id, mut future, waker) = match next {
            Some(task) => task,
            None => {
                if EXECUTOR.with(|e| e.borrow().ready.is_empty()) {
                    break;
                }
                continue;
            }
        };
        budget -= 1;
        if future.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
            // Dropped before borrowing the executor: destructors may spawn or wake.
            drop(future);
            EXECUTOR.with(|e| {
                let mut e = e.borrow_mut();
                let slot = &mut e.slots[id];
                slot.live = false;
                slot.queued = false;
                e.ready.retain(|&r| r != id);
                e.free.push(id);
            });
        } else {
            EXECUTOR.with(|e| e.borrow_mut().slots[id].future = Some(future));
        }
    }
    EXECUTOR.with(|e| {
        let mut e = e.borrow_mut();
        e.polling = false;
        !e.ready.is_empty()
    })
}

/// Number of tasks not yet finished (for tests and diagnostics).
pub fn live_tasks() -> usize {
    EXECUTOR.with(|e| e.borrow().slots.iter().filter(|s| s.live).count())
}

/// A future that is pending once, waking itself: lets other ready tasks run.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// Future of [`yield_now`].
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
