//! `select_timer_reset`: a timer created inline in a `select!` loop restarts every iteration.

use crate::util::select_branches;
use async_lint_analyzer::hir::{Body, ExprId, ExprKind, Function, Resolved};
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::source::Span;
use async_lint_analyzer::tasks::own_exprs;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

pub struct SelectTimerReset;

static META: RuleMeta = RuleMeta {
    id: "select_timer_reset",
    default_level: Level::Allow,
    summary:
        "A sleep/timeout created inline in a `select!` loop restarts on every iteration and may never fire.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports a `tokio::time::sleep(..)`, `sleep_until(..)`, `timeout(..)` or `timeout_at(..)` (and
`async_std::task::sleep`, `smol::Timer::after`, `futures_timer::Delay::new`) created inline as
a `select!` branch inside a loop. Allow by default: an inline sleep is sometimes meant as an
idle timeout (\"fire when nothing arrived for 5 seconds\"); enable it with
`-W select_timer_reset` to find the places where a deadline was meant.",
        why_is_this_bad: "\
Each iteration of the loop creates a new timer. While other branches keep completing (messages
keep arriving), the timer starts over every time and never fires: a periodic flush or a
deadline silently stops happening under load.",
        example: "\
loop {
    tokio::select! {
        Some(msg) = rx.recv() => batch.push(msg),
        _ = tokio::time::sleep(Duration::from_secs(5)) => flush(&mut batch).await,
    }
}",
        use_instead: "\
let deadline = tokio::time::sleep(Duration::from_secs(5));
tokio::pin!(deadline);
loop {
    tokio::select! {
        Some(msg) = rx.recv() => batch.push(msg),
        _ = &mut deadline => {
            flush(&mut batch).await;
            deadline.as_mut().reset(tokio::time::Instant::now() + Duration::from_secs(5));
        }
    }
}",
        known_limits: "\
The rule cannot tell an intended idle timeout from a deadline; that is why it is off by
default. A deadline timer given an instant computed before the loop (`sleep_until(deadline)`,
`timeout_at(deadline, ..)`) is not reported: created anew, it still fires at that instant; one
whose instant is taken from the clock on every iteration (`sleep_until(Instant::now() + d)`,
or a `let deadline = Instant::now() + d;` inside the loop) is.
`tokio::time::interval` ticks are cancel safe and not reported, and neither is a
timer whose every other branch leaves the loop (`_ = token.cancelled() => break`): it is only
created anew after it fired.",
    },
};

struct InlineTimer {
    span: Span,
    loop_span: Span,
    timer: String,
}

impl Rule for SelectTimerReset {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            out.extend(find_inline_timers(cx.sem, function).iter().map(report));
        }
    }
}

fn find_inline_timers(sem: &Semantics<'_>, function: &Function) -> Vec<InlineTimer> {
    let Some(body) = &function.body else { return Vec::new() };
    select_branches(sem, function, false)
        .into_iter()
        // When every other branch leaves the loop, the timer is created anew only after it
        // fired: a periodic tick raced against shutdown, never reset by traffic.
        .filter(|branch| !branch.others_leave_loop)
        .filter_map(|branch| {
            let timer = sem.timer_call(body, branch.future)?;
            let (loop_span, loop_expr) = (branch.loop_span?, branch.loop_expr?);
            if sem.catalog.is_deadline_timer(&timer)
                && !deadline_taken_now(sem, body, branch.future, loop_expr)
            {
                // `sleep_until(deadline)`: a new timer for the same instant, which does not
                // move unless the code moves it.
                return None;
            }
            Some(InlineTimer { span: body.span(branch.future), loop_span, timer })
        })
        .collect()
}

/// Whether a deadline timer's instant is taken from the clock on every iteration: in the
/// branch (`sleep_until(Instant::now() + d)`) or in a local bound inside the loop
/// (`let deadline = Instant::now() + d;`), so that it moves each time round.
fn deadline_taken_now(sem: &Semantics<'_>, body: &Body, future: ExprId, loop_expr: ExprId) -> bool {
    let loop_span = body.span(loop_expr);
    let ExprKind::Call { args, .. } = body.kind(sem.strip_future_wrappers(body, future)) else {
        return false;
    };
    let mut pending: Vec<ExprId> = args.first().copied().into_iter().collect();
    while let Some(expr) = pending.pop() {
        for id in own_exprs(body, expr) {
            match body.kind(id) {
                ExprKind::Call { callee, .. } if is_clock_read(body, *callee) => return true,
                ExprKind::Local(local) if contains(loop_span, body.local(*local).span) => {
                    pending.extend(body.bound_value(*local));
                }
                _ => {}
            }
        }
    }
    false
}

fn is_clock_read(body: &Body, callee: ExprId) -> bool {
    matches!(body.kind(callee), ExprKind::Path(Resolved::Item(path))
        if path == "std::time::Instant::now" || path == "tokio::time::Instant::now")
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn report(timer: &InlineTimer) -> Finding {
    Finding::new(
        timer.span,
        format!("`{}` is created anew on every iteration of this `select!` loop", timer.timer),
    )
    .primary_label("this timer restarts whenever another branch completes first")
    .label(timer.loop_span, "each iteration creates a new timer")
    .help(
        "create the timer once before the loop (`let sleep = tokio::time::sleep(d); tokio::pin!(sleep);`), \
             race `&mut sleep`, and `sleep.as_mut().reset(deadline)` when the deadline should move",
    )
}
