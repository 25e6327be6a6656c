//! `dropped_task`: a task whose handle cancels it on drop, dropped at once.

use async_lint_analyzer::catalog::SpawnKind;
use async_lint_analyzer::hir::Function;
use async_lint_analyzer::source::Span;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use crate::util::{callee_span, discarded_values, snippet};

pub struct DroppedTask;

static META: RuleMeta = RuleMeta {
    id: "dropped_task",
    default_level: Level::Warn,
    summary: "A smol/async-executor `Task` dropped at once is cancelled before it runs.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports a task whose handle cancels it when dropped, dropped right away: `smol::spawn(f);`,
`let _ = smol::spawn(f);`, `drop(ex.spawn(f))` on an `async_executor::Executor` or
`LocalExecutor` (also through `smol::Executor`), `async_global_executor::spawn` and
`async_task::spawn`. A task that is `.detach()`ed, stored, awaited, or bound to a named
variable that keeps it alive is not reported.",
        why_is_this_bad: "\
Unlike tokio's `JoinHandle`, dropping a `Task` cancels the task. `smol::spawn(work());` looks
like it starts `work` in the background, but the task is cancelled before it is ever polled:
the work silently never happens.",
        example: "\
fn start(ex: &async_executor::Executor<'static>) {
    ex.spawn(heartbeat());
}",
        use_instead: "\
fn start(ex: &async_executor::Executor<'static>) {
    ex.spawn(heartbeat()).detach();
}",
        known_limits: "\
Executors are recognised by their declared types; an executor reached through a value of
unknown type is not. A `Task` stored in a collection that is later cleared is not followed.",
    },
};

struct Dropped {
    span: Span,
    api: String,
    code: String,
    dropped_at: Option<Span>,
}

impl Rule for DroppedTask {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            out.extend(find_dropped_tasks(cx, function).iter().map(report));
        }
    }
}

fn find_dropped_tasks(cx: &RuleContext<'_>, function: &Function) -> Vec<Dropped> {
    let Some(body) = &function.body else { return Vec::new() };
    discarded_values(body)
        .into_iter()
        .filter_map(|(expr, how)| {
            // `forget` keeps a smol task alive forever (no cancel), but loses a tokio task's result.
            let dropped_at = how.handle_discard(false)?;
            let spawn = cx.sem.spawn_call(body, expr)?;
            (spawn.kind == SpawnKind::Cancelling).then(|| Dropped {
                span: callee_span(body, expr),
                api: spawn.api,
                code: snippet(cx.lines, body.span(expr)),
                dropped_at,
            })
        })
        .collect()
}

fn report(task: &Dropped) -> Finding {
    let mut finding = Finding::new(
        task.span,
        format!("the `Task` returned by `{}` is dropped at once, which cancels it", task.api),
    )
    .primary_label("this task is cancelled before it runs");
    if let Some(call) = task.dropped_at {
        finding = finding.label(call, "dropped here");
    }
    finding
        .note("dropping a smol/async-executor `Task` cancels it; tokio's `JoinHandle` detaches instead")
        .help(format!("call `.detach()` to let it run in the background (`{}.detach();`), or keep the `Task` and `.await` it", task.code))
}
