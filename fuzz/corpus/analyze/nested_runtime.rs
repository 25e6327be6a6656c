// Fixture for `nested_runtime`. Lines that must be reported carry an expectation marker naming the rule;
// every other line must stay silent.
use std::future::Future;
use std::sync::LazyLock;

use futures::executor;
use futures::executor::block_on;
use pollster::block_on as wait;
use tokio::runtime::{Builder, Handle, Runtime};

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| Runtime::new().unwrap());

async fn fetch() -> u32 {
    1
}

// ---------------------------------------------------------------- must report

async fn futures_block_on_qualified() {
    futures::executor::block_on(fetch()); //~ nested_runtime
}

async fn futures_block_on_imported() {
    let _ = block_on(fetch()); //~ nested_runtime
}

async fn futures_executor_module() {
    let _ = executor::block_on(fetch()); //~ nested_runtime
}

async fn futures_executor_crate() {
    let _ = futures_executor::block_on(fetch()); //~ nested_runtime
}

async fn pollster_free_fn() {
    let _ = pollster::block_on(fetch()); //~ nested_runtime
}

async fn pollster_renamed() {
    let _ = wait(fetch()); //~ nested_runtime
}

async fn pollster_extension_method() {
    use pollster::FutureExt as _;
    let _ = fetch().block_on(); //~ nested_runtime
}

async fn tokio_runtime_inline() {
    tokio::runtime::Runtime::new().unwrap().block_on(fetch()); //~ nested_runtime
}

async fn tokio_runtime_local() {
    let rt = Runtime::new().expect("runtime");
    rt.block_on(fetch()); //~ nested_runtime
}

async fn tokio_runtime_builder() {
    let rt = Builder::new_multi_thread().enable_all().build().unwrap();
    let _ = rt.block_on(fetch()); //~ nested_runtime
}

async fn tokio_current_handle() {
    Handle::current().block_on(fetch()); //~ nested_runtime
}

async fn tokio_handle_qualified() {
    tokio::runtime::Handle::current().block_on(fetch()); //~ nested_runtime
}

async fn tokio_handle_param(handle: &Handle) {
    handle.block_on(fetch()); //~ nested_runtime
}

async fn tokio_runtime_handle_method(rt: &Runtime) {
    rt.handle().block_on(fetch()); //~ nested_runtime
}

async fn tokio_static_runtime() {
    RUNTIME.block_on(fetch()); //~ nested_runtime
}

async fn tokio_local_set(rt: &Runtime) {
    let local = tokio::task::LocalSet::new();
    local.block_on(rt, fetch()); //~ nested_runtime
}

struct Bridge {
    rt: Runtime,
}

impl Bridge {
    async fn call(&self) -> u32 {
        self.rt.block_on(fetch()) //~ nested_runtime
    }
}

async fn untyped_runtime_from_elsewhere() {
    let rt = some_crate::runtime();
    rt.block_on(fetch()); //~ nested_runtime
}

async fn async_std_block_on() {
    async_std::task::block_on(fetch()); //~ nested_runtime
}

async fn smol_block_on() {
    smol::block_on(fetch()); //~ nested_runtime
}

async fn smol_future_block_on() {
    smol::future::block_on(fetch()); //~ nested_runtime
}

async fn futures_lite_block_on() {
    futures_lite::future::block_on(fetch()); //~ nested_runtime
}

async fn async_io_block_on() {
    async_io::block_on(fetch()); //~ nested_runtime
}

fn async_block_in_sync_fn() -> impl Future<Output = u32> {
    async { block_on(fetch()) } //~ nested_runtime
}

fn spawned() {
    tokio::spawn(async move {
        futures::executor::block_on(fetch()); //~ nested_runtime
    });
}

async fn inline_closure(ids: Vec<u32>) -> Vec<u32> {
    ids.iter().map(|_| block_on(fetch())).collect() //~ nested_runtime
}

async fn select_handler(mut rx: tokio::sync::mpsc::Receiver<u32>) {
    tokio::select! {
        _ = rx.recv() => {
            block_on(fetch()); //~ nested_runtime
        }
    }
}

trait Handler {
    async fn handle(&self);
}

impl Handler for Bridge {
    async fn handle(&self) {
        Handle::current().block_on(fetch()); //~ nested_runtime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn test_inside_runtime() {
        block_on(fetch()); //~ nested_runtime
    }
}

// ---------------------------------------------------------------- must stay silent

fn main() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        fetch().await;
    });
    let _ = block_on(fetch());
    smol::block_on(fetch());
}

fn built_runtime() -> u32 {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(fetch())
}

async fn block_in_place_is_the_escape_hatch() {
    tokio::task::block_in_place(|| Handle::current().block_on(fetch()));
}

async fn offloaded(handle: Handle) {
    let _ = tokio::task::spawn_blocking(move || block_on(fetch())).await;
    let h = handle.clone();
    let _ = handle.spawn_blocking(move || h.block_on(fetch())).await;
    std::thread::spawn(move || futures::executor::block_on(fetch()));
    rayon::spawn(move || drop(block_on(fetch())));
    let _ = std::thread::Builder::new().spawn(move || pollster::block_on(fetch()));
}

async fn awaiting_is_fine() {
    let _ = fetch().await;
}

struct MyExecutor;

impl MyExecutor {
    fn block_on<F: Future>(&self, _f: F) {}
}

mod exec {
    pub fn block_on<F>(_f: F) {}
}

async fn crate_types_and_modules_with_the_name(ex: &MyExecutor) {
    ex.block_on(fetch());
    exec::block_on(fetch());
}

async fn nested_fn_item() {
    fn sync_helper() -> u32 {
        block_on(fetch())
    }
    let _ = sync_helper(); //~ transitive_blocking_call
}

#[test]
fn sync_test() {
    block_on(fetch());
}

async fn runtime_used_without_block_on(rt: &Runtime) {
    rt.spawn(fetch());
    Handle::current().spawn(fetch());
    let _other = Runtime::new();
}

async fn local_closure_named_block_on() {
    let block_on = |x: u32| x;
    let _ = block_on(1);
}

trait AsyncBlockOn {
    async fn block_on(&self);
}

async fn awaited_method_named_block_on(x: &impl AsyncBlockOn) {
    x.block_on().await;
}

impl Bridge {
    fn sync_entry(&self) -> u32 {
        self.rt.block_on(fetch())
    }
}

fn closure_in_sync_fn() {
    let run = || block_on(fetch());
    run();
}

async fn scoped_threads() {
    std::thread::scope(|s| { //~ blocking_call
        s.spawn(|| block_on(fetch()));
    });
}

async fn text_mentions() {
    let _ = "futures::executor::block_on(fetch())";
    // rt.block_on(fetch())
}
