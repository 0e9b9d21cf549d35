//! Host time: [`sleep`] (a one-shot host timer that wakes the task), [`timeout`] and [`now_ms`].

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::host::host;

#[derive(Default)]
struct Timers {
    next_id: u32,
    /// (id, fired, waker) of each live timer; a handful, so a Vec.
    pending: Vec<(u32, bool, Option<Waker>)>,
}

impl Timers {
    fn find(&mut self, id: u32) -> Option<usize> {
        self.pending.iter().position(|t| t.0 == id)
    }
}

thread_local! {
    static TIMERS: RefCell<Timers> = RefCell::new(Timers::default());
}

/// Milliseconds from the host's monotonic clock (`performance.now()`).
pub fn now_ms() -> f64 {
    host().now()
}

/// Resolves after `ms` milliseconds (a host `setTimeout`). Dropping it cancels the timer.
pub fn sleep(ms: u32) -> Sleep {
    Sleep { ms, id: None }
}

/// Future of [`sleep`].
#[derive(Debug)]
pub struct Sleep {
    ms: u32,
    id: Option<u32>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let id = match self.id {
            Some(id) => id,
            None => {
                let id = TIMERS.with(|t| {
                    let mut t = t.borrow_mut();
                    t.next_id = t.next_id.wrapping_add(1).max(1);
                    let id = t.next_id;
                    t.pending.push((id, false, Some(cx.waker().clone())));
                    id
                });
                self.id = Some(id);
                host().set_timer(id, self.ms);
                return Poll::Pending;
            }
        };
        let fired = TIMERS.with(|t| {
            let mut t = t.borrow_mut();
            match t.find(id) {
                Some(i) if t.pending[i].1 => {
                    t.pending.swap_remove(i);
                    true
                }
                Some(i) => {
                    t.pending[i].2 = Some(cx.waker().clone());
                    false
                }
                None => true,
            }
        });
        if fired {
            self.id = None;
            self.ms = 0;
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let was_pending = TIMERS.with(|t| {
                let mut t = t.borrow_mut();
                t.find(id).map(|i| !t.pending.swap_remove(i).1)
            });
            if was_pending == Some(true) {
                host().cancel_timer(id);
            }
        }
    }
}

/// Marks timer `id` fired and wakes its task (the body of the `clasp_timer_fired` export).
pub fn timer_fired(id: u32) {
    let waker = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        let i = t.find(id)?;
        t.pending[i].1 = true;
        t.pending[i].2.take()
    });
    if let Some(w) = waker {
        w.wake();
    }
}

/// The error of [`timeout`]: the deadline passed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl std::fmt::Display for Elapsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("deadline elapsed")
    }
}

impl std::error::Error for Elapsed {}

/// Runs `future` for at most `ms` milliseconds: `Ok(output)`, or `Err(Elapsed)` (the future is
/// dropped, which cancels what it was doing). As `tokio::time::timeout`, with a host timer.
pub fn timeout<'a, F: Future + 'a>(ms: u32, future: F) -> Timeout<'a, F::Output> {
    Timeout { future: Box::pin(future), sleep: sleep(ms) }
}

/// Future of [`timeout`]. The inner future is boxed as a trait object: one copy of this code
/// per output type, not per future type (it keeps .wasm files small).
pub struct Timeout<'a, T> {
    future: crate::LocalBoxFuture<'a, T>,
    sleep: Sleep,
}

impl<T> std::fmt::Debug for Timeout<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timeout").field("sleep", &self.sleep).finish()
    }
}

impl<T> Future for Timeout<'_, T> {
    type Output = Result<T, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(out) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Ok(out));
        }
        match Pin::new(&mut self.sleep).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed)),
            Poll::Pending => Poll::Pending,
        }
    }
}
