// Fixture for `blocking_call`. Lines that must be reported carry an expectation marker naming the rule;
// every other line must stay silent.
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::ToSocketAddrs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::thread::sleep as nap;
use std::time::Duration;

// ---------------------------------------------------------------- must report

async fn fully_qualified() {
    std::thread::sleep(Duration::from_millis(10)); //~ blocking_call
}

async fn module_import() {
    thread::sleep(Duration::from_millis(10)); //~ blocking_call
}

async fn renamed_import() {
    nap(Duration::from_millis(10)); //~ blocking_call
}

async fn leading_colons() {
    ::std::thread::sleep(Duration::from_millis(1)); //~ blocking_call
}

async fn module_alias() {
    use std::thread as t;
    t::sleep(Duration::from_secs(1)); //~ blocking_call
}

async fn grouped_imports() {
    use std::{fs as filesystem, thread::{self as th}};
    th::park(); //~ blocking_call
    let _ = filesystem::remove_file("/tmp/x"); //~ blocking_call
}

async fn read_config(path: &Path) -> std::io::Result<String> {
    fs::read_to_string(path) //~ blocking_call
}

async fn write_report(bytes: &[u8]) -> std::io::Result<()> {
    fs::write("report.txt", bytes)?; //~ blocking_call
    Ok(())
}

async fn file_handle(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = File::open(path)?; //~ blocking_call
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)?; //~ blocking_call
    Ok(buf)
}

async fn chained_open_and_read(path: &Path) -> std::io::Result<String> {
    let mut s = String::new();
    File::open(path)?.read_to_string(&mut s)?; //~ blocking_call
    Ok(s)
}

async fn write_through_param(out: &mut std::fs::File, line: &str) -> std::io::Result<()> {
    out.write_all(line.as_bytes()) //~ blocking_call
}

async fn create_with_question_mark(dir: PathBuf) -> std::io::Result<()> {
    let f = std::fs::File::create(dir.join("lock"))?; //~ blocking_call
    f.sync_all() //~ blocking_call
}

async fn path_checks(path: &Path, owned: PathBuf) -> bool {
    let a = Path::new("/etc/app.toml").exists(); //~ blocking_call
    let b = path.is_file(); //~ blocking_call
    a && b && owned.join("x").is_dir() //~ blocking_call
}

async fn read_stdin() -> String {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap(); //~ blocking_call
    line
}

async fn std_networking() -> std::io::Result<()> {
    let stream = std::net::TcpStream::connect("127.0.0.1:8080")?; //~ blocking_call
    drop(stream);
    let addrs = "example.com:443".to_socket_addrs()?; //~ blocking_call
    drop(addrs);
    Ok(())
}

async fn run_command() -> std::io::Result<()> {
    let output = std::process::Command::new("git").arg("status").output()?; //~ blocking_call
    println!("{}", output.status);
    Ok(())
}

async fn std_channel() {
    let (tx, rx) = mpsc::channel::<u32>();
    tx.send(1).unwrap();
    let _ = rx.recv(); //~ blocking_call
}

async fn iterate_std_receiver(rx: Receiver<String>) {
    for message in rx { //~ blocking_call
        println!("{message}");
    }
}

async fn join_thread() {
    let handle = std::thread::spawn(|| 42);
    let _ = handle.join(); //~ blocking_call
}

struct Worker {
    state: tokio::sync::Mutex<u32>,
    path: PathBuf,
}

impl Worker {
    async fn tick(&self) {
        let _guard = self.state.blocking_lock(); //~ blocking_call
    }

    async fn ready(&self) -> bool {
        self.path.exists() //~ blocking_call
    }
}

async fn tokio_blocking_recv(mut rx: tokio::sync::mpsc::Receiver<u32>) {
    let _ = rx.blocking_recv(); //~ blocking_call
}

async fn sync_http(url: &str, client: &reqwest::blocking::Client) {
    let _ = reqwest::blocking::get(url); //~ blocking_call
    let _ = client.get(url).header("x", "y").send(); //~ blocking_call
}

async fn ureq_request(url: &str) {
    let _ = ureq::get(url).call(); //~ blocking_call
}

async fn sqlite(path: &Path) -> rusqlite::Result<()> {
    let conn = rusqlite::Connection::open(path)?; //~ blocking_call
    conn.execute("DELETE FROM jobs", [])?; //~ blocking_call
    Ok(())
}

fn future_in_sync_fn() -> impl std::future::Future<Output = ()> {
    async {
        std::thread::sleep(Duration::from_secs(1)); //~ blocking_call
    }
}

fn spawned_task() {
    tokio::spawn(async move {
        let _ = std::fs::read("data.bin"); //~ blocking_call
    });
}

async fn inline_closures(paths: Vec<PathBuf>) -> Vec<Vec<u8>> {
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect() //~ blocking_call
}

fn async_closures() {
    let _a = async |p: PathBuf| std::fs::read(p); //~ blocking_call
    let _b = |p: PathBuf| async move { std::fs::read(p) }; //~ blocking_call
}

async fn inside_select(mut rx: tokio::sync::mpsc::Receiver<u32>) {
    tokio::select! {
        Some(v) = rx.recv() => {
            thread::sleep(Duration::from_millis(v as u64)); //~ blocking_call
        }
        else => {}
    }
}

async fn inside_join() {
    let (_a, _b) = tokio::join!(
        async { 1 },
        async { std::thread::sleep(Duration::from_secs(1)) }, //~ blocking_call
    );
}

async fn inside_format_macro() {
    println!("{:?}", std::fs::read_to_string("motd")); //~ blocking_call
}

trait Service {
    async fn call(&self);
    async fn default_body(&self) {
        std::fs::write("audit.log", "called").unwrap(); //~ blocking_call
    }
}

struct Echo;

impl Service for Echo {
    async fn call(&self) {
        std::thread::sleep(Duration::from_millis(1)); //~ blocking_call
    }
}

mod nested {
    pub mod deeper {
        use std::fs::File as F;

        pub async fn open() {
            let _ = F::open("x"); //~ blocking_call
        }
    }

    use std::fs::*;

    pub async fn via_glob() {
        let _ = read_to_string("y"); //~ blocking_call
    }
}

async fn condvar_wait(pair: std::sync::Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>) {
    let (lock, cvar) = &*pair;
    let guard = lock.lock().unwrap();
    let _ = cvar.wait(guard); //~ blocking_call
}

async fn std_scope() {
    std::thread::scope(|s| { //~ blocking_call
        s.spawn(|| std::thread::sleep(Duration::from_secs(1)));
    });
}

async fn loop_elements(paths: &[PathBuf], owned: Vec<PathBuf>) {
    for p in paths {
        if p.exists() { //~ blocking_call
            continue;
        }
    }
    for (i, p) in owned.iter().enumerate() {
        let _ = (i, p.metadata()); //~ blocking_call
    }
}

async fn adapter_closures(paths: Vec<PathBuf>) -> usize {
    paths.iter().filter(|p| p.is_file()).count() //~ blocking_call
}

struct JobQueue {
    jobs: std::sync::Arc<std::sync::Mutex<Receiver<String>>>,
}

impl JobQueue {
    async fn next(&self) -> Option<String> {
        self.jobs.lock().unwrap().recv().ok() //~ blocking_call
    }
}

async fn open_options(path: &Path) -> std::io::Result<()> {
    let _log = std::fs::OpenOptions::new().create(true).append(true).open(path)?; //~ blocking_call
    let _again = File::options().write(true).open(path)?; //~ blocking_call
    Ok(())
}

async fn method_called_as_path(p: PathBuf) -> bool {
    Path::exists(&p) //~ blocking_call
}

struct Loader;

impl std::future::Future for Loader {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, _cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        let _ = std::fs::read("state"); //~ blocking_call
        std::task::Poll::Ready(())
    }
}

mod db {
    use diesel::prelude::*;

    pub async fn list_users(conn: &mut PgConnection) -> QueryResult<Vec<(i32, String)>> {
        users::table.load::<(i32, String)>(conn) //~ blocking_call
    }

    pub async fn not_diesel(names: Vec<String>, pool: deadpool_diesel::postgres::Pool) {
        let _first = names.first();
        let conn = pool.get().await.unwrap();
        let _ = conn.interact(|conn| users::table.load::<(i32, String)>(conn)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slow_test() {
        fs::remove_dir_all("/tmp/test-data").ok(); //~ blocking_call
    }
}

// ---------------------------------------------------------------- must stay silent

async fn async_sleep() {
    tokio::time::sleep(Duration::from_millis(10)).await;
}

fn sync_sleep() {
    std::thread::sleep(Duration::from_millis(10));
    let _ = fs::read_to_string("sync is fine");
}

async fn offloaded_to_blocking_pool(path: PathBuf) {
    let _ = tokio::task::spawn_blocking(move || std::fs::read(path)).await;
    tokio::task::block_in_place(|| std::thread::sleep(Duration::from_secs(1)));
    let _ = std::thread::spawn(|| std::fs::read("x"));
    let _ = std::thread::Builder::new().name("io".into()).spawn(|| std::fs::read("y"));
    rayon::spawn(|| drop(std::fs::read("z")));
    let _ = smol::unblock(|| std::fs::read("w")).await;
    let _ = async_std::task::spawn_blocking(|| std::fs::read("v")).await;
}

async fn offloaded_through_handle(handle: tokio::runtime::Handle, rt: &tokio::runtime::Runtime) {
    let _ = handle.spawn_blocking(|| std::fs::read("a")).await;
    let _ = rt.spawn_blocking(|| std::thread::sleep(Duration::from_secs(1))).await;
}

async fn closure_bound_then_offloaded(path: PathBuf) {
    let work = move || std::fs::read_to_string(path);
    let _ = tokio::task::spawn_blocking(work).await;
}

async fn nested_fn_item_is_sync() {
    fn helper() {
        std::thread::sleep(Duration::from_secs(1));
    }
    helper(); //~ transitive_blocking_call
}

mod mytime {
    pub async fn sleep(_d: std::time::Duration) {}
    pub fn read_to_string(_p: &str) -> String {
        String::new()
    }
}

async fn own_module_with_std_names() {
    mytime::sleep(Duration::from_secs(1)).await;
    let _ = mytime::read_to_string("not std::fs");
}

struct Store;

impl Store {
    fn read_to_string(&self) -> String {
        String::new()
    }
    fn recv(&self) -> Option<u32> {
        None
    }
}

struct Queue {
    inner: Store,
}

async fn user_types_with_std_method_names(store: &Store, queue: Queue) {
    let _ = store.read_to_string();
    let _ = queue.inner.recv();
    let _ = queue.inner.read_to_string();
}

async fn untyped_receivers() {
    let rx = make_receiver();
    let _ = rx.recv();
    let file = open_somehow();
    let _ = file.read_to_string();
}

async fn tokio_io(path: &Path) -> std::io::Result<String> {
    let text = tokio::fs::read_to_string(path).await?;
    let mut file = tokio::fs::File::open(path).await?;
    let mut more = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut file, &mut more).await?;
    file.read_to_string(&mut more).await?;
    Ok(text + &more)
}

async fn tokio_channel(mut rx: tokio::sync::mpsc::Receiver<u32>, tx: mpsc::Sender<u32>) {
    let _ = rx.recv().await;
    let _ = tx.send(1);
}

async fn std_mutex_short_section(m: &std::sync::Mutex<u32>) -> u32 {
    *m.lock().unwrap()
}

async fn async_http(url: &str) -> reqwest::Result<String> {
    reqwest::get(url).await?.text().await
}

async fn path_manipulation(path: &Path) -> PathBuf {
    let joined = path.join("child");
    println!("{}", joined.display());
    joined.with_extension("toml")
}

async fn local_shadows_import() {
    let nap = |_d: Duration| {};
    nap(Duration::from_secs(1));
}

async fn nested_fn_shadows_import() {
    fn sleep(_d: Duration) {}
    sleep(Duration::from_secs(1));
}

async fn spawn_does_not_wait() -> std::io::Result<()> {
    let _child = std::process::Command::new("server").spawn()?;
    Ok(())
}

async fn text_is_not_code() {
    let _doc = "std::thread::sleep(Duration::from_secs(1))";
    // std::fs::read_to_string("commented out")
}

trait Declared {
    async fn call(&self);
}

#[test]
fn sync_test_may_block() {
    std::thread::sleep(Duration::from_millis(1));
}

async fn blocking_api_by_name_on_own_type(queue: &OwnQueue) {
    let _ = queue.blocking_recv();
}

struct OwnQueue;

impl OwnQueue {
    fn blocking_recv(&self) -> u32 {
        0
    }
}

fn make_receiver() -> Unknown {
    todo!()
}

fn open_somehow() -> Unknown {
    todo!()
}

impl Iterator for Loader {
    type Item = Vec<u8>;
    fn next(&mut self) -> Option<Vec<u8>> {
        std::fs::read("sync iterator").ok()
    }
}

impl Loader {
    fn poll_disk(&self) -> bool {
        Path::new("inherent poll_ method, not a Future").exists()
    }
}

async fn untyped_elements(items: Vec<Unknown>) {
    for item in &items {
        let _ = item.exists();
    }
}

fn asyncify<F, T>(f: F) -> tokio::task::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
}

fn asyncify_again<F: FnOnce() -> Vec<u8> + Send + 'static>(work: F) {
    let _ = asyncify(work);
}

mod rt {
    pub fn spawn_blocking<F: FnOnce() -> R + Send + 'static, R: Send + 'static>(f: F) -> tokio::task::JoinHandle<R> {
        tokio::task::spawn_blocking(f)
    }
}

async fn the_crates_own_offloading_wrappers() {
    let _ = asyncify(|| std::fs::read("wrapped")).await;
    asyncify_again(|| std::fs::read("wrapped twice").unwrap_or_default());
    let _ = rt::spawn_blocking(|| std::thread::sleep(Duration::from_millis(1))).await;
}

fn not_a_wrapper<F: FnOnce()>(f: F) {
    f()
}

async fn closure_run_inline_by_a_helper() {
    not_a_wrapper(|| std::thread::sleep(Duration::from_millis(1))); //~ blocking_call
}
