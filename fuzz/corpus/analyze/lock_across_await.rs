// Fixture for `lock_across_await` (edition 2021). Lines that must be reported carry an
// expectation marker naming the rule; every other line must stay silent.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

async fn io() {}

async fn consume_later(_v: u32) {}

fn consume(_g: MutexGuard<'_, Vec<u32>>) {}

struct State {
    items: Mutex<Vec<u32>>,
    index: RwLock<HashMap<String, u32>>,
    shared: Arc<Mutex<u32>>,
    fast: parking_lot::Mutex<u32>,
    table: parking_lot::RwLock<Vec<u32>>,
    spin: spin::Mutex<u32>,
    queue: tokio::sync::Mutex<Vec<u32>>,
}

static COUNTER: Mutex<u32> = Mutex::new(0);
static REGISTRY: std::sync::LazyLock<Mutex<Vec<String>>> = std::sync::LazyLock::new(|| Mutex::new(Vec::new()));
static CONFIG: std::sync::OnceLock<RwLock<String>> = std::sync::OnceLock::new();

lazy_static::lazy_static! {
    static ref SESSIONS: Mutex<HashMap<u64, String>> = Mutex::new(HashMap::new());
}

// ---------------------------------------------------------------- must report

async fn named_binding(m: &Mutex<Vec<u32>>) {
    let g = m.lock().unwrap(); //~ lock_across_await
    io().await;
    drop(g);
}

async fn underscore_named_binding(m: &Mutex<Vec<u32>>) {
    let _g = m.lock().unwrap(); //~ lock_across_await
    io().await;
}

async fn shadowing_does_not_drop(m: &Mutex<Vec<u32>>) {
    let g = m.lock().expect("poisoned"); //~ lock_across_await
    let g = g.len();
    io().await;
    println!("{g}");
}

async fn temporary_in_awaited_statement(m: &Mutex<u32>) {
    consume_later(*m.lock().unwrap()).await; //~ lock_across_await
}

async fn method_on_guard_then_await(state: &State) {
    state.items.lock().unwrap().push(io_len().await); //~ lock_across_await
}

async fn io_len() -> u32 {
    0
}

async fn match_scrutinee(m: &Mutex<Option<u32>>) {
    match m.lock().unwrap().take() { //~ lock_across_await
        Some(_) => io().await,
        None => {}
    }
}

async fn if_let_then_block(m: &Mutex<Vec<u32>>) {
    if let Some(_x) = m.lock().unwrap().pop() { //~ lock_across_await
        io().await;
    }
}

async fn if_let_else_block_2021(m: &Mutex<Vec<u32>>) {
    if let Some(_x) = m.lock().unwrap().pop() { //~ lock_across_await
    } else {
        io().await;
    }
}

async fn while_let_scrutinee(m: &Mutex<Vec<u32>>) {
    while let Some(_x) = m.lock().unwrap().pop() { //~ lock_across_await
        io().await;
    }
}

async fn for_iterator_expression(m: &Mutex<Vec<u32>>) {
    for _x in m.lock().unwrap().iter() { //~ lock_across_await
        io().await;
    }
}

async fn struct_fields(state: &State) {
    let items = state.items.lock().unwrap(); //~ lock_across_await
    let index = state.index.read().unwrap(); //~ lock_across_await
    io().await;
    println!("{} {}", items.len(), index.len());
}

async fn arc_mutex_field(state: Arc<State>) {
    let mut shared = state.shared.lock().unwrap(); //~ lock_across_await
    *shared += 1;
    io().await;
}

async fn rwlock_write_with_question_mark(state: &State) -> Result<(), PoisonError<()>> {
    let mut index = state.index.write().map_err(|_| PoisonError::new(()))?;
    index.clear();
    let guard = state.index.write().unwrap_or_else(PoisonError::into_inner); //~ lock_across_await
    io().await;
    drop(guard);
    Ok(())
}

async fn try_lock_binding(m: &Mutex<u32>) {
    if let Ok(g) = m.try_lock() { //~ lock_across_await
        io().await;
        println!("{g}");
    }
}

async fn parking_lot_locks(state: &State) {
    let fast = state.fast.lock(); //~ lock_across_await
    io().await;
    drop(fast);
    let table = state.table.read(); //~ lock_across_await
    io().await;
    drop(table);
}

async fn spin_lock(state: &State) {
    let s = state.spin.lock(); //~ lock_across_await
    io().await;
    drop(s);
}

async fn static_mutex() {
    let mut count = COUNTER.lock().unwrap(); //~ lock_across_await
    *count += 1;
    io().await;
}

async fn lazy_lock_static() {
    let registry = REGISTRY.lock().unwrap(); //~ lock_across_await
    io().await;
    println!("{}", registry.len());
}

async fn once_lock_static() {
    let config = CONFIG.get().unwrap().read().unwrap(); //~ lock_across_await
    io().await;
    println!("{config}");
}

async fn lazy_static_macro() {
    let sessions = SESSIONS.lock().unwrap(); //~ lock_across_await
    io().await;
    println!("{}", sessions.len());
}

async fn constructed_locally() {
    let data = Arc::new(Mutex::new(0u32));
    let g = data.lock().unwrap(); //~ lock_across_await
    io().await;
    println!("{g}");
}

async fn untyped_lock_unwrap(handle: Unknown) {
    let g = handle.lock().unwrap(); //~ lock_across_await
    io().await;
    drop(g);
}

async fn dropped_on_one_branch_only(m: &Mutex<u32>, flag: bool) {
    let g = m.lock().unwrap(); //~ lock_across_await
    if flag {
        drop(g);
    }
    io().await;
}

async fn held_across_select(m: &Mutex<u32>, mut rx: tokio::sync::mpsc::Receiver<u32>) {
    let g = m.lock().unwrap(); //~ lock_across_await
    tokio::select! {
        _ = rx.recv() => {}
        _ = io() => {}
    }
    drop(g);
}

async fn held_across_join(m: &Mutex<u32>) {
    let g = m.lock().unwrap(); //~ lock_across_await
    tokio::join!(io(), io());
    drop(g);
}

async fn in_loop_body(m: &Mutex<Vec<u32>>) {
    loop {
        let g = m.lock().unwrap(); //~ lock_across_await
        if g.is_empty() {
            break;
        }
        io().await;
    }
}

fn async_block_in_sync_fn(m: Arc<Mutex<u32>>) -> impl std::future::Future<Output = ()> {
    async move {
        let g = m.lock().unwrap(); //~ lock_across_await
        io().await;
        drop(g);
    }
}

async fn guard_returned_by_helper(state: &State) {
    let g = items_of(state); //~ lock_across_await
    io().await;
    drop(g);
}

fn items_of(state: &State) -> MutexGuard<'_, Vec<u32>> {
    state.items.lock().unwrap()
}

async fn guard_parameter(g: MutexGuard<'_, u32>) { //~ lock_across_await
    io().await;
    drop(g);
}

trait Store {
    async fn save(&self);
}

impl Store for State {
    async fn save(&self) {
        let items = self.items.lock().unwrap(); //~ lock_across_await
        io().await;
        drop(items);
    }
}

async fn let_else_binding(m: &Mutex<u32>) {
    let Ok(g) = m.lock() else { return }; //~ lock_across_await
    io().await;
    drop(g);
}

// ---------------------------------------------------------------- must stay silent

async fn underscore_pattern_drops_at_once(m: &Mutex<u32>) {
    let _ = m.lock().unwrap();
    io().await;
}

async fn inner_block_scope(m: &Mutex<Vec<u32>>) {
    {
        let mut g = m.lock().unwrap();
        g.push(1);
    }
    io().await;
}

async fn explicit_drop(m: &Mutex<Vec<u32>>) {
    let g = m.lock().unwrap();
    let n = g.len();
    drop(g);
    io().await;
    println!("{n}");
}

async fn mem_drop(m: &Mutex<Vec<u32>>) {
    let g = m.lock().unwrap();
    std::mem::drop(g);
    io().await;
}

async fn copied_out_with_deref(m: &Mutex<u32>) {
    let v = *m.lock().unwrap();
    io().await;
    println!("{v}");
}

async fn cloned_out(m: &Mutex<Vec<u32>>) {
    let v = m.lock().unwrap().clone();
    io().await;
    println!("{}", v.len());
}

async fn plain_if_condition(m: &Mutex<Vec<u32>>) {
    if m.lock().unwrap().is_empty() {
        io().await;
    }
}

async fn plain_while_condition(m: &Mutex<Vec<u32>>) {
    while m.lock().unwrap().is_empty() {
        io().await;
    }
}

async fn match_value_bound_first(m: &Mutex<u32>) {
    let v = match *m.lock().unwrap() {
        0 => "zero",
        _ => "more",
    };
    io().await;
    println!("{v}");
}

async fn moved_into_call(m: &Mutex<Vec<u32>>) {
    let g = m.lock().unwrap();
    consume(g);
    io().await;
}

async fn moved_into_closure(m: &Mutex<Vec<u32>>) {
    let g = m.lock().unwrap();
    let f = move || g.len();
    io().await;
    println!("{}", f());
}

async fn moved_into_async_block(m: &Mutex<u32>) {
    let g = m.lock().unwrap();
    let fut = async move {
        println!("{g}");
    };
    io().await;
    fut.await;
}

async fn early_return_then_drop(m: &Mutex<u32>, flag: bool) -> u32 {
    let g = m.lock().unwrap();
    if flag {
        return *g;
    }
    drop(g);
    io().await;
    0
}

async fn dropped_in_both_branches(m: &Mutex<u32>, flag: bool) {
    let g = m.lock().unwrap();
    if flag {
        drop(g);
    } else {
        drop(g);
    }
    io().await;
}

async fn continue_before_await(m: &Mutex<Vec<u32>>) {
    for _ in 0..3 {
        let g = m.lock().unwrap();
        if g.is_empty() {
            continue;
        }
        drop(g);
        io().await;
    }
}

async fn sync_closure_finishes_first(m: &Mutex<Vec<u32>>) {
    let total = (|| m.lock().unwrap().len())();
    io().await;
    println!("{total}");
}

async fn tokio_mutex_is_fine(state: &State) {
    let mut queue = state.queue.lock().await;
    queue.push(1);
    io().await;
}

async fn futures_mutex_is_fine(m: &futures::lock::Mutex<u32>) {
    let g = m.lock().await;
    io().await;
    println!("{}", *g);
}

async fn untyped_lock_that_is_awaited(handle: Unknown) {
    let g = handle.lock().await;
    io().await;
    drop(g);
}

async fn untyped_lock_without_unwrap(handle: Unknown) {
    let g = handle.lock();
    io().await;
    drop(g);
}

fn sync_fn_may_hold(m: &Mutex<u32>) {
    let g = m.lock().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1));
    drop(g);
}

async fn guard_inside_inner_async_block_is_judged_there(m: Arc<Mutex<u32>>) {
    let m2 = m.clone();
    tokio::spawn(async move {
        let v = *m2.lock().unwrap();
        io().await;
        println!("{v}");
    });
    io().await;
}

async fn guard_after_last_await(m: &Mutex<u32>) {
    io().await;
    let mut g = m.lock().unwrap();
    *g += 1;
}

async fn temporary_after_await_in_statement(m: &Mutex<u32>) {
    let pair = (io_len().await, *m.lock().unwrap());
    println!("{pair:?}");
}

async fn let_else_temporary(m: &Mutex<Vec<u32>>) {
    let Some(first) = m.lock().unwrap().first().copied() else { return };
    io().await;
    println!("{first}");
}

async fn user_type_named_lock(door: &Door) {
    let handle = door.lock();
    io().await;
    drop(handle);
}

struct Door;

impl Door {
    fn lock(&self) -> Result<u32, ()> {
        Ok(0)
    }
}

#[allow(clippy::await_holding_lock)]
async fn clippy_allow_acknowledges_it(m: &Mutex<u32>) {
    let g = m.lock().unwrap();
    io().await;
    drop(g);
}

#[expect(clippy::await_holding_lock, reason = "test helper")]
mod acknowledged_module {
    pub async fn held(m: &std::sync::Mutex<u32>) {
        let g = m.lock().unwrap();
        super::io().await;
        drop(g);
    }
}

async fn break_before_await(m: &Mutex<Vec<u32>>) {
    loop {
        let g = m.lock().unwrap();
        if g.is_empty() {
            break;
        }
        drop(g);
        io().await;
    }
}
