// Fixture for `refcell_across_await` (edition 2021). Lines that must be reported carry an
// expectation marker naming the rule; every other line must stay silent.
use std::cell::{Ref, RefCell, RefMut};
use std::collections::HashMap;
use std::rc::Rc;

async fn yield_now() {}

async fn render(_s: &str) {}

struct Widget {
    state: RefCell<Vec<String>>,
    cache: Rc<RefCell<HashMap<u32, String>>>,
}

thread_local! {
    static LOCAL: RefCell<u32> = RefCell::new(0);
}

// ---------------------------------------------------------------- must report

async fn borrow_mut_binding(counter: &RefCell<u64>) {
    let mut value = counter.borrow_mut(); //~ refcell_across_await
    *value += 1;
    yield_now().await;
}

async fn borrow_binding(counter: &RefCell<u64>) {
    let value = counter.borrow(); //~ refcell_across_await
    yield_now().await;
    println!("{value}");
}

async fn underscore_named(counter: &RefCell<u64>) {
    let _keep = counter.borrow_mut(); //~ refcell_across_await
    yield_now().await;
}

async fn field_borrow(widget: &Widget) {
    let state = widget.state.borrow(); //~ refcell_across_await
    render(&state.join(",")).await;
}

async fn rc_refcell_field(widget: &Widget) {
    let mut cache = widget.cache.borrow_mut(); //~ refcell_across_await
    cache.insert(1, "one".into());
    yield_now().await;
}

async fn rc_refcell_param(shared: Rc<RefCell<Vec<u32>>>) {
    let items = shared.borrow(); //~ refcell_across_await
    yield_now().await;
    println!("{}", items.len());
}

async fn constructed_locally() {
    let cell = Rc::new(RefCell::new(Vec::<u32>::new()));
    let mut items = cell.borrow_mut(); //~ refcell_across_await
    items.push(1);
    yield_now().await;
}

async fn temporary_in_awaited_call(widget: &Widget) {
    render(&widget.state.borrow()[0]).await; //~ refcell_across_await
}

async fn match_scrutinee(widget: &Widget) {
    match widget.state.borrow().first() { //~ refcell_across_await
        Some(_) => yield_now().await,
        None => {}
    }
}

async fn if_let_scrutinee(widget: &Widget) {
    if let Some(first) = widget.state.borrow().first() { //~ refcell_across_await
        render(first).await;
    }
}

async fn if_let_else_2021(widget: &Widget) {
    if let Some(_first) = widget.state.borrow().first() { //~ refcell_across_await
    } else {
        yield_now().await;
    }
}

async fn while_let_scrutinee(widget: &Widget) {
    while let Some(_s) = widget.state.borrow_mut().pop() { //~ refcell_across_await
        yield_now().await;
    }
}

async fn for_over_borrow(widget: &Widget) {
    for item in widget.state.borrow().iter() { //~ refcell_across_await
        render(item).await;
    }
}

async fn try_borrow_mut(counter: &RefCell<u64>) {
    if let Ok(mut value) = counter.try_borrow_mut() { //~ refcell_across_await
        *value += 1;
        yield_now().await;
    }
}

async fn try_borrow_unwrap(counter: &RefCell<u64>) {
    let value = counter.try_borrow().unwrap(); //~ refcell_across_await
    yield_now().await;
    println!("{value}");
}

async fn shadowed(counter: &RefCell<u64>) {
    let value = counter.borrow(); //~ refcell_across_await
    let value = *value + 1;
    yield_now().await;
    println!("{value}");
}

async fn held_across_select(counter: &RefCell<u64>, mut rx: tokio::sync::mpsc::Receiver<u8>) {
    let value = counter.borrow_mut(); //~ refcell_across_await
    tokio::select! {
        _ = rx.recv() => {}
    }
    drop(value);
}

async fn one_branch_drops(counter: &RefCell<u64>, flag: bool) {
    let value = counter.borrow_mut(); //~ refcell_across_await
    if flag {
        drop(value);
    }
    yield_now().await;
}

async fn ref_parameter(items: Ref<'_, Vec<u32>>) { //~ refcell_across_await
    yield_now().await;
    println!("{}", items.len());
}

fn local_task(widget: Rc<Widget>) {
    tokio::task::spawn_local(async move {
        let state = widget.state.borrow(); //~ refcell_across_await
        yield_now().await;
        println!("{}", state.len());
    });
}

async fn helper_returns_ref(widget: &Widget) {
    let state = state_of(widget); //~ refcell_across_await
    yield_now().await;
    drop(state);
}

fn state_of(widget: &Widget) -> RefMut<'_, Vec<String>> {
    widget.state.borrow_mut()
}

async fn loop_body(widget: &Widget) {
    loop {
        let state = widget.state.borrow(); //~ refcell_across_await
        if state.is_empty() {
            break;
        }
        yield_now().await;
    }
}

async fn in_async_closure(widget: Rc<Widget>) {
    let handler = async move || {
        let state = widget.state.borrow_mut(); //~ refcell_across_await
        yield_now().await;
        drop(state);
    };
    handler().await;
}

async fn with_question_mark(counter: &RefCell<u64>) -> Result<(), std::cell::BorrowMutError> {
    let mut value = counter.try_borrow_mut()?; //~ refcell_across_await
    *value += 1;
    yield_now().await;
    Ok(())
}

async fn two_awaits(counter: &RefCell<u64>) {
    let value = counter.borrow(); //~ refcell_across_await
    yield_now().await;
    yield_now().await;
    println!("{value}");
}

async fn borrow_in_struct_init(widget: &Widget) {
    let len = Lengths { n: widget.state.borrow().len(), m: count().await }; //~ refcell_across_await
    println!("{}", len.n + len.m);
}

struct Lengths {
    n: usize,
    m: usize,
}

async fn count() -> usize {
    0
}

// ---------------------------------------------------------------- must stay silent

async fn statement_borrow(counter: &RefCell<u64>) {
    *counter.borrow_mut() += 1;
    yield_now().await;
}

async fn scoped_borrow(counter: &RefCell<u64>) {
    {
        let mut value = counter.borrow_mut();
        *value += 1;
    }
    yield_now().await;
}

async fn dropped_borrow(counter: &RefCell<u64>) {
    let value = counter.borrow();
    let copy = *value;
    drop(value);
    yield_now().await;
    println!("{copy}");
}

async fn cloned_out(widget: &Widget) {
    let state = widget.state.borrow().clone();
    yield_now().await;
    println!("{}", state.len());
}

async fn plain_if(widget: &Widget) {
    if widget.state.borrow().is_empty() {
        yield_now().await;
    }
}

async fn borrow_trait_is_not_refcell(name: &String, map: &HashMap<String, u32>) {
    use std::borrow::Borrow;
    let key: &str = name.borrow();
    yield_now().await;
    println!("{key} {}", map.len());
}

async fn untyped_borrow(thing: Unknown) {
    let b = thing.borrow_mut();
    yield_now().await;
    drop(b);
}

async fn thread_local_with() {
    LOCAL.with(|cell| *cell.borrow_mut() += 1);
    yield_now().await;
}

async fn borrow_after_await(counter: &RefCell<u64>) {
    yield_now().await;
    let mut value = counter.borrow_mut();
    *value += 1;
}

async fn tokio_mutex_instead(state: &tokio::sync::Mutex<u64>) {
    let mut value = state.lock().await;
    *value += 1;
    yield_now().await;
}

fn sync_code(counter: &RefCell<u64>) {
    let mut value = counter.borrow_mut();
    *value += 1;
}

async fn early_return(counter: &RefCell<u64>, flag: bool) -> u64 {
    let value = counter.borrow();
    if flag {
        return *value;
    }
    drop(value);
    yield_now().await;
    0
}

async fn closure_borrow(widget: &Widget) {
    let n = widget.state.borrow().len();
    let total: usize = (0..n).map(|_| widget.state.borrow().len()).sum();
    yield_now().await;
    println!("{total}");
}
