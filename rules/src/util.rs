//! Helpers shared by rules.

use async_lint_analyzer::hir::{Body, ExprId, ExprKind};
use async_lint_analyzer::source::Span;

/// The span a call is reported at: a method call from its name to its closing parenthesis
/// (`.read_to_string(&mut s)`), any other call whole.
pub fn call_span(body: &Body, expr: ExprId) -> Span {
    match body.kind(expr) {
        ExprKind::MethodCall { method_span, .. } => *method_span,
        _ => body.span(expr),
    }
}

/// Whether `inner` is `outer` or lies below it.
pub fn is_within(body: &Body, inner: ExprId, outer: ExprId) -> bool {
    let mut current = Some(inner);
    while let Some(id) = current {
        if id == outer {
            return true;
        }
        current = body.parent(id);
    }
    false
}

use async_lint_analyzer::catalog::GuardKind;
use async_lint_analyzer::guards::{async_bodies, held_guards, GuardOrigin, HeldGuard};
use async_lint_analyzer::RuleContext;

/// Every guard of `kind` alive at an await point, over all async bodies of the file.
pub fn guards_across_awaits(cx: &RuleContext<'_>, kind: GuardKind) -> Vec<HeldGuard> {
    let mut out = Vec::new();
    for function in &cx.hir.functions {
        let Some(body) = &function.body else { continue };
        for (root, params) in async_bodies(function) {
            let held = held_guards(cx.sem, body, root, &params, cx.file.edition);
            out.extend(held.into_iter().filter(|g| g.kind == kind));
        }
    }
    out
}

/// The primary label of a held guard: how long it lives.
pub fn guard_lifetime_label(guard: &HeldGuard, what: &str) -> String {
    match guard.origin {
        GuardOrigin::Binding(_) => format!("this {what} lives until the end of its block"),
        GuardOrigin::Temporary(_) => {
            format!("this temporary {what} lives until the end of the enclosing statement or scrutinee")
        }
    }
}
