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
