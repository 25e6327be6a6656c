//! `nested_runtime`: an executor's `block_on` inside an async context.

use std::collections::HashMap;

use async_lint_analyzer::context::{function_context, walk_function, AsyncOrigin};
use async_lint_analyzer::hir::{
    Block, Body, ExprId, ExprKind, Function, LocalId, LocalOrigin, Resolved, Stmt,
};
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::source::{Pos, Span};
use async_lint_analyzer::ty::Ty;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use crate::util::{call_span, discarded_values, drop_call, Discard};

pub struct NestedRuntime;

static META: RuleMeta = RuleMeta {
    id: "nested_runtime",
    default_level: Level::Deny,
    summary: "`block_on` inside async code, or a tokio `Runtime` dropped there, panics in a tokio runtime or deadlocks the executor.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports running a future to completion with an executor's `block_on` inside an async
context: `futures::executor::block_on`, `pollster::block_on` (and `FutureExt::block_on`),
tokio's `Runtime::block_on`, `Handle::block_on` and `LocalSet::block_on`,
`async_std::task::block_on`, `smol::block_on`, `futures_lite::future::block_on`,
`async_io::block_on`. A `block_on` method called on a value whose type is unknown is reported
too: no async API uses that name. So is a call of a workspace function marked
`#[tokio::main]` (or `#[async_std::main]`, `#[actix_web::main]`..): the attribute makes it a
sync function that builds a runtime and blocks on its body (a sync helper calling one is
`transitive_blocking_call`'s). `block_on` in sync code (a `main` that starts the runtime, a
closure handed to `spawn_blocking`, `block_in_place` or `std::thread::spawn`) is fine and
never reported.

Also reports a tokio `Runtime` that async code drops: with `drop(rt)`, `let _ = ..`, or
`rt.shutdown_timeout(..)` with a non-zero timeout, or at the end of the scope of a `let`
binding (or an async fn's parameter) that is only ever borrowed (`let rt = Runtime::new()?;
rt.spawn(..);`). A runtime that is moved elsewhere (returned, passed on, forgotten, captured by
a closure) or shut down with `shutdown_background()` or a zero timeout is not reported, nor
one whose `block_on` is already reported.",
        why_is_this_bad: "\
Inside a tokio runtime, `Runtime::block_on` and `Handle::block_on` panic with \"Cannot start a
runtime from within a runtime\". The other executors block the worker thread until the inner
future completes; when that future needs the outer runtime (a tokio timer, socket or channel
driven by it) it never completes, and the program deadlocks. Dropping a tokio `Runtime` waits
for its blocking threads, which inside a runtime panics with \"Cannot drop a runtime in a
context where blocking is not allowed\".",
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
    /// A workspace function's runtime attribute (`tokio::main`), when the call is of one.
    entry_attribute: Option<String>,
}

impl Rule for NestedRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            out.extend(find_nested_block_on(cx.sem, function).iter().map(report));
            out.extend(find_runtime_drops(cx, function).iter().map(report_drop));
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
        let span = call_span(body, expr);
        if let Some(api) = sem.executor_call(body, expr) {
            found.push(NestedBlockOn { span, api, origin: origin.clone(), entry_attribute: None });
        } else if let Some((entry, attribute)) = sem.runtime_entry_call(body, expr) {
            let (api, entry_attribute) = (entry.name.clone(), Some(attribute.to_string()));
            found.push(NestedBlockOn { span, api, origin: origin.clone(), entry_attribute });
        }
    });
    found
}

/// A tokio `Runtime` dropped in an async context.
struct RuntimeDrop {
    span: Span,
    how: DropKind,
    origin: AsyncOrigin,
}

/// How a runtime is dropped.
enum DropKind {
    /// By a call or statement at the reported span (`drop(rt)`, `let _ = ..`).
    Explicit,
    /// At the end of the binding's scope: the `}` closing it, when it is known.
    ScopeEnd { closing_brace: Option<Span> },
}

const RUNTIME: &str = "tokio::runtime::Runtime";

/// A `Runtime`, or a `Result`/`Option` holding one (`let rt = Runtime::new();`).
fn holds_runtime(ty: &Ty) -> bool {
    ty.path_str() == Some(RUNTIME) || ty.unwrapped().path_str() == Some(RUNTIME)
}

fn find_runtime_drops(cx: &RuleContext<'_>, function: &Function) -> Vec<RuntimeDrop> {
    let sem = cx.sem;
    let mut found = Vec::new();
    let mut async_exprs: HashMap<ExprId, AsyncOrigin> = HashMap::new();
    walk_function(sem, function, &mut |body, expr, context| {
        let Some(origin) = &context.async_origin else {
            return;
        };
        async_exprs.insert(expr, origin.clone());
        if let Some(runtime) = waiting_shutdown(cx, body, expr) {
            if holds_runtime(&sem.ty_of(body, runtime)) {
                found.push(RuntimeDrop {
                    span: call_span(body, expr),
                    how: DropKind::Explicit,
                    origin: origin.clone(),
                });
            }
        }
    });
    let Some(body) = &function.body else { return found };
    // Values thrown away at once: `Runtime::new()?;`, `let _ = ..`, `drop(Runtime::new()?)`.
    // Bindings are followed below, through every use.
    for (value, discard) in discarded_values(body) {
        let span = match discard {
            Discard::Statement | Discard::LetUnderscore => body.span(value),
            Discard::Dropped { call, forgotten: false } => call,
            Discard::Dropped { forgotten: true, .. } | Discard::UnusedBinding { .. } => continue,
        };
        let Some(origin) = async_exprs.get(&value) else { continue };
        if holds_runtime(&sem.ty_of(body, value)) {
            found.push(RuntimeDrop { span, how: DropKind::Explicit, origin: origin.clone() });
        }
    }
    // A parameter of an async fn is dropped inside its future too.
    let params_origin = function_context(function).async_origin;
    for (index, local) in body.locals.iter().enumerate() {
        let local_id = LocalId(index as u32);
        let origin = match &local.origin {
            LocalOrigin::Let { init: Some(init), path } if path.is_empty() => async_exprs.get(init),
            LocalOrigin::Param => params_origin.as_ref(),
            _ => None,
        };
        let Some(origin) = origin else { continue };
        if !holds_runtime(&sem.local_ty(body, local_id)) {
            continue;
        }
        let drop_site = match binding_end(body, local_id) {
            Some(BindingEnd::Dropped(call)) => {
                RuntimeDrop { span: call, how: DropKind::Explicit, origin: origin.clone() }
            }
            Some(BindingEnd::ScopeEnd) => RuntimeDrop {
                span: local.span,
                how: DropKind::ScopeEnd { closing_brace: closing_brace_of_scope(body, local_id) },
                origin: origin.clone(),
            },
            None => continue,
        };
        found.push(drop_site);
    }
    found
}

/// The runtime `rt` of `rt.shutdown_timeout(d)`, when `d` is not zero (a shutdown that waits).
fn waiting_shutdown(cx: &RuleContext<'_>, body: &Body, expr: ExprId) -> Option<ExprId> {
    match body.kind(expr) {
        ExprKind::MethodCall { receiver, method, args, .. }
            if method == "shutdown_timeout"
                && !args.first().is_some_and(|d| is_zero_duration(cx, body, *d)) =>
        {
            Some(*receiver)
        }
        _ => None,
    }
}

/// `Duration::ZERO` or `Duration::from_*(0)`: a shutdown that does not wait (tokio returns at
/// once for a zero timeout).
fn is_zero_duration(cx: &RuleContext<'_>, body: &Body, expr: ExprId) -> bool {
    match body.kind(expr) {
        ExprKind::Path(Resolved::Item(path)) => path == "std::time::Duration::ZERO",
        ExprKind::Call { callee, args } => {
            let is_constructor = matches!(body.kind(*callee), ExprKind::Path(Resolved::Item(path))
                if path.starts_with("std::time::Duration::from_"));
            is_constructor
                && args.len() == 1
                && matches!(body.kind(args[0]), ExprKind::Lit)
                && is_zero_literal(cx.lines.slice(body.span(args[0])))
        }
        _ => false,
    }
}

/// `0`, `0u64`, `0_000`, `0.0`, `0.0f64` (a decimal zero, with or without a type suffix).
fn is_zero_literal(literal: &str) -> bool {
    let end =
        literal.find(|c: char| !(c.is_ascii_digit() || matches!(c, '_' | '.'))).unwrap_or(literal.len());
    let (number, suffix) = literal.split_at(end);
    number.contains('0')
        && number.chars().all(|c| matches!(c, '0' | '_' | '.'))
        && (suffix.is_empty() || suffix.starts_with(['u', 'i', 'f']))
}

/// Where a binding's value is dropped, when it is dropped where it was bound.
enum BindingEnd {
    /// By `drop(binding)`, at this call.
    Dropped(Span),
    /// Where its scope ends.
    ScopeEnd,
}

/// How a binding ends when every use of it, outside any closure or async block, either borrows
/// it as a method's receiver or passes it to `drop`; `None` when it is moved anywhere else
/// (returned, passed on, forgotten, captured). A `block_on` on it is reported as such, and
/// `shutdown_background` and `shutdown_timeout` take it themselves.
fn binding_end(body: &Body, local: LocalId) -> Option<BindingEnd> {
    let mut dropped_at = None;
    for use_site in body.uses_of(local) {
        if is_captured(body, use_site) {
            return None;
        }
        let parent = body.parent(use_site)?;
        match body.kind(parent) {
            ExprKind::MethodCall { receiver, method, .. }
                if *receiver == use_site
                    && !matches!(
                        method.as_str(),
                        "block_on" | "shutdown_background" | "shutdown_timeout"
                    ) => {}
            _ if drop_call(body, parent) == Some(false) => dropped_at = Some(body.span(parent)),
            _ => return None,
        }
    }
    Some(dropped_at.map_or(BindingEnd::ScopeEnd, BindingEnd::Dropped))
}

/// The `}` closing the block a `let` binding was declared in (a parameter's: the body's).
fn closing_brace_of_scope(body: &Body, local: LocalId) -> Option<Span> {
    let declares = |block: &Block| {
        block
            .stmts
            .iter()
            .any(|stmt| matches!(stmt, Stmt::Let { pat, .. } if pat.bindings().contains(&local)))
    };
    let scope = body
        .exprs
        .iter()
        .position(|expr| matches!(&expr.kind, ExprKind::Block(block) if declares(block)))
        .map(|index| ExprId(index as u32))
        .or(body.root.filter(|_| matches!(body.local(local).origin, LocalOrigin::Param)))?;
    let end = body.span(scope).end;
    let start = Pos { line: end.line, column: end.column.checked_sub(1)? };
    Some(Span { start, end })
}

/// Whether `expr` lies inside a closure or an async block of its body.
fn is_captured(body: &Body, expr: ExprId) -> bool {
    let mut current = body.parent(expr);
    while let Some(id) = current {
        if matches!(body.kind(id), ExprKind::Closure { .. } | ExprKind::Async { .. }) {
            return true;
        }
        current = body.parent(id);
    }
    false
}

fn report_drop(site: &RuntimeDrop) -> Finding {
    let mut finding = match site.how {
        DropKind::Explicit => Finding::new(site.span, "a tokio `Runtime` is dropped inside an async context")
            .primary_label("drops the runtime here"),
        DropKind::ScopeEnd { .. } => Finding::new(
            site.span,
            "this tokio `Runtime` is dropped at the end of its scope, inside an async context",
        )
        .primary_label("dropped when this binding goes out of scope"),
    };
    if let DropKind::ScopeEnd { closing_brace: Some(closing) } = site.how {
        finding = finding.label(closing, "the runtime is dropped here, still inside the async context");
    }
    finding
        .label(site.origin.span(), site.origin.describe())
        .note("dropping a runtime waits for its blocking threads; inside a runtime this panics: \"Cannot drop a runtime in a context where blocking is not allowed\"")
        .help("create and drop the runtime in sync code, call `rt.shutdown_background()`, or drop it on a blocking thread (`tokio::task::spawn_blocking(move || drop(rt))`)")
}

fn report(site: &NestedBlockOn) -> Finding {
    if let Some(attribute) = &site.entry_attribute {
        return report_entry_call(site, attribute);
    }
    // tokio's own `block_on`s check for a runtime on the thread; other executors just block.
    let note = if site.api.starts_with("tokio::") || site.api.starts_with("tokio_test::") {
        "inside a tokio runtime this panics: \"Cannot start a runtime from within a runtime\""
    } else {
        "the worker thread waits for the inner future; if that future needs the outer runtime (its timers, sockets or channels), it never completes and the program deadlocks"
    };
    Finding::new(site.span, format!("`{}` runs a nested executor inside an async context", site.api))
        .primary_label("blocks this executor thread until the inner future completes")
        .label(site.origin.span(), site.origin.describe())
        .note(note)
        .help("`.await` the future instead; from sync code called by async code, use `tokio::task::block_in_place` or `spawn_blocking`")
}

/// A call of a function whose `#[tokio::main]`-style attribute makes it build a runtime.
fn report_entry_call(site: &NestedBlockOn, attribute: &str) -> Finding {
    let note = if attribute.starts_with("tokio::") {
        format!("`#[{attribute}]` makes `{}` a sync function that builds a runtime and blocks on its body; inside a tokio runtime this panics: \"Cannot start a runtime from within a runtime\"", site.api)
    } else {
        format!("`#[{attribute}]` makes `{}` a sync function that starts an executor and blocks this thread on its body", site.api)
    };
    Finding::new(
        site.span,
        format!("`{}` starts a runtime inside an async context: it is a `#[{attribute}]` function", site.api),
    )
    .primary_label("blocks this executor thread until the new runtime's future completes")
    .label(site.origin.span(), site.origin.describe())
    .note(note)
    .help(format!("remove `#[{attribute}]` from `{}` (keep it on `main`) and `.await` the call", site.api))
}

#[cfg(test)]
mod tests {
    use super::is_zero_literal;

    #[test]
    fn zero_literals_are_told_from_other_numbers() {
        for zero in ["0", "0u64", "0_000", "0.0", "0.0f64", "00"] {
            assert!(is_zero_literal(zero), "{zero}");
        }
        for other in ["1", "10", "0.5", "0x10", "0b1", "1e3", "_", ".", "x"] {
            assert!(!is_zero_literal(other), "{other}");
        }
    }
}
