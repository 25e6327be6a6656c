// Fixture for `select_timer_reset` (allow by default; the harness enables every rule). Lines
// that must be reported carry an expectation marker naming the rule; every other line must
// stay silent.
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{self, sleep, sleep_until, timeout, Instant};

async fn flush() {}

// ---------------------------------------------------------------- must report

async fn sleep_in_loop(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = tokio::time::sleep(Duration::from_secs(5)) => flush().await, //~ select_timer_reset
        }
    }
}

async fn imported_sleep(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = sleep(Duration::from_secs(5)) => flush().await, //~ select_timer_reset
        }
    }
}

async fn module_sleep(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = time::sleep(Duration::from_millis(100)) => {} //~ select_timer_reset
        }
    }
}

async fn sleep_until_in_loop(mut rx: mpsc::Receiver<u8>, deadline: Instant) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = sleep_until(deadline) => break, //~ select_timer_reset
        }
    }
}

async fn timeout_in_loop(mut rx: mpsc::Receiver<u8>, mut other: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            res = timeout(Duration::from_secs(1), other.recv()) => { let _ = res; } //~ select_timer_reset
            Some(_) = rx.recv() => {}
        }
    }
}

async fn timeout_at_in_loop(mut rx: mpsc::Receiver<u8>, mut other: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            res = tokio::time::timeout_at(Instant::now(), other.recv()) => { let _ = res; } //~ select_timer_reset
            Some(_) = rx.recv() => {}
        }
    }
}

async fn while_loop(mut rx: mpsc::Receiver<u8>, mut alive: bool) {
    while alive {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = sleep(Duration::from_secs(30)) => alive = false, //~ select_timer_reset
        }
    }
}

async fn for_loop(mut rx: mpsc::Receiver<u8>) {
    for _attempt in 0..5 {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = sleep(Duration::from_secs(1)) => {} //~ select_timer_reset
        }
    }
}

async fn nested_block(mut rx: mpsc::Receiver<u8>, verbose: bool) {
    loop {
        if verbose {
            tokio::select! {
                Some(_) = rx.recv() => {}
                _ = sleep(Duration::from_secs(1)) => {} //~ select_timer_reset
            }
        }
    }
}

fn spawned_loop(mut rx: mpsc::Receiver<u8>) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(_) = rx.recv() => {}
                _ = sleep(Duration::from_secs(1)) => {} //~ select_timer_reset
            }
        }
    });
}

async fn biased_with_condition(mut rx: mpsc::Receiver<u8>, idle: bool) {
    loop {
        tokio::select! {
            biased;
            Some(_) = rx.recv() => {}
            _ = sleep(Duration::from_secs(1)), if idle => {} //~ select_timer_reset
            else => break,
        }
    }
}

async fn futures_select_fused(mut rx: futures::channel::mpsc::Receiver<u8>) {
    use futures::{FutureExt, StreamExt};
    loop {
        futures::select! {
            msg = rx.next() => { let _ = msg; }
            _ = sleep(Duration::from_secs(1)).fuse() => {} //~ select_timer_reset
        }
    }
}

async fn boxed_sleep(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = Box::pin(sleep(Duration::from_secs(1))) => {} //~ select_timer_reset
        }
    }
}

async fn async_std_sleep(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = async_std::task::sleep(Duration::from_secs(1)) => {} //~ select_timer_reset
        }
    }
}

async fn smol_timer(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = smol::Timer::after(Duration::from_secs(1)) => {} //~ select_timer_reset
        }
    }
}

async fn futures_timer_delay(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = futures_timer::Delay::new(Duration::from_secs(1)) => {} //~ select_timer_reset
        }
    }
}

async fn labeled_loop(mut rx: mpsc::Receiver<u8>) {
    'outer: loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = sleep(Duration::from_secs(1)) => break 'outer, //~ select_timer_reset
        }
    }
}

async fn two_timers(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = sleep(Duration::from_secs(1)) => {} //~ select_timer_reset
            _ = sleep(Duration::from_secs(60)) => break, //~ select_timer_reset
        }
    }
}

async fn batching_worker(mut rx: mpsc::Receiver<Vec<u8>>) {
    let mut batch = Vec::new();
    loop {
        tokio::select! {
            Some(item) = rx.recv() => batch.push(item),
            _ = tokio::time::sleep(Duration::from_millis(250)) => { //~ select_timer_reset
                batch.clear();
            }
        }
    }
}

async fn heartbeat_loop(mut rx: mpsc::Receiver<u8>, interval_secs: u64) {
    loop {
        tokio::select! {
            msg = rx.recv() => if msg.is_none() { break },
            _ = sleep(Duration::from_secs(interval_secs)) => flush().await, //~ select_timer_reset
        }
    }
}

async fn loop_with_handler_await(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => flush().await,
            _ = sleep(Duration::from_secs(2)) => {} //~ select_timer_reset
        }
    }
}

async fn sleep_with_computed_duration(mut rx: mpsc::Receiver<u8>, base: Duration) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = sleep(base * 2) => {} //~ select_timer_reset
        }
    }
}

async fn select_in_match_arm(mut rx: mpsc::Receiver<u8>, mode: u8) {
    loop {
        match mode {
            0 => tokio::select! {
                Some(_) = rx.recv() => {}
                _ = sleep(Duration::from_secs(1)) => {} //~ select_timer_reset
            },
            _ => break,
        }
    }
}

async fn deadline_per_iteration(mut rx: mpsc::Receiver<u8>) {
    loop {
        let deadline = Instant::now() + Duration::from_secs(1);
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = sleep_until(deadline) => {} //~ select_timer_reset
        }
    }
}

async fn timeout_wrapping_flush(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = timeout(Duration::from_secs(1), flush()) => {} //~ select_timer_reset
        }
    }
}

// ---------------------------------------------------------------- must stay silent

async fn pinned_and_reset(mut rx: mpsc::Receiver<u8>) {
    let deadline = sleep(Duration::from_secs(5));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = &mut deadline => {
                flush().await;
                deadline.as_mut().reset(Instant::now() + Duration::from_secs(5));
            }
        }
    }
}

async fn interval_tick(mut rx: mpsc::Receiver<u8>) {
    let mut tick = time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = tick.tick() => flush().await,
        }
    }
}

async fn outside_any_loop(mut rx: mpsc::Receiver<u8>) {
    tokio::select! {
        Some(_) = rx.recv() => {}
        _ = sleep(Duration::from_secs(5)) => {}
    }
}

async fn sleep_in_handler(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(_) = rx.recv() => sleep(Duration::from_millis(1)).await,
        }
    }
}

async fn sleep_awaited_in_loop() {
    loop {
        sleep(Duration::from_secs(1)).await;
        flush().await;
    }
}

async fn own_sleep_fn(mut rx: mpsc::Receiver<u8>) {
    mod clock {
        pub async fn sleep(_d: std::time::Duration) {}
    }
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = clock::sleep(Duration::from_secs(1)) => {}
        }
    }
}

async fn timer_in_inner_async_block(mut rx: mpsc::Receiver<u8>) {
    loop {
        let once = async {
            tokio::select! {
                _ = sleep(Duration::from_secs(1)) => {}
            }
        };
        once.await;
        if rx.recv().await.is_none() {
            break;
        }
    }
}

async fn timeout_awaited_directly() {
    loop {
        let _ = timeout(Duration::from_secs(1), flush()).await;
    }
}

async fn pinned_sleep_via_let(mut rx: mpsc::Receiver<u8>) {
    let mut pinned = Box::pin(sleep(Duration::from_secs(1)));
    loop {
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = &mut pinned => break,
        }
    }
}

async fn closure_loop_does_not_count(mut rx: mpsc::Receiver<u8>) {
    let _spin = || loop {};
    tokio::select! {
        Some(_) = rx.recv() => {}
        _ = sleep(Duration::from_secs(1)) => {}
    }
}

async fn std_sleep_in_spawn_blocking() {
    loop {
        let _ = tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(1))).await;
        break;
    }
}

async fn interval_in_futures_select(mut rx: futures::channel::mpsc::Receiver<u8>) {
    use futures::{FutureExt, StreamExt};
    let mut tick = time::interval(Duration::from_secs(1));
    loop {
        futures::select! {
            msg = rx.next() => { let _ = msg; }
            _ = tick.tick().fuse() => {}
        }
    }
}

async fn sleep_bound_before_select_each_time(mut rx: mpsc::Receiver<u8>) {
    loop {
        let pause = sleep(Duration::from_secs(1));
        tokio::select! {
            Some(_) = rx.recv() => {}
            _ = pause => {}
        }
    }
}
