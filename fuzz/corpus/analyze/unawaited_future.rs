// Fixture for `unawaited_future`. Lines that must be reported carry an expectation marker
// naming the rule; every other line must stay silent.
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;

async fn send_email(_to: &str) -> Result<(), String> {
    Ok(())
}

async fn flush() {}

fn boxed_job() -> BoxFuture<'static, ()> {
    Box::pin(async {})
}

fn pinned_job() -> Pin<Box<dyn Future<Output = u32> + Send>> {
    Box::pin(async { 1 })
}

fn impl_future() -> impl Future<Output = ()> {
    async {}
}

async fn generic_job<T: Send>(_value: T) {}

struct Client;

impl Client {
    async fn send(&self, _message: &str) {}
    fn sync_status(&self) -> u32 {
        0
    }
    fn request(&self) -> impl Future<Output = u32> {
        async { 0 }
    }
    async fn resend(&self) {
        self.send("again"); //~ unawaited_future
    }
}

trait Store {
    async fn save(&self, key: &str);
    fn load(&self, key: &str) -> BoxFuture<'_, Option<String>>;
}

struct Memory;

impl Store for Memory {
    async fn save(&self, _key: &str) {}
    fn load(&self, _key: &str) -> BoxFuture<'_, Option<String>> {
        Box::pin(async { None })
    }
}

// `write_all` is sync on one type and async on another: on an unknown receiver it is ambiguous.
struct SyncWriter;
impl SyncWriter {
    fn write_all(&self) {}
}
struct AsyncWriter;
impl AsyncWriter {
    async fn write_all(&self) {}
}

// ---------------------------------------------------------------- must report

async fn method_statement(client: &Client) {
    client.send("hi"); //~ unawaited_future
}

async fn free_fn_statement() {
    flush(); //~ unawaited_future
}

async fn let_underscore() {
    let _ = send_email("ops@example.com"); //~ unawaited_future
}

async fn drop_call() {
    drop(flush()); //~ unawaited_future
}

async fn mem_drop() {
    std::mem::drop(flush()); //~ unawaited_future
}

async fn mem_forget() {
    std::mem::forget(flush()); //~ unawaited_future
}

fn in_sync_fn() {
    flush(); //~ unawaited_future
}

async fn in_loop(recipients: Vec<String>) {
    for to in &recipients {
        send_email(to); //~ unawaited_future
    }
}

async fn in_closure() {
    let notify_all = || {
        flush(); //~ unawaited_future
    };
    notify_all();
}

async fn tokio_sleep_without_await() {
    tokio::time::sleep(Duration::from_secs(1)); //~ unawaited_future
}

async fn imported_sleep() {
    use tokio::time::sleep;
    sleep(Duration::from_millis(50)); //~ unawaited_future
}

async fn tokio_fs() {
    let _ = tokio::fs::remove_file("stale.lock"); //~ unawaited_future
}

async fn async_block_discarded() {
    async { //~ unawaited_future
        flush().await;
    };
}

async fn let_underscore_async_block() {
    let _ = async move { 1 }; //~ unawaited_future
}

async fn boxed_future_fn() {
    boxed_job(); //~ unawaited_future
}

async fn pinned_future_fn() {
    let _ = pinned_job(); //~ unawaited_future
}

async fn impl_future_fn() {
    impl_future(); //~ unawaited_future
}

async fn generic_async_fn() {
    generic_job(5u32); //~ unawaited_future
}

async fn method_returning_impl_future(client: &Client) {
    client.request(); //~ unawaited_future
}

async fn trait_impl_method(store: &Memory) {
    store.save("key"); //~ unawaited_future
}

async fn trait_object_method(store: &dyn Store) {
    store.load("key"); //~ unawaited_future
}

async fn generic_receiver<S: Store>(store: &S) {
    store.save("key"); //~ unawaited_future
}

async fn impl_trait_receiver(store: &impl Store) {
    let _ = store.save("key"); //~ unawaited_future
}

async fn never_used_binding() {
    let pending = flush(); //~ unawaited_future
}

async fn underscore_named_binding_is_on_purpose() {
    let _pending = send_email("x");
}

async fn binding_only_dropped() {
    let fut = flush(); //~ unawaited_future
    drop(fut);
}

async fn tokio_mutex_lock(state: &tokio::sync::Mutex<u32>) {
    state.lock(); //~ unawaited_future
}

async fn mpsc_send(tx: &tokio::sync::mpsc::Sender<u32>) {
    let _ = tx.send(1); //~ unawaited_future
}

async fn reqwest_without_await() {
    let _ = reqwest::get("https://example.com"); //~ unawaited_future
}

async fn join_all_discarded(client: &Client) {
    futures::future::join_all(vec![client.send("a"), client.send("b")]); //~ unawaited_future
}

async fn combinator_chain() {
    use futures::FutureExt;
    flush().boxed(); //~ unawaited_future
}

async fn in_match_arm(flag: bool, client: &Client) {
    match flag {
        true => {
            client.send("x"); //~ unawaited_future
        }
        false => {}
    }
}

async fn notified(notify: &tokio::sync::Notify) {
    notify.notified(); //~ unawaited_future
}

async fn inside_spawned_block(client: std::sync::Arc<Client>) {
    tokio::spawn(async move {
        client.send("from task"); //~ unawaited_future
    });
}

// ---------------------------------------------------------------- must stay silent

async fn awaited(client: &Client) {
    client.send("hi").await;
    let _ = flush().await;
    let _ = send_email("x").await;
}

async fn bound_then_awaited() {
    let fut = flush();
    fut.await;
}

async fn handed_to_spawn() {
    tokio::spawn(flush());
    let _handle = tokio::spawn(async {});
}

async fn collected(client: &Client) {
    futures::future::join_all(vec![client.send("a"), client.send("b")]).await;
    let pending = FuturesUnordered::new();
    pending.push(flush());
    let mut set = tokio::task::JoinSet::new();
    set.spawn(flush());
}

fn returned() -> impl Future<Output = ()> {
    flush()
}

fn returned_boxed() -> BoxFuture<'static, ()> {
    Box::pin(flush())
}

async fn raced_and_joined() {
    tokio::select! {
        _ = flush() => {}
        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
    }
    tokio::join!(flush(), flush());
}

async fn sync_method(client: &Client) {
    client.sync_status();
    let _ = client.sync_status();
}

async fn ambiguous_method_name(writer: Unknown) {
    writer.write_all();
}

async fn external_type_with_crate_method_name(tx: std::sync::mpsc::Sender<u32>, mut list: Vec<u32>) {
    let _ = tx.send(1);
    list.push(1);
}

async fn wrapped_in_timeout() {
    let _ = tokio::time::timeout(Duration::from_secs(1), flush()).await;
}

async fn pinned_and_polled() {
    let fut = flush();
    tokio::pin!(fut);
    (&mut fut).await;
}

struct Pending {
    job: BoxFuture<'static, ()>,
}

fn stored_in_struct() -> Pending {
    Pending { job: Box::pin(flush()) }
}

fn driven_by_block_on() {
    futures::executor::block_on(flush());
}

async fn closure_returns_the_future() {
    let make = || flush();
    make().await;
}

async fn join_handle_is_not_a_future_to_await() {
    let handle = tokio::spawn(flush());
    drop(handle);
}

fn std_sleep_is_sync() {
    std::thread::sleep(Duration::from_millis(1));
}

async fn used_in_format(client: &Client) {
    let fut = client.request();
    println!("{:?}", std::mem::size_of_val(&fut));
}

async fn try_send_is_sync(tx: &tokio::sync::mpsc::Sender<u32>) {
    let _ = tx.try_send(1);
}

#[allow(clippy::let_underscore_future)]
async fn clippy_allow_acknowledges_it() {
    let _ = send_email("acknowledged");
}

struct Disk;

impl Disk {
    async fn sync_all(&self) {}
}

async fn std_method_name_on_untyped_value(file: Unknown, disk: &Disk) {
    // `sync_all` is also std's `File::sync_all`: on an untyped value it is not resolved by name.
    let _ = file.sync_all();
    disk.sync_all(); //~ unawaited_future
}

async fn stored_in_vec(client: &Client) {
    let mut jobs = Vec::new();
    jobs.push(client.send("x"));
    futures::future::join_all(jobs).await;
}
