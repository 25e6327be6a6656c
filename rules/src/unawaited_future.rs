//! `unawaited_future`: a future created and thrown away without being awaited.

use async_lint_analyzer::futures::FutureSource;
use async_lint_analyzer::hir::{Body, ExprId, Function};
use async_lint_analyzer::source::Span;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use async_lint_analyzer::fix::{Edit, Fix};
use async_lint_analyzer::hir::ExprKind;

use crate::util::{awaitable_at, callee_span, discarded_values, is_branch_value, snippet, Discard};

pub struct UnawaitedFuture;

static META: RuleMeta = RuleMeta {
    id: "unawaited_future",
    default_level: Level::Warn,
    summary: "A future that is created and dropped without being awaited does nothing.",
    equivalent_lints: &["clippy::let_underscore_future", "clippy::async_yields_async", "unused_must_use"],
    docs: RuleDocs {
        what_it_does: "\
Reports a future that is thrown away without being awaited, polled, stored or passed on: a
statement `fut;` (also in loops, closures and sync functions), `let _ = fut;`, `drop(fut)`,
`std::mem::forget(fut)`, a binding that is never used (or only dropped; `let _fut = fut;` too,
except in tests, where a future built only for what its constructor does is an idiom), a discarded
`async { .. }` block, and each branch of a discarded `if` or `match` that produces a future.
Also a future an async block or closure yields as its value without awaiting it
(`tokio::spawn(async move { send(msg) })`, `.map(|x| async move { process(x) })`): the
block's output is the future itself, which whoever awaits the block drops.

A future is a call of a workspace `async fn` or method (inherent, trait or trait impl, across
files and workspace crates), of a function returning `impl Future`, `Pin<Box<dyn Future>>`,
`BoxFuture` or `LocalBoxFuture`, an async block, a call of a local closure whose value is a
future (`let retry = || async { .. }; retry();`, an `async` closure), a call of a value typed as a
function returning a future (`(self.handler)(req)` with `handler: Box<dyn Fn(Req) -> BoxFuture<..>>`,
`f(x)` with `F: Fn(u32) -> Fut, Fut: Future`), or a catalogued external async API
(`tokio::time::sleep`, `Interval::tick`, `tokio::fs::*`, tokio sync primitives and processes,
`reqwest`, `sqlx` queries (also `sqlx::query!(..)`), pools and transactions (`tx.commit()`), `tokio-postgres`
clients and transactions (also from a `deadpool-postgres` pool), the async `mongodb` driver's collection
operations (`coll.insert_one(doc)`), `futures::future::join_all`,
`async-channel` and `flume` async sends and receives, async-std's and smol's `fs`,
timers and sockets, servers that run only when awaited (`axum::serve(..)`, warp's `run`,
tonic's and hyper's `serve`), redis' async commands and `tokio-tungstenite` ...), the methods of I/O, sink and stream
extension traits (`write_all`, `read_u32`, `read_line`, `flush`, `send`, `next` ...) on a
receiver bounded by tokio's or `futures`' `AsyncRead`/`AsyncWrite`/`AsyncBufRead`, `Sink` or
`Stream` (`W: AsyncWrite + Unpin`, `impl Stream`) or of a type implementing one (a tokio
`TcpStream` or its halves, `BufReader`, `Framed`, a `futures` channel ...), also wrapped by
`Box::pin` or a `FutureExt` combinator (`.boxed()`, `.map(..)`). Method calls are resolved by
the receiver's type where it is known (a bounded type parameter counts as its bounds);
otherwise by name, when every workspace method of that name is async and no everyday std
method shares it (`get`, `push`, `next`, `send` on an untyped value are most likely a
collection's, an iterator's or a channel's). Futures passed to
`spawn`, `join_all`, a `JoinSet` or `FuturesUnordered`, returned, or awaited later are not
reported.",
        why_is_this_bad: "\
Futures are lazy: nothing happens until they are polled. A forgotten `.await` silently skips
the work (a message never sent, a write never flushed, a sleep that does not wait), and the
program carries on as if it had succeeded. rustc warns only about a bare `fut;` statement.",
        example: "\
async fn shutdown(conn: &Connection) {
    conn.flush();
    let _ = conn.close();
}",
        use_instead: "\
async fn shutdown(conn: &Connection) {
    conn.flush().await;
    let _ = conn.close().await;
}",
        known_limits: "\
A method call on a value whose type is unknown is resolved by name only when no workspace
method of that name is sync and the name is not an everyday std one: a crate's async `get`
called on an untyped value is missed. (A trait's default `async fn` called on a type whose
impl does not override it is the trait's, and is found.) Futures returned by external crates
outside the catalog are not known, nor are futures stored in a field and dropped later.",
    },
};

struct Unawaited<'a> {
    span: Span,
    source: FutureSource<'a>,
    how: Discard,
    /// The local's name, for unused bindings.
    binding: Option<String>,
    /// The future is one branch's value of a discarded `if` or `match`.
    in_branch: bool,
    code: String,
    fix: Option<Fix>,
}

impl Rule for UnawaitedFuture {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            let Some(body) = &function.body else { continue };
            let discarded = discarded_values(body);
            for site in find_unawaited(cx, function, body, &discarded) {
                out.push(report(&site));
            }
            out.extend(find_yielded(cx, body, &discarded).iter().map(report_yielded));
        }
    }
}

/// A future an async block (or async closure) yields as its value, unawaited.
struct Yielded<'a> {
    span: Span,
    source: FutureSource<'a>,
    /// The `async` (or closure) header whose output the future is.
    header: Span,
    /// "async block" or "async closure".
    yielder: &'static str,
    code: String,
}

fn find_yielded<'a>(cx: &RuleContext<'a>, body: &Body, discarded: &[(ExprId, Discard)]) -> Vec<Yielded<'a>> {
    (0..body.exprs.len() as u32)
        .map(ExprId)
        // A discarded async block is reported as such: its value is never produced. And
        // `async { fut }.await` hands the future to the code around it, which may await it.
        .filter(|id| !discarded.iter().any(|(expr, _)| expr == id) && !body.is_awaited(*id))
        .filter_map(|id| {
            let (value, header, yielder) = async_value(body, id)?;
            if matches!(body.kind(value), ExprKind::Await(_)) {
                return None;
            }
            let source = cx.sem.future_source(body, value)?;
            if matches!(&source, FutureSource::Crate(sig) if sig.name.starts_with("spawn")) {
                return None;
            }
            let code = snippet(cx.lines, body.span(value));
            Some(Yielded { span: body.span(value), source, header, yielder, code })
        })
        .collect()
}

/// The value an async block or async closure produces (its tail), with its header and what
/// it is.
fn async_value(body: &Body, expr: ExprId) -> Option<(ExprId, Span, &'static str)> {
    let (inner, header, yielder) = match body.kind(expr) {
        ExprKind::Async { body: block, header, is_stream: false, .. } => (*block, *header, "async block"),
        ExprKind::Closure { is_async: true, body: closure_body, header, .. } => {
            (*closure_body, *header, "async closure")
        }
        _ => return None,
    };
    match body.kind(inner) {
        ExprKind::Block(block) => block.tail.map(|tail| (tail, header, yielder)),
        _ => Some((inner, header, yielder)),
    }
}

fn report_yielded(site: &Yielded<'_>) -> Finding {
    let mut finding = Finding::new(
        site.span,
        format!("this {} yields a future without awaiting it: {}", site.yielder, describe(&site.source)),
    )
    .primary_label(format!("this future is the {}'s value, not awaited", site.yielder))
    .label(site.header, format!("whoever awaits this {} gets the future back, unpolled", site.yielder))
    .help(format!("await it inside the {}: `{}.await`", site.yielder, site.code));
    if let FutureSource::Crate(sig) = &site.source {
        let line = sig.location.name_span.start.line;
        finding = finding.note(format!("`{}` is declared at {}:{line}", sig.name, sig.location.display));
    }
    finding.note("futures do nothing unless they are awaited or polled")
}

fn find_unawaited<'a>(
    cx: &RuleContext<'a>,
    function: &Function,
    body: &Body,
    discarded: &[(ExprId, Discard)],
) -> Vec<Unawaited<'a>> {
    discarded
        .iter()
        .cloned()
        .filter_map(|(expr, how)| {
            if let Discard::UnusedBinding { local, dropped_at: None } = &how {
                // `let _fut = fut;` silences rustc, yet the future never runs: reported. Tests
                // are the exception: there, building a future only for what its constructor
                // does (`let _sleep = sleep_until(t);` panicking outside a runtime) is an idiom.
                if function.is_test && body.local(*local).name.starts_with('_') {
                    return None;
                }
            }
            let source = cx.sem.future_source(body, expr)?;
            if let FutureSource::Crate(sig) = &source {
                // A crate's own `spawn(..)` helper has started the work already; its future
                // only reports the outcome.
                if sig.name.starts_with("spawn") {
                    return None;
                }
            }
            let fix = await_fix(body, function, expr, &how);
            Some(site(cx, body, expr, source, how, fix))
        })
        .collect()
}

/// `fut;` -> `fut.await;` and `let _ = fut;` -> `let _ = fut.await;`, where `.await` can be
/// written.
fn await_fix(body: &Body, function: &Function, expr: ExprId, how: &Discard) -> Option<Fix> {
    let discarded_in_place = matches!(how, Discard::Statement | Discard::LetUnderscore);
    let is_call = matches!(
        body.kind(expr),
        ExprKind::Call { .. } | ExprKind::MethodCall { .. } | ExprKind::Async { .. }
    );
    (discarded_in_place && is_call && awaitable_at(body, function, expr)).then(|| Fix {
        description: "add `.await`".to_string(),
        edits: vec![Edit::insert_at_end(body.span(expr), ".await")],
    })
}

fn site<'a>(
    cx: &RuleContext<'a>,
    body: &Body,
    expr: ExprId,
    source: FutureSource<'a>,
    how: Discard,
    fix: Option<Fix>,
) -> Unawaited<'a> {
    let binding = match &how {
        Discard::UnusedBinding { local, .. } => Some(body.local(*local).name.clone()),
        _ => None,
    };
    let span = match source {
        FutureSource::AsyncBlock => callee_span(body, expr),
        _ => body.span(expr),
    };
    let in_branch = is_branch_value(body, expr);
    Unawaited { span, source, how, binding, in_branch, code: snippet(cx.lines, body.span(expr)), fix }
}

fn describe(source: &FutureSource<'_>) -> String {
    match source {
        FutureSource::Crate(sig) if sig.is_async => format!("`{}` is an `async fn`", sig.name),
        FutureSource::Crate(sig) => format!("`{}` returns a future", sig.name),
        FutureSource::External(path) => format!("`{path}` returns a future"),
        FutureSource::AsyncBlock => "an async block is a future".to_string(),
        FutureSource::Closure { name, .. } => format!("the closure `{name}` returns a future"),
        FutureSource::FnValue { name } => format!("`{name}` is a function returning a future"),
    }
}

fn report(site: &Unawaited<'_>) -> Finding {
    let what = describe(&site.source);
    let (message, label, help) = match &site.how {
        Discard::Statement => (
            format!("this future is never awaited: {what}"),
            "created and dropped without being polled",
            format!("add `.await`: `{}.await;`", site.code),
        ),
        Discard::LetUnderscore => (
            format!("`let _ =` drops this future without awaiting it: {what}"),
            "dropped at once, so it never runs",
            format!("await it and ignore only its output: `let _ = {}.await;`", site.code),
        ),
        Discard::Dropped { forgotten, .. } => (
            format!(
                "this future is {} without being awaited: {what}",
                if *forgotten { "forgotten" } else { "dropped" }
            ),
            "created here and never polled",
            format!("`.await` it instead: `{}.await;`", site.code),
        ),
        Discard::UnusedBinding { .. } => (
            format!("the future in `{}` is never awaited: {what}", site.binding.as_deref().unwrap_or("_")),
            "created here and never polled",
            format!("`.await` it where its result is needed: `{}.await`", site.code),
        ),
    };
    let help =
        if site.in_branch { format!("add `.await` in this branch: `{}.await`", site.code) } else { help };
    let mut finding = Finding::new(site.span, message).primary_label(label).help(help);
    if let Discard::Dropped { call, .. } | Discard::UnusedBinding { dropped_at: Some(call), .. } = &site.how {
        finding = finding.label(*call, "dropped here without being awaited");
    }
    if let FutureSource::Closure { header, .. } = &site.source {
        finding = finding.label(*header, "this closure's value is a future");
    }
    if let FutureSource::Crate(sig) = &site.source {
        let line = sig.location.name_span.start.line;
        let kind = if sig.is_async { "declared `async`" } else { "declared to return a future" };
        finding = finding.note(format!("`{}` is {kind} at {}:{line}", sig.name, sig.location.display));
    }
    finding.note("futures do nothing unless they are awaited or polled").fix(site.fix.clone())
}
