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
use async_lint_analyzer::{Finding, RuleContext};

/// Every guard of one of `kinds` alive at an await point, over all async bodies of the file.
pub fn guards_across_awaits(cx: &RuleContext<'_>, kinds: &[GuardKind]) -> Vec<HeldGuard> {
    let mut out = Vec::new();
    for function in &cx.hir.functions {
        let Some(body) = &function.body else { continue };
        for (root, params) in async_bodies(function) {
            let held = held_guards(cx.sem, body, root, &params, cx.file.edition);
            out.extend(held.into_iter().filter(|g| kinds.contains(&g.kind)));
        }
    }
    out
}

/// A held guard's finding: `message` at where it is taken, with labels on how long it lives,
/// each binding it was moved into, and each await it is alive at (`at_await`).
pub fn guard_finding(guard: &HeldGuard, message: String, what: &str, at_await: &str) -> Finding {
    let primary = match guard.origin {
        GuardOrigin::Binding(_) if !guard.rebindings.is_empty() => format!("this {what} is taken here"),
        GuardOrigin::Binding(_) => format!("this {what} lives until the end of its block"),
        GuardOrigin::Temporary(_) => {
            format!("this temporary {what} lives until the end of the enclosing statement or scrutinee")
        }
        GuardOrigin::ExtendedTemporary(_) => {
            format!("this temporary {what} is borrowed by the `let`, so it lives until the end of the block")
        }
    };
    let mut finding = Finding::new(guard.span, message).primary_label(primary);
    for rebinding in &guard.rebindings {
        finding = finding
            .label(*rebinding, format!("the {what} moves here, and lives until the end of this block"));
    }
    for await_span in &guard.awaits {
        finding = finding.label(*await_span, at_await);
    }
    finding
}

use async_lint_analyzer::hir::{Block, LocalId, Pat, Resolved, Stmt};
use async_lint_analyzer::source::LineIndex;

/// How a value is thrown away.
#[derive(Clone, Debug)]
pub enum Discard {
    /// `value;`
    Statement,
    /// `let _ = value;`
    LetUnderscore,
    /// `drop(value)` / `std::mem::forget(value)`, with the call's span.
    Dropped { call: Span, forgotten: bool },
    /// `let name = value;` and `name` is never used, or only passed to `drop`/`forget`.
    UnusedBinding { local: LocalId, dropped_at: Option<Span> },
}

/// Every value of a body that is thrown away without being used: `(value, how)`.
pub fn discarded_values(body: &Body) -> Vec<(ExprId, Discard)> {
    let mut out = Vec::new();
    for (index, expr) in body.exprs.iter().enumerate() {
        let id = ExprId(index as u32);
        match &expr.kind {
            ExprKind::Block(block) => {
                for stmt in &block.stmts {
                    match stmt {
                        Stmt::Expr { expr, semi: true } => {
                            out.extend(branch_values(body, *expr).map(|value| (value, Discard::Statement)))
                        }
                        Stmt::Let { pat: Pat::Wild, init: Some(init), .. } => out
                            .extend(branch_values(body, *init).map(|value| (value, Discard::LetUnderscore))),
                        Stmt::Let { pat: Pat::Binding { local, .. }, init: Some(init), .. } => {
                            if let Some(dropped_at) = unused_except_drop(body, *local) {
                                out.push((*init, Discard::UnusedBinding { local: *local, dropped_at }));
                            }
                        }
                        _ => {}
                    }
                }
            }
            ExprKind::Call { args, .. } => {
                if let (Some(forgotten), [arg]) = (drop_call(body, id), args.as_slice()) {
                    if !matches!(body.kind(*arg), ExprKind::Local(_)) {
                        out.push((*arg, Discard::Dropped { call: expr.span, forgotten }));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The values an expression can end with: each branch's of an `if` or `match` (and a plain
/// block's tail), since discarding the whole discards whichever branch ran; else itself.
fn branch_values(body: &Body, expr: ExprId) -> impl Iterator<Item = ExprId> {
    let mut values = Vec::new();
    let mut pending = vec![expr];
    while let Some(expr) = pending.pop() {
        match body.kind(expr) {
            ExprKind::If { then_branch, else_branch, .. } => {
                pending.extend(else_branch);
                pending.push(*then_branch);
            }
            ExprKind::Match { arms, .. } => pending.extend(arms.iter().rev().map(|arm| arm.body)),
            ExprKind::Block(Block { tail: Some(tail), .. }) => pending.push(*tail),
            _ => values.push(expr),
        }
    }
    values.into_iter()
}

/// Whether `expr` is one of the values [`branch_values`] finds below a discarded `if`,
/// `match` or block, rather than the discarded statement or `let` value itself.
pub fn is_branch_value(body: &Body, expr: ExprId) -> bool {
    match body.parent(expr).map(|parent| body.kind(parent)) {
        Some(ExprKind::Match { scrutinee, .. }) => *scrutinee != expr,
        Some(ExprKind::If { cond, .. }) => *cond != expr,
        Some(ExprKind::Block(block)) => block.tail == Some(expr),
        _ => false,
    }
}

/// `Some(false)` for `drop(..)`, `Some(true)` for `std::mem::forget(..)`.
pub fn drop_call(body: &Body, call: ExprId) -> Option<bool> {
    let ExprKind::Call { callee, .. } = body.kind(call) else { return None };
    match body.kind(*callee) {
        ExprKind::Path(Resolved::Item(path)) if path == "std::mem::drop" => Some(false),
        ExprKind::Path(Resolved::Item(path)) if path == "std::mem::forget" => Some(true),
        _ => None,
    }
}

/// `Some(drop site)` when `local` is never used, or used only as the argument of
/// `drop`/`forget`; `None` when it is used.
fn unused_except_drop(body: &Body, local: LocalId) -> Option<Option<Span>> {
    let mut dropped_at = None;
    for use_site in body.uses_of(local) {
        let parent = body.parent(use_site)?;
        drop_call(body, parent)?;
        dropped_at = Some(body.span(parent));
    }
    Some(dropped_at)
}

/// The callee of a call, for primary spans: `tokio::spawn` in `tokio::spawn(async { .. })`,
/// `spawn` in `ex.spawn(..)`.
pub fn callee_span(body: &Body, call: ExprId) -> Span {
    match body.kind(call) {
        ExprKind::Call { callee, .. } => body.span(*callee),
        ExprKind::MethodCall { method, method_span, .. } => {
            let mut end = method_span.start;
            end.column += method.chars().count() as u32;
            Span { start: method_span.start, end }
        }
        ExprKind::Async { header, .. } => *header,
        _ => body.span(call),
    }
}

/// Source text of a span on one line, shortened for `help:` lines. A method chain written
/// over several lines is joined (`client.post(url).send()`), without its line comments.
pub fn snippet(lines: &LineIndex, span: Span) -> String {
    let joined = one_line(lines.slice(span));
    if joined.chars().count() > 60 {
        let head: String = joined.chars().take(40).collect();
        format!("{}..", head.trim_end())
    } else {
        joined
    }
}

/// The lines of `text` trimmed, cut at their line comments and joined: with nothing between
/// them before a `.` or `?` that continues a chain, after an opening bracket or before a
/// closing one, else with a space.
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let code = without_line_comment(line).trim();
        if code.is_empty() {
            continue;
        }
        if code.starts_with([')', ']']) && out.ends_with(',') {
            // A trailing comma before the closing bracket reads oddly on one line.
            out.pop();
        }
        if !out.is_empty() && !code.starts_with(['.', '?', ')', ']']) && !out.ends_with(['(', '[']) {
            out.push(' ');
        }
        out.push_str(code);
    }
    out
}

/// `line` up to a `//` that is not inside a string literal.
fn without_line_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '/' if !in_string && line[at..].starts_with("//") => return &line[..at],
            _ => {}
        }
    }
    line
}

use async_lint_analyzer::hir::Function;

/// Whether `.await` can be written at `expr`: its nearest enclosing closure or block is async
/// (an async fn's body, an async block or async closure), not a sync closure.
pub fn awaitable_at(body: &Body, function: &Function, expr: ExprId) -> bool {
    let mut current = body.parent(expr);
    while let Some(id) = current {
        match body.kind(id) {
            ExprKind::Closure { is_async, .. } => return *is_async,
            ExprKind::Async { .. } => return true,
            _ => current = body.parent(id),
        }
    }
    function.is_async
}

impl Discard {
    /// How a task's handle is thrown away: `Some(None)` at once (`spawn(..);`, `let _ =`),
    /// `Some(Some(call))` by `drop(..)` (and by `forget(..)` when `forget_discards`); `None`
    /// when it is kept (a named binding keeps a handle alive to the end of its scope).
    pub fn handle_discard(&self, forget_discards: bool) -> Option<Option<Span>> {
        match self {
            Discard::Statement | Discard::LetUnderscore => Some(None),
            Discard::Dropped { forgotten: true, .. } if !forget_discards => None,
            Discard::Dropped { call, .. } => Some(Some(*call)),
            Discard::UnusedBinding { .. } => None,
        }
    }
}

use async_lint_analyzer::context::walk_function;
use async_lint_analyzer::hir::MacroKind;
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::tasks::{handler_leaves_loop, loop_keyword_span};

/// A `select!` branch's future, where the select runs.
pub struct RacedBranch {
    pub future: ExprId,
    /// The keyword span of the innermost loop that re-runs the select (`None` outside loops).
    pub loop_span: Option<Span>,
    /// That loop.
    pub loop_expr: Option<ExprId>,
    /// Whether every other branch's handler leaves that loop: this branch's future is then
    /// created anew only after it completed.
    pub others_leave_loop: bool,
}

/// Every `select!` branch of a function (those outside loops only when `outside_loops`).
pub fn select_branches(sem: &Semantics<'_>, function: &Function, outside_loops: bool) -> Vec<RacedBranch> {
    let mut found = Vec::new();
    walk_function(sem, function, &mut |body, expr, cx| {
        let ExprKind::Macro(call) = body.kind(expr) else { return };
        let MacroKind::Select(select) = &call.kind else { return };
        let loop_expr = cx.loops.last().copied();
        let loop_span = match loop_expr {
            Some(innermost) => Some(loop_keyword_span(body, innermost)),
            None if outside_loops => None,
            None => return,
        };
        let leaves: Vec<bool> =
            select.branches.iter().map(|b| handler_leaves_loop(body, b.handler)).collect();
        found.extend(select.branches.iter().enumerate().map(|(i, branch)| RacedBranch {
            future: branch.future,
            loop_span,
            loop_expr,
            others_leave_loop: leaves.iter().enumerate().all(|(j, leaves)| j == i || *leaves),
        }));
    });
    found
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn a_chain_over_several_lines_reads_as_one_without_comments() {
        let chain = "client // the shared client\n        .post(\"http://x\")\n        .send()";
        assert_eq!(one_line(chain), "client.post(\"http://x\").send()");
        assert_eq!(one_line("tx.send(\"a // b\\\" c\") // sends"), "tx.send(\"a // b\\\" c\")");
        assert_eq!(one_line("join(\n    a(),\n    b(),\n)"), "join(a(), b())");
    }
}
