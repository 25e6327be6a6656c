//! `blocking_call`: a known blocking API called in an async context.

use async_lint_analyzer::catalog::{BlockingApi, Hazard};
use async_lint_analyzer::context::{walk_function, AsyncOrigin};
use async_lint_analyzer::hir::{Body, ExprId, ExprKind, Function};
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::source::Span;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use async_lint_analyzer::fix::{Edit, Fix};

use crate::util::{awaitable_at, call_span, is_within};

pub struct BlockingCall;

static META: RuleMeta = RuleMeta {
    id: "blocking_call",
    default_level: Level::Warn,
    summary: "A blocking call (sleep, file system, std networking, sync clients) inside async code stalls the executor thread.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports a call to a known blocking API inside an async context: the body of an `async fn`
(also trait methods and `#[async_trait]`), an `async` block (also an `async_stream::stream!` or
`try_stream!` body), an async closure, or a closure
that runs inline in one of those (`iter().map(|p| std::fs::read(p))`; not one kept for later:
boxed, shared with `Arc::new`, stored in a struct, set as a panic or signal hook or a file
watcher's handler, or handed to a workspace function that takes it as `'static`, such as
`fn on_exit(&mut self, hook: impl Fn() + Send + 'static)`). The catalog covers
`std::thread::sleep`, `std::fs` (also through `fs-err`), `std::fs::File` I/O (also through a `BufReader`/`BufWriter`: `BufReader::new(file).lines()`,
but not over bytes in memory; `write!`/`writeln!` to a file or socket, but not to a `String`; `std::io::copy` and `serde_json::from_reader`/`to_writer` over such a stream), directory entries' `metadata()`, `Path::exists` and friends, stdin reads, `std::net` sockets and
name resolution (`(host, port).to_socket_addrs()`), `std::process::Command::output`/`status`, std channel receives, `Condvar` (std's and parking_lot's),
`Barrier`, thread joins, std Unix sockets, a child process's std pipes (`child.stdout`),
tokio's `blocking_*` methods, `reqwest::blocking`,
`ureq`, `minreq`, `attohttpc`, `isahc`'s and `curl`'s sync requests, `rocksdb`, `sled::open`
and `flush`, `git2` repositories and remotes, `tar` archives, the sync `postgres`, `rusqlite`, `diesel` (and its `r2d2` pool), `redis`, `mysql` and
`mongodb::sync` clients (also through an `r2d2` pooled connection: `pool.get()?.execute(..)`),
sync `lettre` SMTP and `tungstenite` websockets, `crossbeam_channel` and `flume` receives, their
sends on a channel made by `bounded(..)` (a sender only declared, or an unbounded one's, is silent),
`async-channel`'s `recv_blocking`/`send_blocking`,
directory walks (`walkdir`, `glob`, `fs_extra`), `csv` and `image` file I/O, password hashing
(`bcrypt`, `argon2`, `scrypt`, `pbkdf2`: slow on purpose, tens of milliseconds of CPU or
more), and rayon's parallel iterators (`par_iter()`, `par_sort()` ... where rayon's traits are
imported: the thread waits for rayon's pool).

Calls are matched by their resolved path (`use std::thread::sleep as nap; nap(..)` is found, also
through the crate's own re-exports, glob ones included, and inside item macros that pass their
items through such as `cfg_if!`, and in the expansion of the file's own `macro_rules!`
macros, reported at the invocation, also where one generates async functions at item level,
`page_handler!(index);`; a crate's own `mod time { pub fn sleep() }` is not) and
methods by the receiver's declared type:
a user type's own `read_to_string()` or `recv()` is never reported. A trait method called by
its path (`Read::read_to_string(&mut file, &mut s)`) is matched as the method call would be.
The `help:` names the package's runtime: tokio's replacement, or async-std's or smol's
(`async_std::task::sleep`, `smol::fs::read`, `smol::unblock`) in a package that depends on
one of them and not on tokio.",
        why_is_this_bad: "\
An executor runs many tasks on few threads. A blocking call parks the thread: every other task
scheduled on it stalls until the call returns, timers fire late, and with enough blocked
workers the whole service stops making progress. Some APIs (tokio's `blocking_*`,
`reqwest::blocking`, the sync `postgres` client) panic outright inside a tokio runtime.",
        example: "\
async fn load(path: &std::path::Path) -> std::io::Result<String> {
    std::thread::sleep(std::time::Duration::from_millis(10));
    std::fs::read_to_string(path)
}",
        use_instead: "\
async fn load(path: &std::path::Path) -> std::io::Result<String> {
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    tokio::fs::read_to_string(path).await
}",
        known_limits: "\
Types are taken from declarations (parameters, `let` annotations, struct fields, statics,
function signatures) and from well-known constructors; a method called on a value whose type
cannot be derived that way is not reported. Blocking reached through the crate's own helper
functions is the `transitive_blocking_call` rule's job. A `macro_rules!` macro of another
file is not expanded: only its arguments, where they read as expressions, are checked. Nor
is an item-level invocation whose expansion has no async code (a generated sync helper). Short
critical sections under a
`std::sync::Mutex` are not reported: holding the guard across `.await` is the hazard, and the
lock rules check it.",
    },
};

/// One blocking call in an async context.
struct BlockingSite<'a> {
    expr: ExprId,
    span: Span,
    api: &'a BlockingApi,
    origin: AsyncOrigin,
    /// Reached by iterating (`for msg in rx`), not by a call.
    iteration: bool,
    /// A method that reaches the API underneath it (`lines` on a `BufReader<File>`).
    through_method: Option<String>,
    fix: Option<Fix>,
}

impl Rule for BlockingCall {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            out.extend(find_blocking_calls(cx, function).iter().map(|site| report(cx, site)));
        }
    }
}

fn find_blocking_calls<'a>(cx: &RuleContext<'a>, function: &Function) -> Vec<BlockingSite<'a>> {
    let sem: &Semantics<'a> = cx.sem;
    let Some(body) = &function.body else { return Vec::new() };
    let tokio_time = cx.file.tokio_time;
    let mut sites = Vec::new();
    walk_function(sem, function, &mut |body, expr, cx| {
        let Some(origin) = &cx.async_origin else {
            return;
        };
        match body.kind(expr) {
            ExprKind::Call { .. } | ExprKind::MethodCall { .. } => {
                if let Some(api) = sem.blocking_api(body, expr) {
                    let span = call_span(body, expr);
                    let fix = if tokio_time { sleep_fix(body, function, expr, api) } else { None };
                    sites.push(BlockingSite {
                        expr,
                        span,
                        api,
                        origin: origin.clone(),
                        iteration: false,
                        through_method: method_other_than_api(body, expr, api),
                        fix,
                    });
                }
            }
            ExprKind::For { iter, .. } => {
                if let Some(api) = sem.blocking_iteration(body, *iter) {
                    let span = body.span(*iter);
                    sites.push(BlockingSite {
                        expr: *iter,
                        span,
                        api,
                        origin: origin.clone(),
                        iteration: true,
                        through_method: None,
                        fix: None,
                    });
                }
            }
            _ => {}
        }
    });
    drop_chained_duplicates(body, sites)
}

/// The method called, when it is not the API itself but reaches it (a buffered reader's
/// `lines()` reading a `File`).
fn method_other_than_api(body: &Body, expr: ExprId, api: &BlockingApi) -> Option<String> {
    let ExprKind::MethodCall { method, .. } = body.kind(expr) else { return None };
    let api_name = api.display.rsplit("::").next().unwrap_or(&api.display);
    (method != api_name).then(|| method.clone())
}

/// `std::thread::sleep(d)` -> `tokio::time::sleep(d).await`, where `.await` can be written and
/// the crate has tokio's `time` feature.
fn sleep_fix(body: &Body, function: &Function, expr: ExprId, api: &BlockingApi) -> Option<Fix> {
    let ExprKind::Call { callee, args } = body.kind(expr) else { return None };
    if api.display != "std::thread::sleep" || args.len() != 1 || !awaitable_at(body, function, expr) {
        return None;
    }
    Some(Fix {
        description: "use `tokio::time::sleep(..).await`".to_string(),
        edits: vec![
            Edit::replace(body.span(*callee), "tokio::time::sleep"),
            Edit::insert_at_end(body.span(expr), ".await"),
        ],
    })
}

/// `File::open(p)?.read_to_string(&mut s)` is one blocking operation to the reader: keep the
/// innermost call of a method chain and drop the methods called on its result.
fn drop_chained_duplicates<'a>(body: &Body, sites: Vec<BlockingSite<'a>>) -> Vec<BlockingSite<'a>> {
    let receivers: Vec<Option<ExprId>> = sites
        .iter()
        .map(|site| match body.kind(site.expr) {
            ExprKind::MethodCall { receiver, .. } => Some(*receiver),
            _ => None,
        })
        .collect();
    let keep: Vec<bool> = receivers
        .iter()
        .map(|receiver| {
            receiver.is_none_or(|receiver| !sites.iter().any(|other| is_within(body, other.expr, receiver)))
        })
        .collect();
    sites.into_iter().zip(keep).filter(|(_, keep)| *keep).map(|(site, _)| site).collect()
}

fn report(cx: &RuleContext<'_>, site: &BlockingSite<'_>) -> Finding {
    let api = site.api;
    let (message, label) = match (site.iteration, api.hazard) {
        (true, _) => (
            format!("iterating a `{}` blocks in an async context", api.display),
            "each iteration blocks the executor thread until a message arrives",
        ),
        (false, Hazard::Blocks) => {
            (format!("blocking call to `{}` in an async context", api.display), "blocks the executor thread")
        }
        (false, Hazard::PanicsInRuntime) => (
            format!("blocking call to `{}` in an async context", api.display),
            "blocks the executor thread, and panics inside a tokio runtime",
        ),
    };
    let mut finding = Finding::new(site.span, message)
        .primary_label(label)
        .label(site.origin.span(), site.origin.describe())
        .help(cx.sem.catalog.replacement(api, cx.file.runtime).to_string())
        .fix(site.fix.clone());
    if let Some(method) = &site.through_method {
        finding = finding.note(format!("`{method}` calls `{}` underneath", api.display));
    }
    finding
}
