// Fixture for `unstoppable_task`. Lines that must be reported carry an expectation marker
// naming the rule; every other line must stay silent.
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

async fn flush() {}

async fn work() -> u32 {
    0
}

async fn ticker_forever() {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    loop {
        tick.tick().await;
        flush().await;
    }
}

async fn ticker_with_token(token: CancellationToken) {
    loop {
        tokio::select! {
            _ = token.cancelled() => break,
            _ = tokio::time::sleep(Duration::from_secs(1)) => flush().await, //~ select_timer_reset
        }
    }
}

struct Metrics;

impl Metrics {
    async fn run(self: Arc<Self>) {
        loop {
            flush().await;
        }
    }
}

// ---------------------------------------------------------------- must report

fn interval_loop() {
    tokio::spawn(async move { //~ unstoppable_task
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tick.tick().await;
            flush().await;
        }
    });
}

fn sleep_loop() {
    tokio::spawn(async { //~ unstoppable_task
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

fn crate_async_fn_with_endless_loop() {
    tokio::spawn(ticker_forever()); //~ unstoppable_task
}

fn task_spawn() {
    tokio::task::spawn(async { //~ unstoppable_task
        loop {
            flush().await;
        }
    });
}

fn spawn_local() {
    tokio::task::spawn_local(async { //~ unstoppable_task
        loop {
            flush().await;
        }
    });
}

fn let_underscore() {
    let _ = tokio::spawn(async { //~ unstoppable_task
        loop {
            flush().await;
        }
    });
}

fn dropped_handle() {
    drop(tokio::spawn(ticker_forever())); //~ unstoppable_task
}

fn handle_spawn(handle: &tokio::runtime::Handle) {
    handle.spawn(async { //~ unstoppable_task
        loop {
            flush().await;
        }
    });
}

fn async_std_spawn() {
    async_std::task::spawn(async { //~ unstoppable_task
        loop {
            flush().await;
        }
    });
}

fn smol_detached() {
    smol::spawn(async { //~ unstoppable_task
        loop {
            flush().await;
        }
    })
    .detach();
}

fn break_only_leaves_inner_loop() {
    tokio::spawn(async { //~ unstoppable_task
        loop {
            for i in 0..3 {
                if i == 2 {
                    break;
                }
            }
            flush().await;
        }
    });
}

fn break_inside_closure_does_not_count() {
    tokio::spawn(async { //~ unstoppable_task
        loop {
            let _check = || loop {
                break;
            };
            flush().await;
        }
    });
}

fn select_without_shutdown_branch() {
    tokio::spawn(async { //~ unstoppable_task
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = tick.tick() => flush().await,
                _ = tokio::time::sleep(Duration::from_secs(60)) => {} //~ select_timer_reset
            }
        }
    });
}

fn result_ignored_in_loop() {
    tokio::spawn(async { //~ unstoppable_task
        loop {
            let _ = work().await;
        }
    });
}

fn method_future_of_crate(metrics: Arc<Metrics>) {
    tokio::spawn(async move { //~ unstoppable_task
        loop {
            metrics.clone().run().await;
        }
    });
}

fn setup_then_loop() {
    tokio::spawn(async { //~ unstoppable_task
        flush().await;
        let mut count = 0u64;
        loop {
            count += 1;
            flush().await;
        }
    });
}

fn loop_inside_if(enabled: bool) {
    tokio::spawn(async move { //~ unstoppable_task
        if enabled {
            loop {
                flush().await;
            }
        }
    });
}

async fn spawned_from_async_fn() {
    tokio::spawn(async { //~ unstoppable_task
        loop {
            flush().await;
        }
    });
}

fn spawned_in_loop_of_workers(n: usize) {
    for _ in 0..n {
        tokio::spawn(async { //~ unstoppable_task
            loop {
                flush().await;
            }
        });
    }
}

fn spawned_in_closure() {
    let start = || {
        tokio::spawn(async { //~ unstoppable_task
            loop {
                flush().await;
            }
        });
    };
    start();
}

fn imported_spawn() {
    use tokio::spawn;
    spawn(async { //~ unstoppable_task
        loop {
            flush().await;
        }
    });
}

fn labeled_break_to_inner() {
    tokio::spawn(async { //~ unstoppable_task
        loop {
            'inner: loop {
                break 'inner;
            }
            flush().await;
        }
    });
}

fn match_without_exit(mut rx: Unknown) {
    tokio::spawn(async move { //~ unstoppable_task
        loop {
            match work().await {
                0 => flush().await,
                _ => {}
            }
            let _ = &mut rx;
        }
    });
}

fn runtime_spawn(rt: &tokio::runtime::Runtime) {
    rt.spawn(ticker_forever()); //~ unstoppable_task
}

fn crate_method_endless(metrics: Arc<Metrics>) {
    tokio::spawn(Metrics::run(metrics)); //~ unstoppable_task
}

fn nested_spawn() {
    tokio::spawn(async {
        tokio::spawn(async { //~ unstoppable_task
            loop {
                flush().await;
            }
        });
    });
}

// ---------------------------------------------------------------- must stay silent

fn cancellation_token(token: CancellationToken) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = token.cancelled() => break,
                _ = flush() => {}
            }
        }
    });
    tokio::spawn(ticker_with_token(CancellationToken::new()));
}

fn channel_ends_the_loop(mut rx: mpsc::Receiver<u32>) {
    tokio::spawn(async move {
        while let Some(job) = rx.recv().await {
            let _ = job;
        }
    });
}

fn return_on_close(mut rx: mpsc::Receiver<u32>) {
    tokio::spawn(async move {
        loop {
            match rx.recv().await {
                Some(job) => {
                    let _ = job;
                }
                None => return,
            }
        }
    });
}

fn question_mark_exits(mut rx: broadcast::Receiver<u32>) {
    tokio::spawn(async move { //~ detached_task_error
        loop {
            let value = rx.recv().await?;
            let _ = value;
        }
        #[allow(unreachable_code)]
        Ok::<(), broadcast::error::RecvError>(())
    });
}

fn watch_shutdown_branch(mut shutdown: watch::Receiver<bool>) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = flush() => {}
            }
        }
    });
}

fn oneshot_shutdown(mut stop: oneshot::Receiver<()>) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut stop => break,
                _ = flush() => {}
            }
        }
    });
}

fn ctrl_c_branch() {
    tokio::spawn(async {
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = flush() => {}
            }
        }
    });
}

fn flag_checked(stop: Arc<std::sync::atomic::AtomicBool>) {
    tokio::spawn(async move {
        loop {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            flush().await;
        }
    });
}

async fn handle_kept_for_abort() {
    let handle = tokio::spawn(ticker_forever());
    handle.abort();
}

fn handle_stored(handles: &mut Vec<tokio::task::JoinHandle<()>>) {
    handles.push(tokio::spawn(ticker_forever()));
}

fn finite_task() {
    tokio::spawn(async {
        for _ in 0..10 {
            flush().await;
        }
    });
}

fn while_condition() {
    tokio::spawn(async {
        let mut remaining = 3;
        while remaining > 0 {
            remaining -= 1;
            flush().await;
        }
    });
}

fn labeled_break_out(n: u32) {
    tokio::spawn(async move {
        'outer: loop {
            for i in 0..n {
                if i == 5 {
                    break 'outer;
                }
            }
            flush().await;
        }
    });
}

fn smol_task_kept() -> smol::Task<()> {
    smol::spawn(ticker_forever())
}

fn loop_only_in_inner_task_kept() {
    tokio::spawn(async {
        let inner = tokio::spawn(ticker_forever());
        let _ = inner.await;
    });
}

fn join_set_owns_it() {
    let mut set = tokio::task::JoinSet::new();
    set.spawn(ticker_forever());
}

fn spawn_blocking_loop() {
    tokio::task::spawn_blocking(|| loop {
        std::thread::park();
    });
}

fn return_from_loop_on_error() {
    tokio::spawn(async {
        loop {
            if work().await > 0 {
                return;
            }
        }
    });
}

fn broadcast_recv_in_select(mut events: broadcast::Receiver<u8>) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = events.recv() => {}
                _ = flush() => {}
            }
        }
    });
}

fn bound_handle_never_used() {
    let _metrics = tokio::spawn(ticker_forever());
}
