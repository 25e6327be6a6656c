// Fixture for `dropped_task`. Lines that must be reported carry an expectation marker naming
// the rule; every other line must stay silent.
use std::sync::Arc;

use async_executor::{Executor, LocalExecutor};
use smol::spawn;

async fn heartbeat() {}

async fn work(_id: u32) -> u32 {
    0
}

static GLOBAL: Executor<'static> = Executor::new();

struct Service {
    executor: Arc<Executor<'static>>,
    local: LocalExecutor<'static>,
}

struct Pool;

impl Pool {
    fn spawn<F>(&self, _f: F) {}
}

// ---------------------------------------------------------------- must report

fn smol_statement() {
    smol::spawn(heartbeat()); //~ dropped_task
}

fn smol_let_underscore() {
    let _ = smol::spawn(heartbeat()); //~ dropped_task
}

fn smol_dropped() {
    drop(smol::spawn(heartbeat())); //~ dropped_task
}

fn smol_imported() {
    spawn(heartbeat()); //~ dropped_task
}

async fn smol_in_async_fn() {
    smol::spawn(async { //~ dropped_task
        heartbeat().await;
    });
}

fn smol_in_loop() {
    for id in 0..4 {
        smol::spawn(work(id)); //~ dropped_task
    }
}

fn smol_in_closure() {
    let start = || {
        smol::spawn(heartbeat()); //~ dropped_task
    };
    start();
}

fn executor_param(ex: &Executor<'_>) {
    ex.spawn(heartbeat()); //~ dropped_task
}

fn executor_let_underscore(ex: &Executor<'_>) {
    let _ = ex.spawn(work(1)); //~ dropped_task
}

fn executor_local() {
    let ex = Executor::new();
    ex.spawn(heartbeat()); //~ dropped_task
}

fn local_executor_param(ex: &LocalExecutor<'_>) {
    ex.spawn(heartbeat()); //~ dropped_task
}

fn local_executor_constructed() {
    let ex = LocalExecutor::new();
    let _ = ex.spawn(heartbeat()); //~ dropped_task
}

fn smol_executor_type(ex: &smol::Executor<'_>) {
    ex.spawn(heartbeat()); //~ dropped_task
}

fn smol_local_executor_type(ex: &smol::LocalExecutor<'_>) {
    drop(ex.spawn(heartbeat())); //~ dropped_task
}

impl Service {
    fn start(&self) {
        self.executor.spawn(heartbeat()); //~ dropped_task
    }

    fn start_local(&self) {
        self.local.spawn(heartbeat()); //~ dropped_task
    }

    async fn restart(&self) {
        let _ = self.executor.spawn(work(2)); //~ dropped_task
    }
}

fn static_executor() {
    GLOBAL.spawn(heartbeat()); //~ dropped_task
}

fn global_executor() {
    async_global_executor::spawn(heartbeat()); //~ dropped_task
}

fn async_task_spawn(schedule: fn(async_task::Runnable)) {
    async_task::spawn(heartbeat(), schedule); //~ dropped_task
}

fn in_match_arm(flag: bool) {
    match flag {
        true => {
            smol::spawn(heartbeat()); //~ dropped_task
        }
        false => {}
    }
}

fn in_async_block() -> impl std::future::Future<Output = ()> {
    async {
        let _ = smol::spawn(heartbeat()); //~ dropped_task
    }
}

fn arc_executor_clone(ex: Arc<Executor<'static>>) {
    let ex2 = ex.clone();
    ex2.spawn(heartbeat()); //~ dropped_task
}

fn several_in_a_row() {
    smol::spawn(work(1)); //~ dropped_task
    smol::spawn(work(2)); //~ dropped_task
}

fn if_branch(ready: bool) {
    if ready {
        smol::spawn(heartbeat()); //~ dropped_task
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn spawns_in_test() {
        smol::spawn(super::heartbeat()); //~ dropped_task
    }
}

// ---------------------------------------------------------------- must stay silent

fn detached() {
    smol::spawn(heartbeat()).detach();
    GLOBAL.spawn(heartbeat()).detach();
}

async fn awaited() -> u32 {
    let task = smol::spawn(work(1));
    task.await
}

fn kept_alive_by_a_named_binding() {
    let _task = smol::spawn(heartbeat());
    std::thread::sleep(std::time::Duration::from_millis(10));
}

fn stored(tasks: &mut Vec<smol::Task<()>>) {
    tasks.push(smol::spawn(heartbeat()));
}

fn returned() -> smol::Task<u32> {
    smol::spawn(work(3))
}

fn tokio_detaches_instead() {
    tokio::spawn(heartbeat());
}

fn own_type_named_spawn(pool: &Pool) {
    pool.spawn(heartbeat());
}

fn thread_spawn() {
    std::thread::spawn(|| {});
}

fn forgotten_keeps_running() {
    std::mem::forget(smol::spawn(heartbeat()));
}

fn executor_run(ex: &Executor<'_>) {
    smol::block_on(ex.run(heartbeat()));
}

fn block_on_task() -> u32 {
    smol::block_on(smol::spawn(work(4)))
}

async fn cancelled_explicitly() {
    let task = smol::spawn(heartbeat());
    task.cancel().await;
}

fn untyped_executor(ex: Unknown) {
    ex.spawn(heartbeat());
}

fn tasks_collected(ex: &Executor<'_>) -> Vec<async_task::Task<u32>> {
    (0..3).map(|i| ex.spawn(work(i))).collect()
}
