//! `unstoppable_task`: a detached task running an endless loop with no way to stop it.

use async_lint_analyzer::catalog::SpawnKind;
use async_lint_analyzer::hir::{Body, ExprId, ExprKind, Function, Resolved, Stmt};
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::source::Span;
use async_lint_analyzer::tasks::{loop_keyword_span, own_exprs};
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use crate::util::{callee_span, discarded_values, Discard};

pub struct UnstoppableTask;

static META: RuleMeta = RuleMeta {
    id: "unstoppable_task",
    default_level: Level::Warn,
    summary: "A spawned task with a dropped handle loops forever with no shutdown path.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports a spawned task (`tokio::spawn`, `task::spawn`, `spawn_local`, `Handle::spawn`,
`async_std::task::spawn`, smol's `spawn(..).detach()`) whose handle is discarded (also kept in
a binding that is never used: a tokio handle dropped at the end of its scope still detaches the
task, while a smol task is cancelled there and is not reported) and whose body
(an async block, a workspace `async fn` or method such as `worker.run()`, or an async block
that ends by awaiting one, also when bound to a local first: `let worker = async move { .. };
tokio::spawn(worker)`) runs a `loop` that nothing can end: no `break`
that leaves it, no `return`, no `?`, and no `select!` branch on a shutdown source
(`CancellationToken::cancelled`, a `watch`/`broadcast`/`oneshot`/`mpsc` receiver,
`signal::ctrl_c`). `while let Some(..) = rx.recv().await` loops end when the senders are
dropped and are not reported.",
        why_is_this_bad: "\
Nothing can stop such a task except dropping the whole runtime: graceful shutdown cannot wait
for it, its cleanup never runs, and in tests it leaks into the next case. Without its
`JoinHandle` it cannot even be aborted.",
        example: "\
fn start_metrics(registry: Registry) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tick.tick().await;
            registry.flush().await;
        }
    });
}",
        use_instead: "\
fn start_metrics(registry: Registry, token: CancellationToken) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tokio::select! {
                _ = token.cancelled() => break,
                _ = tick.tick() => registry.flush().await,
            }
        }
    });
}",
        known_limits: "\
A loop ended by a panic or `std::process::exit` counts as endless. A shutdown flag checked
with `if flag.load(..) { break }` is a `break`, so it is not reported.",
    },
};

struct Unstoppable {
    span: Span,
    api: String,
    /// The name of the binding that holds the handle without ever using it.
    unused_binding: Option<String>,
    /// The endless loop: in this file (a label), or elsewhere (a note).
    endless: EndlessAt,
}

enum EndlessAt {
    Here(Span),
    Elsewhere { function: String, file: String, line: u32 },
}

impl Rule for UnstoppableTask {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            out.extend(find_unstoppable(cx.sem, function).iter().map(report));
        }
    }
}

fn find_unstoppable(sem: &Semantics<'_>, function: &Function) -> Vec<Unstoppable> {
    let Some(body) = &function.body else { return Vec::new() };
    discarded_values(body)
        .into_iter()
        .filter_map(|(expr, how)| {
            let spawn_expr = detached_spawn(sem, body, expr)?;
            let spawn = sem.spawn_call(body, spawn_expr)?;
            // A handle kept in a binding that is never used: a tokio task is detached at the end
            // of the scope, but a smol task is cancelled there, which stops it.
            let unused_binding = match how {
                Discard::UnusedBinding { .. } if spawn.kind != SpawnKind::Detaching => return None,
                Discard::UnusedBinding { local, .. } => Some(body.local(local).name.clone()),
                _ => None,
            };
            let endless = endless_loop_of(sem, body, spawn.task?)?;
            Some(Unstoppable { span: callee_span(body, spawn_expr), api: spawn.api, unused_binding, endless })
        })
        .collect()
}

/// The spawn call whose handle is thrown away: the discarded value itself (tokio), or the
/// receiver of `.detach()` (smol).
fn detached_spawn(sem: &Semantics<'_>, body: &Body, discarded: ExprId) -> Option<ExprId> {
    if let ExprKind::MethodCall { receiver, method, args, .. } = body.kind(discarded) {
        if method == "detach" && args.is_empty() {
            let spawn = sem.spawn_call(body, *receiver)?;
            return (spawn.kind == SpawnKind::Cancelling).then_some(*receiver);
        }
    }
    let spawn = sem.spawn_call(body, discarded)?;
    (spawn.kind == SpawnKind::Detaching).then_some(discarded)
}

fn endless_loop_of(sem: &Semantics<'_>, body: &Body, task: ExprId) -> Option<EndlessAt> {
    match body.kind(task) {
        ExprKind::Async { body: block, .. } => {
            if let Some(found) = sem.endless_loop(body, *block) {
                return Some(EndlessAt::Here(loop_keyword_span(body, found)));
            }
            // `async move { worker.run().await }`: the block ends by awaiting an endless callee.
            let awaited = final_await(body, *block)?;
            let exits_early = own_exprs(body, *block)
                .into_iter()
                .any(|id| matches!(body.kind(id), ExprKind::Return(_) | ExprKind::Try(_)));
            if exits_early {
                return None;
            }
            endless_callee(sem, body, sem.strip_future_wrappers(body, awaited))
        }
        _ => endless_callee(sem, body, task),
    }
}

/// The future a block awaits last, as its tail or its last statement (`fut.await` or `fut.await;`).
fn final_await(body: &Body, block: ExprId) -> Option<ExprId> {
    let ExprKind::Block(block) = body.kind(block) else { return None };
    let last = match (block.tail, block.stmts.last()) {
        (Some(tail), _) => tail,
        (None, Some(Stmt::Expr { expr, .. })) => *expr,
        _ => return None,
    };
    match body.kind(last) {
        ExprKind::Await(inner) => Some(*inner),
        _ => None,
    }
}

/// A call of a workspace `async fn` or method whose body runs an endless loop: a function by
/// path (`run(state)`), or a method by the receiver's type (`worker.run()`).
fn endless_callee(sem: &Semantics<'_>, body: &Body, call: ExprId) -> Option<EndlessAt> {
    let path = match body.kind(call) {
        ExprKind::Call { callee, .. } => match body.kind(*callee) {
            ExprKind::Path(Resolved::Item(path)) => path.clone(),
            _ => return None,
        },
        ExprKind::MethodCall { receiver, method, .. } => {
            sem.crate_method(body, *receiver, method)?.path.clone()
        }
        _ => return None,
    };
    let (file, span) = sem.index.endless_loop(&path)?;
    let function = path.rsplit("::").next().unwrap_or(&path).to_string();
    Some(EndlessAt::Elsewhere { function, file: file.clone(), line: span.start.line })
}

fn report(task: &Unstoppable) -> Finding {
    let label = match &task.unused_binding {
        Some(name) => format!("its handle `{name}` is never used, so the task can never be aborted"),
        None => "spawned without keeping a handle, so it can never be aborted".to_string(),
    };
    let mut finding =
        Finding::new(task.span, format!("this `{}` task loops forever and cannot be stopped", task.api))
            .primary_label(label);
    finding = match &task.endless {
        EndlessAt::Here(span) => {
            finding.label(*span, "this loop has no `break`, `return`, `?` or shutdown branch")
        }
        EndlessAt::Elsewhere { function, file, line } => finding.note(format!(
            "`{function}` runs a loop with no `break`, `return`, `?` or shutdown branch at {file}:{line}"
        )),
    };
    finding.help(
        "race a shutdown signal in the loop (`tokio::select! { _ = token.cancelled() => break, .. }` with a \
         `tokio_util::sync::CancellationToken`), or keep the `JoinHandle` and `abort()` it on shutdown",
    )
}
