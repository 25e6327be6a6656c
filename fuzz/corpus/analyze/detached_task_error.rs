// Fixture for `detached_task_error`. Lines that must be reported carry an expectation marker
// naming the rule; every other line must stay silent.
use std::sync::Arc;

use tokio::runtime::{Handle, Runtime};
use tokio::spawn;
use tokio::task;

#[derive(Debug)]
struct Error;

type Result<T> = std::result::Result<T, Error>;

async fn fetch() -> Result<u32> {
    Ok(1)
}

async fn store(_v: u32) -> Result<()> {
    Ok(())
}

async fn run_worker() -> anyhow::Result<()> {
    Ok(())
}

async fn io_job() -> std::io::Result<()> {
    Ok(())
}

async fn log_only() {}

struct Worker;

impl Worker {
    async fn run(self: Arc<Self>) -> Result<()> {
        Ok(())
    }

    fn start(self: Arc<Self>) {
        tokio::spawn(self.run()); //~ detached_task_error
    }
}

// ---------------------------------------------------------------- must report

fn question_mark() {
    tokio::spawn(async move { //~ detached_task_error
        let value = fetch().await?;
        store(value).await?;
        Ok::<(), Error>(())
    });
}

fn ends_in_ok() {
    tokio::spawn(async { //~ detached_task_error
        log_only().await;
        Ok::<_, Error>(())
    });
}

fn ends_in_err() {
    tokio::spawn(async { //~ detached_task_error
        Err::<(), _>(Error)
    });
}

fn returns_err_early(flag: bool) {
    tokio::spawn(async move { //~ detached_task_error
        if flag {
            return Err(Error);
        }
        log_only().await;
        Ok(())
    });
}

fn tail_awaits_a_result() {
    tokio::spawn(async { //~ detached_task_error
        log_only().await;
        store(1).await
    });
}

fn crate_fn_future() {
    tokio::spawn(run_worker()); //~ detached_task_error
}

fn io_result_future() {
    tokio::spawn(io_job()); //~ detached_task_error
}

fn bound_future() {
    let job = fetch();
    tokio::spawn(job); //~ detached_task_error
}

fn let_underscore() {
    let _ = tokio::spawn(run_worker()); //~ detached_task_error
}

fn dropped_handle() {
    drop(tokio::spawn(run_worker())); //~ detached_task_error
}

fn task_module() {
    tokio::task::spawn(fetch()); //~ detached_task_error
}

fn task_imported_module() {
    task::spawn(fetch()); //~ detached_task_error
}

fn spawn_imported() {
    spawn(fetch()); //~ detached_task_error
}

fn spawn_local() {
    tokio::task::spawn_local(async { //~ detached_task_error
        store(2).await?;
        Ok::<(), Error>(())
    });
}

fn handle_current() {
    Handle::current().spawn(run_worker()); //~ detached_task_error
}

fn handle_param(handle: &Handle) {
    handle.spawn(run_worker()); //~ detached_task_error
}

fn runtime_spawn(rt: &Runtime) {
    rt.spawn(run_worker()); //~ detached_task_error
}

fn local_set(local: &tokio::task::LocalSet) {
    local.spawn_local(run_worker()); //~ detached_task_error
}

fn async_std_spawn() {
    async_std::task::spawn(run_worker()); //~ detached_task_error
}

async fn in_async_fn_loop(ids: Vec<u32>) {
    for id in ids {
        tokio::spawn(async move { //~ detached_task_error
            store(id).await?;
            Ok::<(), Error>(())
        });
    }
}

async fn in_closure() {
    let start = || {
        tokio::spawn(run_worker()); //~ detached_task_error
    };
    start();
}

fn question_mark_in_nested_block() {
    tokio::spawn(async { //~ detached_task_error
        {
            fetch().await?;
        }
        Ok::<(), Error>(())
    });
}

fn nested_spawns() {
    tokio::spawn(async {
        tokio::spawn(run_worker()); //~ detached_task_error
    });
}

fn in_match_arm(kind: u8) {
    match kind {
        0 => {
            tokio::spawn(io_job()); //~ detached_task_error
        }
        _ => {}
    }
}

fn result_from_method_call(worker: Arc<Worker>) {
    let _ = tokio::spawn(worker.run()); //~ detached_task_error
}

fn question_mark_on_io() {
    tokio::spawn(async { //~ detached_task_error
        tokio::fs::write("a", "b").await?;
        Ok::<(), std::io::Error>(())
    });
}

// ---------------------------------------------------------------- must stay silent

fn unit_task() {
    tokio::spawn(log_only());
    tokio::spawn(async {
        log_only().await;
    });
}

fn error_handled_inside() {
    tokio::spawn(async {
        if let Err(error) = run_worker().await {
            eprintln!("worker failed: {error}");
        }
    });
}

fn error_logged_with_match() {
    tokio::spawn(async move {
        match fetch().await {
            Ok(v) => println!("{v}"),
            Err(e) => eprintln!("{e:?}"),
        }
    });
}

async fn handle_awaited() -> Result<()> {
    let handle = tokio::spawn(run_worker());
    handle.await.map_err(|_| Error)?.map_err(|_| Error)
}

async fn handles_collected() {
    let mut handles = Vec::new();
    handles.push(tokio::spawn(run_worker()));
    for handle in handles {
        let _ = handle.await;
    }
}

async fn join_set() {
    let mut set = tokio::task::JoinSet::new();
    set.spawn(run_worker());
    while let Some(result) = set.join_next().await {
        let _ = result;
    }
}

fn handle_kept_in_binding() {
    let _worker = tokio::spawn(run_worker());
}

fn question_mark_in_closure_only() {
    tokio::spawn(async {
        let parse = |s: &str| -> std::result::Result<u32, std::num::ParseIntError> { Ok(s.parse::<u32>()?) };
        println!("{:?}", parse("1"));
    });
}

fn question_mark_in_inner_task_only() {
    tokio::spawn(async {
        let inner = tokio::spawn(async {
            fetch().await?;
            Ok::<(), Error>(())
        });
        let _ = inner.await;
    });
}

fn smol_is_another_rule() {
    smol::spawn(run_worker()).detach();
}

fn spawn_blocking_is_not_async() {
    tokio::task::spawn_blocking(|| std::fs::read("x"));
}

fn returned_handle() -> tokio::task::JoinHandle<Result<u32>> {
    tokio::spawn(fetch())
}

fn result_awaited_in_task_then_dropped() {
    tokio::spawn(async {
        let _ = fetch().await;
    });
}
