//! `unstoppable_task`: a detached task running an endless loop with no way to stop it.

use async_lint_analyzer::catalog::SpawnKind;
use async_lint_analyzer::hir::{Body, ExprId, ExprKind, Function};
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::source::Span;
use async_lint_analyzer::tasks::EndlessAt;
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
dropped and are not reported. Also a call of a workspace function that spawns such a task
and returns its handle (`fn start_sweeper() -> JoinHandle<()> { tokio::spawn(async move {
loop { .. } }) }`, also through a local it returns) whose handle is thrown away.",
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
    /// The handle was returned by this workspace function, which spawned the task.
    returned_by: Option<String>,
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
            let Some(spawn_expr) = detached_spawn(sem, body, expr) else {
                return returned_endless_handle(sem, body, expr, &how);
            };
            let spawn = sem.spawn_call(body, spawn_expr)?;
            // A handle kept in a binding that is never used: a tokio task is detached at the end
            // of the scope, but a smol task is cancelled there, which stops it.
            let unused_binding = match how {
                Discard::UnusedBinding { .. } if spawn.kind != SpawnKind::Detaching => return None,
                Discard::UnusedBinding { local, .. } => Some(body.local(local).name.clone()),
                _ => None,
            };
            let endless = sem.endless_task(body, spawn.task?)?;
            let span = callee_span(body, spawn_expr);
            Some(Unstoppable { span, api: spawn.api, unused_binding, endless, returned_by: None })
        })
        .collect()
}

/// A call of a workspace function that spawns an endless task and returns its handle
/// (`fn start_cleanup() -> JoinHandle<()>`), whose handle is thrown away here.
fn returned_endless_handle(
    sem: &Semantics<'_>,
    body: &Body,
    call: ExprId,
    how: &Discard,
) -> Option<Unstoppable> {
    // Resolving the call is the costly part; most names have no such function.
    if !sem.index.has_endless_handle_named(body.callee_name(call)?) {
        return None;
    }
    let sig = sem.called_crate_function(body, call)?;
    let (file, line) = sem.index.endless_handle(&sig.path)?;
    let unused_binding = match how {
        Discard::UnusedBinding { local, .. } => Some(body.local(*local).name.clone()),
        _ => None,
    };
    Some(Unstoppable {
        span: callee_span(body, call),
        api: sig.name.clone(),
        unused_binding,
        endless: EndlessAt::Elsewhere { function: sig.name.clone(), file: file.clone(), line: *line },
        returned_by: Some(sig.name.clone()),
    })
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

fn report(task: &Unstoppable) -> Finding {
    let label = match (&task.unused_binding, &task.returned_by) {
        (Some(name), _) => format!("its handle `{name}` is never used, so the task can never be aborted"),
        (None, Some(function)) => {
            format!("the handle `{function}` returns is dropped here, so the task can never be aborted")
        }
        (None, None) => "spawned without keeping a handle, so it can never be aborted".to_string(),
    };
    let mut finding =
        Finding::new(task.span, format!("this `{}` task loops forever and cannot be stopped", task.api))
            .primary_label(label);
    finding = match &task.endless {
        EndlessAt::Here(span) => {
            finding.label(*span, "this loop has no `break`, `return`, `?` or shutdown branch")
        }
        EndlessAt::Elsewhere { function, file, line } if task.returned_by.is_some() => finding.note(format!(
            "`{function}` spawns a task running a loop with no `break`, `return`, `?` or shutdown branch at {file}:{line}"
        )),
        EndlessAt::Elsewhere { function, file, line } => finding.note(format!(
            "`{function}` runs a loop with no `break`, `return`, `?` or shutdown branch at {file}:{line}"
        )),
    };
    finding.help(
        "race a shutdown signal in the loop (`tokio::select! { _ = token.cancelled() => break, .. }` with a \
         `tokio_util::sync::CancellationToken`), or keep the `JoinHandle` and `abort()` it on shutdown",
    )
}
