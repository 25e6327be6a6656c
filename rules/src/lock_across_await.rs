//! `lock_across_await`: a synchronous lock's guard alive at an `.await`.

use async_lint_analyzer::catalog::GuardKind;
use async_lint_analyzer::guards::{GuardOrigin, HeldGuard};
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use crate::util::{guard_finding, guards_across_awaits};

pub struct LockAcrossAwait;

static META: RuleMeta = RuleMeta {
    id: "lock_across_await",
    default_level: Level::Warn,
    summary: "A std/parking_lot/spin lock guard (or a DashMap reference, or a `watch` borrow) alive at an `.await` stalls other tasks, makes the future !Send, and can deadlock.",
    equivalent_lints: &["clippy::await_holding_lock"],
    docs: RuleDocs {
        what_it_does: "\
Reports a guard of a synchronous lock that is alive at an `.await` in the same async body:
`std::sync::Mutex::{lock, try_lock}`, `RwLock::{read, write, try_read, try_write}` (with
`.unwrap()`, `.expect(..)`, `?` or `.unwrap_or_else(PoisonError::into_inner)`),
`parking_lot::{Mutex, FairMutex, ReentrantMutex, RwLock}` and `spin::{Mutex, RwLock}` guards,
`std::io::stdout().lock()` and `stderr().lock()`,
DashMap's `Ref`, `RefMut` and entries (from `get`, `get_mut`, `entry`, `or_insert`..),
which lock a shard of the map, and a tokio `watch::Ref` (`rx.borrow()`,
`borrow_and_update()`, `tx.borrow()`), which holds the channel's read lock. A workspace
struct with such a guard in a field (`struct Transaction<'a> { rows: MutexGuard<'a, Rows> }`,
returned by `db.begin()`) holds the lock while it lives and is followed as the guard is.
`select!` and `join!` count as await points.

\"Alive\" follows Rust's drop rules, in both editions: a `let` binding (also `_g`) lives to the
end of its block unless it is moved (`drop(g)`, passed by value, returned, captured by a
`move` closure or async block); a temporary lives to the end of its statement, or to the end
of the block when a `let` borrows it (`let items = &mut *m.lock().unwrap();`); a `match`,
`if let`, `while let` or `for` scrutinee's temporaries live through the arms or body (an
`if let`'s else-block only before edition 2024); a plain `if`/`while` condition's temporaries
are dropped before the body. A guard dropped on every path that reaches the await (early
`return`/`break`/`continue`, `drop` in both branches) is not held. Async mutexes
(`tokio::sync`, `futures::lock`, `async_std::sync`, whose `lock()` is awaited) are never
reported.",
        why_is_this_bad: "\
While the future is suspended at the await, the lock stays locked: every other task that
needs it blocks its executor thread, the future is `!Send` (so `tokio::spawn` rejects it), and
when the task holding the lock cannot be scheduled because the thread it needs is blocked on
the same lock, the program deadlocks.",
        example: "\
async fn record(state: &std::sync::Mutex<Vec<u32>>, value: u32) {
    let mut items = state.lock().unwrap();
    items.push(value);
    flush().await;
}",
        use_instead: "\
async fn record(state: &std::sync::Mutex<Vec<u32>>, value: u32) {
    {
        let mut items = state.lock().unwrap();
        items.push(value);
    } // the guard is dropped here
    flush().await;
}",
        known_limits: "\
Lock receivers are recognised from declared types (fields, parameters, `let` annotations,
statics including `LazyLock`/`OnceLock`/`lazy_static!`/`once_cell`, constructors such as
`Arc::new(Mutex::new(..))`). Where the receiver's type is unknown, only `.lock().unwrap()`
(and `.expect`, `?`, `.unwrap_or_else`) is taken as a std lock. A guard moved into a tuple or
struct literal bound by `let` is followed; one pushed into a collection or assigned to a field
of an existing value is not.",
    },
};

impl Rule for LockAcrossAwait {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let kinds = [
            GuardKind::Lock,
            GuardKind::ShardLock,
            GuardKind::StreamLock,
            GuardKind::WatchBorrow,
            GuardKind::Configured,
        ];
        out.extend(guards_across_awaits(cx, &kinds).iter().map(|guard| match guard.kind {
            GuardKind::ShardLock => report_shard_lock(guard),
            GuardKind::StreamLock => report_stream_lock(guard),
            GuardKind::WatchBorrow => report_watch_borrow(guard),
            GuardKind::Configured => report_configured(guard),
            _ => report(guard, cx.file.runtime.async_mutex()),
        }));
    }
}

/// tokio's docs: outstanding borrows hold a read lock on the value, so the producer blocks,
/// and a `Ref` alive across an `.await` can deadlock.
fn report_watch_borrow(guard: &HeldGuard) -> Finding {
    let message = "a `watch::Ref` borrow of the channel's value is held across an `.await`".to_string();
    guard_finding(guard, message, "borrow", "the value is still borrowed at this await")
        .note(
            "a `watch::Ref` holds the channel's read lock: while it lives, the sender's `send` blocks \
             its executor thread (a deadlock when this task cannot resume), and the future is not `Send`",
        )
        .help("clone what you need out first (`let value = rx.borrow().clone();`), or end the borrow's scope before the `.await`")
}

/// A type from the configuration's `guard-types`.
fn report_configured(guard: &HeldGuard) -> Finding {
    let message = format!("a {} is held across an `.await`", guard.describe());
    guard_finding(guard, message, "value", "still alive at this await")
        .note(format!(
            "`{}` is listed in the configuration's `guard-types`: it must not live across `.await`",
            guard.type_name
        ))
        .help("end its scope before the `.await` (a block or `drop`)")
}

fn report(guard: &HeldGuard, async_mutex: &str) -> Finding {
    let message = format!("a {} is held across an `.await`", guard.describe());
    let finding = guard_finding(guard, message, "guard", "the lock is still held at this await");
    let help = match guard.origin {
        GuardOrigin::ExtendedTemporary(_) => format!(
            "end the borrow's scope before the `.await` (put the `let` and its uses in a block `{{ .. }}`), \
             copy the data out, or use `{async_mutex}` if the lock must be held across the await"
        ),
        GuardOrigin::Binding(_) => format!(
            "drop the guard before the `.await`: end its scope with a block `{{ .. }}` or call `drop(guard)`, \
             copy the data out, or use `{async_mutex}` if the lock must be held across the await"
        ),
        GuardOrigin::Temporary(_) => format!(
            "bind what you need first (`let value = ..;`) so the guard is dropped before the `.await`, \
             or use `{async_mutex}` if the lock must be held across the await"
        ),
    };
    finding
        .note("while the guard lives, other tasks that take the lock block their threads, and the future is not `Send`")
        .help(help)
}

/// `stdout().lock()`: the process-wide lock every `print!` takes, and no async lock replaces it.
fn report_stream_lock(guard: &HeldGuard) -> Finding {
    let message = format!("a {} is held across an `.await`", guard.describe());
    guard_finding(guard, message, "lock", "the stream is still locked at this await")
        .note(
            "while the lock lives, every other task that prints to the stream (`println!`, `eprintln!`, \
             `tracing` to the terminal) blocks its thread, and the future is not `Send`",
        )
        .help("lock the stream only around the writes (`{ let mut out = stdout.lock(); writeln!(out, ..)?; }`), or write with `tokio::io::stdout()`")
}

/// DashMap's references lock one shard of the map. The future stays `Send`, so the general
/// note would be wrong; what goes wrong is every other access to that shard.
fn report_shard_lock(guard: &HeldGuard) -> Finding {
    let what = format!("DashMap `{}`", guard.type_name);
    let message = format!("a {what} is held across an `.await`");
    guard_finding(guard, message, "reference", "the shard is still locked at this await")
        .note(format!(
            "a {what} holds a lock on the shard its entry lives in: while it lives, every task \
             that touches that shard (`get`, `insert`, `remove`, `entry`) blocks its executor thread \
             until this task resumes, which can deadlock the runtime"
        ))
        .help(
            "copy the value out first (`map.get(&key).map(|entry| entry.clone())`), or end the \
             reference's scope (a block or `drop`) before the `.await`",
        )
}
