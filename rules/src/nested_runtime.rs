//! `nested_runtime`: an executor's `block_on` inside an async context.

use async_lint_analyzer::context::{walk_function, AsyncOrigin};
use async_lint_analyzer::hir::{ExprKind, Function};
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::source::Span;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use crate::util::call_span;

pub struct NestedRuntime;

static META: RuleMeta = RuleMeta {
    id: "nested_runtime",
    default_level: Level::Deny,
    summary: "`block_on` inside async code panics in a tokio runtime or deadlocks the executor.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports running a future to completion with an executor's `block_on` inside an async
context: `futures::executor::block_on`, `pollster::block_on` (and `FutureExt::block_on`),
tokio's `Runtime::block_on`, `Handle::block_on` and `LocalSet::block_on`,
`async_std::task::block_on`, `smol::block_on`, `futures_lite::future::block_on`,
`async_io::block_on`. A `block_on` method called on a value whose type is unknown is reported
too: no async API uses that name. `block_on` in sync code (a `main` that starts the runtime, a
closure handed to `spawn_blocking`, `block_in_place` or `std::thread::spawn`) is fine and
never reported.",
        why_is_this_bad: "\
Inside a tokio runtime, `Runtime::block_on` and `Handle::block_on` panic with \"Cannot start a
runtime from within a runtime\". The other executors block the worker thread until the inner
future completes; when that future needs the outer runtime (a tokio timer, socket or channel
driven by it) it never completes, and the program deadlocks.",
        example: "\
async fn refresh(cache: &Cache) {
    let fresh = futures::executor::block_on(fetch());
    cache.store(fresh);
}",
        use_instead: "\
async fn refresh(cache: &Cache) {
    let fresh = fetch().await;
    cache.store(fresh);
}",
        known_limits: "\
A `block_on` reached through the crate's own sync helper function is not followed (the
call-graph rule follows blocking calls through helpers). A crate's own type with a `block_on`
method is not reported: it may not be an executor.",
    },
};

struct NestedBlockOn {
    span: Span,
    api: String,
    origin: AsyncOrigin,
}

impl Rule for NestedRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            out.extend(find_nested_block_on(cx.sem, function).iter().map(report));
        }
    }
}

fn find_nested_block_on(sem: &Semantics<'_>, function: &Function) -> Vec<NestedBlockOn> {
    let mut found = Vec::new();
    walk_function(sem, function, &mut |body, expr, cx| {
        let Some(origin) = &cx.async_origin else {
            return;
        };
        if !matches!(body.kind(expr), ExprKind::Call { .. } | ExprKind::MethodCall { .. }) {
            return;
        }
        if let Some(api) = sem.executor_call(body, expr) {
            found.push(NestedBlockOn { span: call_span(body, expr), api, origin: origin.clone() });
        }
    });
    found
}

fn report(site: &NestedBlockOn) -> Finding {
    Finding::new(site.span, format!("`{}` runs a nested executor inside an async context", site.api))
        .primary_label("blocks this executor thread until the inner future completes")
        .label(site.origin.span(), site.origin.describe())
        .note("inside a tokio runtime this panics: \"Cannot start a runtime from within a runtime\"; on other executors it can deadlock")
        .help("`.await` the future instead; from sync code called by async code, use `tokio::task::block_in_place` or `spawn_blocking`")
}
