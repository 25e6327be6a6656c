//! `detached_task_error`: a spawned task's `Result` can never be observed.

use async_lint_analyzer::catalog::SpawnKind;
use async_lint_analyzer::hir::{Body, ExprId, ExprKind, Function, Resolved};
use async_lint_analyzer::index::FnSig;
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::source::Span;
use async_lint_analyzer::tasks::own_exprs;
use async_lint_analyzer::ty::Ty;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use crate::util::{callee_span, discarded_values, Discard};

pub struct DetachedTaskError;

static META: RuleMeta = RuleMeta {
    id: "detached_task_error",
    default_level: Level::Warn,
    summary: "A spawned task returns a `Result`, but its `JoinHandle` is dropped: the error is never seen.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports `tokio::spawn`, `tokio::task::spawn`, `spawn_local`, `Handle::spawn`,
`Runtime::spawn`, `LocalSet::spawn_local`, `async_std::task::spawn` and `actix_rt::spawn` calls whose
`JoinHandle` is thrown away (a statement, `let _ =`, `drop(..)`, or a binding such as
`let _worker = ..` that is never used) while the task's output is a
`Result`: an async block that uses `?`, returns `Ok(..)`/`Err(..)`, or ends in a value typed
`Result` (a call of a sync function returning one, or an awaited function or external
future whose output is one); or a future whose output is a `Result`. An async block bound
to a local first (`let task = async move { .. }; tokio::spawn(task);`) counts as written in
the call. The same for
`tokio::task::spawn_blocking` (and async-std's) with a closure that does so
(`spawn_blocking(move || std::fs::write(..))`), and a call of a workspace function that
returns a task's handle typed `JoinHandle<Result<..>>` (`fn start() -> JoinHandle<anyhow::Result<()>>`)
whose value is thrown away. Tasks whose output is `()` are not reported.",
        why_is_this_bad: "\
Dropping a `JoinHandle` detaches the task. When the task fails, its `Err` is returned into the
void: nothing logs it, nothing retries, nothing notices. This \"silent failure\" is behind many
production incidents where a background worker quietly stopped.",
        example: "\
fn start(pool: Pool) {
    tokio::spawn(async move {
        let jobs = pool.fetch_jobs().await?;
        process(jobs).await
    });
}",
        use_instead: "\
fn start(pool: Pool) {
    tokio::spawn(async move {
        if let Err(error) = run(pool).await {
            tracing::error!(%error, \"job worker failed\");
        }
    });
}",
        known_limits: "\
The task's output is read from the async block's syntax, from workspace signatures and from
the catalog's external futures (reqwest's requests, tokio's `fs` functions and I/O methods,
`mpsc::Sender::send`, sqlx's queries, `tokio_postgres` and hyper connection drivers, axum,
hyper and tonic servers, an awaited `JoinHandle`); any other
external future whose output is a `Result` is not known. A handle stored and dropped later is
not followed.",
    },
};

struct Detached {
    span: Span,
    api: String,
    evidence: Evidence,
    dropped_at: Option<Span>,
    /// The binding that holds the handle without ever using it, and its name.
    unused_binding: Option<(Span, String)>,
}

/// Why the task's output is a `Result`, and where that shows (none where it is the
/// handle's declared type, which is the call itself).
struct Evidence {
    span: Option<Span>,
    reason: String,
}

impl Rule for DetachedTaskError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            out.extend(find_detached(cx.sem, function).iter().map(report));
        }
    }
}

fn find_detached(sem: &Semantics<'_>, function: &Function) -> Vec<Detached> {
    let Some(body) = &function.body else { return Vec::new() };
    discarded_values(body)
        .into_iter()
        .filter_map(|(expr, how)| {
            let (dropped_at, unused_binding) = match how {
                // Kept in a binding that is never used: dropped at the end of its scope, and
                // the task's output is just as lost (`let _handle = tokio::spawn(..)`).
                Discard::UnusedBinding { local, dropped_at } => {
                    let local = body.local(local);
                    (dropped_at, Some((local.span, local.name.clone())))
                }
                other => (other.handle_discard(true)?, None),
            };
            let (api, evidence) = match sem.spawn_call(body, expr) {
                Some(spawn) if spawn.kind == SpawnKind::Detaching => {
                    (spawn.api, result_evidence(sem, body, spawn.task?)?)
                }
                Some(_) => return None,
                None => match blocking_spawn(sem, body, expr) {
                    Some((api, closure_body)) => (api, closure_evidence(sem, body, closure_body)?),
                    None => returned_handle(sem, body, expr)?,
                },
            };
            Some(Detached { span: callee_span(body, expr), api, evidence, dropped_at, unused_binding })
        })
        .collect()
}

/// Whether the task's future outputs a `Result`, and where that shows.
fn result_evidence(sem: &Semantics<'_>, body: &Body, task: ExprId) -> Option<Evidence> {
    if let ExprKind::Async { body: block, .. } = body.kind(task) {
        return block_evidence(sem, body, *block);
    }
    let output = sem.future_call_output(body, task).or_else(|| {
        let ty = sem.ty_of(body, task);
        // Another crate's future the catalog knows the output of (`tokio_postgres::Connection`).
        sem.future_output(&ty).or_else(|| sem.catalog.fixed_future_output(&ty))
    })?;
    sem.without_aliases(output).is_result().then(|| Evidence {
        span: Some(body.span(task)),
        reason: "this future's output is a `Result`".into(),
    })
}

fn block_evidence(sem: &Semantics<'_>, body: &Body, block: ExprId) -> Option<Evidence> {
    let ExprKind::Block(inner) = body.kind(block) else { return None };
    if let Some(evidence) = inner.tail.and_then(|tail| value_evidence(sem, body, tail)) {
        return Some(evidence);
    }
    own_exprs(body, block).into_iter().find_map(|id| match body.kind(id) {
        ExprKind::Try(_) => Some(Evidence {
            span: Some(body.span(id)),
            reason: "the task uses `?`, so it returns a `Result`".into(),
        }),
        ExprKind::Return(Some(value)) if is_ok_or_err(body, *value) => {
            Some(Evidence { span: Some(body.span(id)), reason: "the task returns a `Result`".into() })
        }
        _ => None,
    })
}

/// Whether the value a task ends with (a block's tail, a closure's expression) is a
/// `Result`: `Ok(..)`/`Err(..)`, an awaited future whose output is one, or a value typed so.
fn value_evidence(sem: &Semantics<'_>, body: &Body, value: ExprId) -> Option<Evidence> {
    if is_ok_or_err(body, value) {
        return Some(Evidence { span: Some(body.span(value)), reason: "the task ends in a `Result`".into() });
    }
    let ty = match body.kind(value) {
        // A workspace future's declared output, else the awaited type (an external future
        // the catalog knows, such as reqwest's `send()`).
        ExprKind::Await(awaited) => {
            sem.future_call_output(body, *awaited).unwrap_or_else(|| sem.ty_of(body, value))
        }
        _ => sem.ty_of(body, value),
    };
    sem.without_aliases(ty)
        .is_result()
        .then(|| Evidence { span: Some(body.span(value)), reason: "the task returns this `Result`".into() })
}

/// A call of a workspace function that spawns the task and returns its handle
/// (`fn start() -> JoinHandle<anyhow::Result<()>>`): the handle's type says the task's output.
fn returned_handle(sem: &Semantics<'_>, body: &Body, expr: ExprId) -> Option<(String, Evidence)> {
    // Most discarded values are calls of functions that return no handle: the declared
    // return type of the function (or of every method of that name) rules them out cheaply.
    let declares_handle = |sig: &FnSig| sig.returns.as_ref().is_some_and(|ty| is_result_handle(sem, ty));
    if let ExprKind::MethodCall { method, .. } = body.kind(expr) {
        let candidates = sem.index.methods_named(method)?;
        if !candidates.iter().filter_map(|path| sem.index.function(path)).any(declares_handle) {
            return None;
        }
    }
    let sig = sem.called_crate_function(body, expr).filter(|sig| declares_handle(sig))?;
    let reason = format!("`{}` returns the `JoinHandle` of a task whose output is a `Result`", sig.name);
    Some((sig.name.clone(), Evidence { span: None, reason }))
}

/// `JoinHandle<Result<..>>` (also through the crate's aliases).
fn is_result_handle(sem: &Semantics<'_>, ty: &Ty) -> bool {
    let Ty::Path { path, args } = ty else { return false };
    if !path.ends_with("JoinHandle") && sem.index.alias(path, args).is_none() {
        return false;
    }
    let handle = sem.without_aliases(ty.clone());
    DETACHING_HANDLES.iter().any(|path| handle.is_path(path))
        && sem.without_aliases(handle.first_arg()).is_result()
}

/// Handles that detach their task when dropped.
const DETACHING_HANDLES: &[&str] = &["tokio::task::JoinHandle", "async_std::task::JoinHandle"];

/// `tokio::task::spawn_blocking(|| ..)`: the API, and the closure's body.
fn blocking_spawn(sem: &Semantics<'_>, body: &Body, expr: ExprId) -> Option<(String, ExprId)> {
    let ExprKind::Call { callee, args } = body.kind(expr) else { return None };
    let ExprKind::Path(Resolved::Item(path)) = body.kind(*callee) else { return None };
    if !sem.catalog.is_blocking_spawn(path) {
        return None;
    }
    let ExprKind::Closure { body: closure_body, .. } = body.kind(*args.first()?) else { return None };
    Some((path.clone(), *closure_body))
}

/// Why a closure run on a blocking thread returns a `Result`: as an async block's would
/// (`?`, `Ok(..)`), or by its value's type (`std::fs::write(..)`).
fn closure_evidence(sem: &Semantics<'_>, body: &Body, closure_body: ExprId) -> Option<Evidence> {
    match body.kind(closure_body) {
        ExprKind::Block(_) => block_evidence(sem, body, closure_body),
        _ => value_evidence(sem, body, closure_body),
    }
}

fn is_ok_or_err(body: &Body, expr: ExprId) -> bool {
    let ExprKind::Call { callee, .. } = body.kind(expr) else { return false };
    matches!(body.kind(*callee), ExprKind::Path(Resolved::Item(p))
        if p == "std::result::Result::Ok" || p == "std::result::Result::Err")
}

fn report(task: &Detached) -> Finding {
    let mut finding = Finding::new(
        task.span,
        format!("the `JoinHandle` of this `{}` task is dropped, so its `Result` is never observed", task.api),
    )
    .primary_label("the task's error is lost when this handle is dropped");
    finding = match task.evidence.span {
        Some(span) => finding.label(span, task.evidence.reason.clone()),
        None => finding.note(task.evidence.reason.clone()),
    };
    if let Some(call) = task.dropped_at {
        finding = finding.label(call, "the handle is dropped here");
    } else if let Some((span, name)) = &task.unused_binding {
        finding = finding
            .label(*span, format!("`{name}` is never used: the handle is dropped at the end of its scope"));
    }
    finding.note("dropping a `JoinHandle` detaches the task: when it fails, nothing sees the error").help(
        "handle the error inside the task (`if let Err(e) = .. { tracing::error!(..) }`), or keep the handle \
         and check it (`handle.await`, or spawn into a `tokio::task::JoinSet`)",
    )
}
