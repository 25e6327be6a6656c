// Fixture for `transitive_blocking_call`. Lines that must be reported carry an expectation
// marker naming the rule; every other line must stay silent.
use std::path::{Path, PathBuf};
use std::time::Duration;

fn load_config() -> String {
    std::fs::read_to_string("app.toml").unwrap_or_default()
}

fn parse_config() -> usize {
    load_config().len()
}

fn validate_config() -> bool {
    parse_config() > 0
}

fn startup_checks() -> bool {
    validate_config()
}

fn backoff(attempt: u32) {
    std::thread::sleep(Duration::from_millis(10 * attempt as u64));
}

fn pure_helper(x: u32) -> u32 {
    x * 2
}

fn offloads_its_blocking() {
    std::thread::spawn(|| std::thread::sleep(Duration::from_secs(1)));
}

fn sync_block_on() -> u32 {
    futures::executor::block_on(async { 1 })
}

fn recursive_blocking(n: u32) {
    if n == 0 {
        std::thread::sleep(Duration::from_millis(1));
    } else {
        recursive_blocking(n - 1);
    }
}

fn recursive_pure(n: u32) -> u32 {
    if n == 0 { 0 } else { recursive_pure(n - 1) + 1 }
}

fn ping() -> bool {
    pong()
}

fn pong() -> bool {
    ping()
}

fn cycle_with_blocking_exit(n: u32) {
    if n > 3 {
        cycle_partner(n - 1);
    }
    std::fs::remove_file("tmp").ok();
}

fn cycle_partner(n: u32) {
    cycle_with_blocking_exit(n);
}

fn exists_check(path: &Path) -> bool {
    path.exists()
}

fn via_closure() -> Vec<Vec<u8>> {
    ["a", "b"].iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn async_block_inside_is_not_run() -> impl std::future::Future<Output = ()> {
    async {
        std::thread::sleep(Duration::from_secs(1)); //~ blocking_call
    }
}

struct Repo {
    root: PathBuf,
}

impl Repo {
    fn read_disk(&self) -> Vec<u8> {
        std::fs::read(self.root.join("data")).unwrap_or_default()
    }

    fn load(&self) -> usize {
        self.read_disk().len()
    }

    fn name(&self) -> String {
        self.root.display().to_string()
    }

    async fn refresh(&self) {
        let _ = self.load(); //~ transitive_blocking_call
        let _ = self.name();
    }
}

trait Backend {
    fn fetch(&self) -> Vec<u8>;
    fn describe(&self) -> String {
        String::from("backend")
    }
    fn warm(&self) {
        std::thread::sleep(Duration::from_millis(5));
    }
}

struct FileBackend;
struct MemoryBackend;

impl Backend for FileBackend {
    fn fetch(&self) -> Vec<u8> {
        std::fs::read("cache.bin").unwrap_or_default()
    }
}

impl Backend for MemoryBackend {
    fn fetch(&self) -> Vec<u8> {
        Vec::new()
    }
}

mod storage {
    pub mod disk {
        pub fn flush_all() {
            super::sync_to_disk();
        }
    }

    pub fn sync_to_disk() {
        let _ = std::fs::File::create("journal").map(|f| f.sync_all());
    }
}

use storage::disk::flush_all;

// ---------------------------------------------------------------- must report

async fn chain_of_one() {
    let _ = load_config(); //~ transitive_blocking_call
}

async fn chain_of_two() {
    let _ = parse_config(); //~ transitive_blocking_call
}

async fn chain_of_three() {
    let _ = validate_config(); //~ transitive_blocking_call
}

async fn chain_of_four() {
    let _ = startup_checks(); //~ transitive_blocking_call
}

async fn sleeping_helper() {
    for attempt in 0..3 {
        backoff(attempt); //~ transitive_blocking_call
    }
}

async fn helper_with_block_on() -> u32 {
    sync_block_on() //~ transitive_blocking_call
}

async fn recursion_that_blocks() {
    recursive_blocking(3); //~ transitive_blocking_call
}

async fn cycle_that_blocks() {
    cycle_with_blocking_exit(5); //~ transitive_blocking_call
    cycle_partner(4); //~ transitive_blocking_call
}

async fn path_helper(path: &Path) -> bool {
    exists_check(path) //~ transitive_blocking_call
}

async fn closure_helper() -> usize {
    via_closure().len() //~ transitive_blocking_call
}

async fn method_through_typed_param(repo: &Repo) -> usize {
    repo.load() //~ transitive_blocking_call
}

async fn method_through_constructor() {
    let repo = Repo { root: PathBuf::from("/srv") };
    let _ = repo.read_disk(); //~ transitive_blocking_call
}

async fn trait_method_on_concrete_type(backend: &FileBackend) {
    let _ = backend.fetch(); //~ transitive_blocking_call
}

async fn trait_default_method<B: Backend>(backend: &B) {
    backend.warm(); //~ transitive_blocking_call
}

async fn across_modules() {
    flush_all(); //~ transitive_blocking_call
    storage::sync_to_disk(); //~ transitive_blocking_call
    crate::storage::disk::flush_all(); //~ transitive_blocking_call
}

fn async_block_in_sync_fn() -> impl std::future::Future<Output = usize> {
    async { parse_config() } //~ transitive_blocking_call
}

async fn inside_spawned_task() {
    tokio::spawn(async {
        backoff(1); //~ transitive_blocking_call
    });
}

async fn inline_closure_in_async() -> Vec<usize> {
    vec![1, 2].iter().map(|_| parse_config()).collect() //~ transitive_blocking_call
}

async fn inside_select(mut rx: tokio::sync::mpsc::Receiver<u32>) {
    tokio::select! {
        Some(attempt) = rx.recv() => backoff(attempt), //~ transitive_blocking_call
        else => {}
    }
}

async fn format_argument() {
    println!("{}", load_config()); //~ transitive_blocking_call
}

async fn async_closure_calls_helper() {
    let run = async || validate_config(); //~ transitive_blocking_call
    run().await;
}

// ---------------------------------------------------------------- must stay silent

async fn pure_helpers() -> u32 {
    let _ = recursive_pure(4);
    let _ = ping();
    pure_helper(2)
}

async fn helper_that_offloads() {
    offloads_its_blocking();
}

async fn offloaded_calls() {
    let _ = tokio::task::spawn_blocking(load_config).await;
    let _ = tokio::task::spawn_blocking(|| parse_config()).await;
    tokio::task::block_in_place(|| backoff(2));
    let repo = Repo { root: PathBuf::new() };
    let _ = tokio::task::spawn_blocking(move || repo.load()).await;
}

async fn returns_an_async_block() {
    async_block_inside_is_not_run().await;
}

async fn trait_method_with_several_impls<B: Backend>(backend: &B, unknown: Unknown) {
    let _ = backend.fetch();
    let _ = unknown.fetch();
    let _ = backend.describe();
}

async fn trait_method_on_pure_impl(backend: &MemoryBackend) {
    let _ = backend.fetch();
}

fn sync_callers_are_not_reported() {
    let _ = startup_checks();
    backoff(1);
}

async fn method_not_blocking(repo: &Repo) {
    let _ = repo.name();
}

async fn direct_blocking_is_the_other_rule() {
    std::thread::sleep(Duration::from_millis(1)); //~ blocking_call
}

async fn function_named_like_helper_in_other_scope() {
    mod local {
        pub fn load_config() -> String {
            String::new()
        }
    }
    let _ = local::load_config();
}

async fn shadowed_by_local_closure() {
    let load_config = || String::from("inline");
    let _ = load_config();
}

fn helper_uses_block_in_place() -> String {
    tokio::task::block_in_place(load_config)
}

fn helper_locks_briefly(counter: &std::sync::Mutex<u32>) -> u32 {
    *counter.lock().unwrap()
}

async fn helpers_that_do_not_block(counter: &std::sync::Mutex<u32>) {
    let _ = helper_uses_block_in_place();
    let _ = helper_locks_briefly(counter);
    let doubled: Vec<u32> = vec![1, 2].into_iter().map(pure_helper).collect();
    let deferred = load_config;
    let _ = tokio::task::spawn_blocking(deferred).await;
    println!("{doubled:?}");
}
