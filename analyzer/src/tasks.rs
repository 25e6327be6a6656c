//! Cancellation and shutdown: what a `select!` branch races, whether it is cancel safe or a
//! timer that restarts with every iteration, and whether a task's loop can ever end.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::hir::*;
use crate::index::CrateIndex;
use crate::semantics::Semantics;
use crate::source::Span;

/// A branch future that loses work when it is cancelled.
#[derive(Clone, Debug)]
pub struct CancelUnsafe {
    pub method: String,
    /// What a cancelled branch loses.
    pub lost: &'static str,
    /// What to write instead.
    pub instead: &'static str,
}

/// Where an async fn's endless loop is: `(display path, span of the loop)`.
pub type EndlessLoops = HashMap<String, (String, Span)>;

impl<'a> Semantics<'a> {
    /// The future a branch races or a task runs, through `.fuse()`, `.boxed()`,
    /// `Box::pin(..)` and tracing's `.instrument(span)`/`.in_current_span()`.
    pub fn strip_future_wrappers(&self, body: &Body, mut expr: ExprId) -> ExprId {
        loop {
            expr = match body.kind(expr) {
                ExprKind::MethodCall { receiver, method, args, .. }
                    if args.is_empty()
                        && matches!(
                            method.as_str(),
                            "fuse" | "boxed" | "boxed_local" | "in_current_span"
                        ) =>
                {
                    *receiver
                }
                ExprKind::MethodCall { receiver, method, args, .. }
                    if args.len() == 1 && method == "instrument" =>
                {
                    *receiver
                }
                ExprKind::Call { callee, args }
                    if args.len() == 1
                        && (self.is_pin_constructor(body, *callee) || is_wrapper_function(body, *callee)) =>
                {
                    args[0]
                }
                _ => return expr,
            };
        }
    }

    fn is_pin_constructor(&self, body: &Body, callee: ExprId) -> bool {
        matches!(body.kind(callee), ExprKind::Path(Resolved::Item(p)) if p == "std::boxed::Box::pin" || p == "std::pin::Pin::from")
    }

    /// Whether a branch future is created by an operation documented as not cancel safe
    /// (also as the inner future of `timeout(d, fut)`).
    pub fn cancel_unsafe_operation(&self, body: &Body, future: ExprId) -> Option<CancelUnsafe> {
        let future = self.strip_future_wrappers(body, future);
        match body.kind(future) {
            ExprKind::Call { args, .. } => {
                let timer = self.timer_call(body, future)?;
                let inner = (timer.ends_with("timeout") || timer.ends_with("timeout_at"))
                    .then(|| args.get(1))
                    .flatten()?;
                self.cancel_unsafe_operation(body, *inner)
            }
            ExprKind::MethodCall { receiver, method, args, .. } => {
                let chain = self.deref_chain(&self.ty_of(body, *receiver));
                let typed_entry = chain
                    .iter()
                    .filter_map(|t| t.path_str())
                    .find_map(|p| self.catalog.not_cancel_safe_on(p, method));
                if let Some((lost, instead)) = typed_entry {
                    return Some(CancelUnsafe { method: method.clone(), lost, instead });
                }
                let (lost, instead) = self.catalog.not_cancel_safe(method)?;
                let is_lock_access =
                    matches!(method.as_str(), "read" | "write" | "read_owned" | "write_owned");
                if is_lock_access && !args.is_empty() {
                    // `read(&mut buf)` / `write(buf)`: the I/O methods, which are cancel safe.
                    return None;
                }
                let typed_as =
                    |check: &dyn Fn(&str) -> bool| chain.iter().any(|t| t.path_str().is_some_and(check));
                if typed_as(&|p| self.index.is_local_type(p)) {
                    return None;
                }
                if method == "send" && typed_as(&|p| self.catalog.is_cancel_safe_sender(p)) {
                    return None;
                }
                Some(CancelUnsafe { method: method.clone(), lost, instead })
            }
            _ => None,
        }
    }

    /// The timer a branch future creates inline (`tokio::time::sleep(d)`), by canonical path.
    pub fn timer_call(&self, body: &Body, future: ExprId) -> Option<String> {
        let future = self.strip_future_wrappers(body, future);
        let ExprKind::Call { callee, .. } = body.kind(future) else { return None };
        let ExprKind::Path(Resolved::Item(path)) = body.kind(*callee) else { return None };
        self.catalog.is_timer(path).then(|| path.clone())
    }

    /// The first `loop` in the body starting at `root` (not inside closures or inner async
    /// blocks) that nothing can end: no `break` leaving it, no `return`, no `?`, and no
    /// `select!` branch racing a shutdown source.
    pub fn endless_loop(&self, body: &Body, root: ExprId) -> Option<ExprId> {
        own_exprs(body, root).into_iter().find(|id| {
            matches!(body.kind(*id), ExprKind::Loop { .. })
                && !loop_can_exit(body, *id)
                && !self.races_shutdown(body, *id)
        })
    }

    fn races_shutdown(&self, body: &Body, loop_expr: ExprId) -> bool {
        own_exprs(body, loop_expr).into_iter().any(|id| {
            let ExprKind::Macro(call) = body.kind(id) else { return false };
            let MacroKind::Select(select) = &call.kind else { return false };
            select.branches.iter().any(|branch| self.is_shutdown_source(body, branch.future))
        })
    }

    /// `token.cancelled()`, `rx.recv()`, `watch.changed()`, `signal::ctrl_c()`, or a pinned
    /// receiver (`&mut shutdown_rx`) whose type is not a timer.
    fn is_shutdown_source(&self, body: &Body, future: ExprId) -> bool {
        let future = self.strip_future_wrappers(body, future);
        match body.kind(future) {
            ExprKind::MethodCall { method, .. } => self.catalog.is_shutdown_method(method),
            ExprKind::Call { callee, .. } => {
                matches!(body.kind(*callee), ExprKind::Path(Resolved::Item(p)) if self.catalog.is_shutdown_function(p))
            }
            ExprKind::Ref(inner) | ExprKind::Deref(inner) => self.is_shutdown_source(body, *inner),
            ExprKind::Local(_) => {
                let ty = self.ty_of(body, future);
                let is_timer = self.deref_chain(&ty).iter().any(|t| {
                    t.path_str().is_some_and(|p| matches!(p, "tokio::time::Sleep" | "tokio::time::Interval"))
                });
                !is_timer
            }
            _ => false,
        }
    }
}

/// Whether something inside `loop_expr` leaves it: `return`, `?`, or a `break` aimed at it.
fn loop_can_exit(body: &Body, loop_expr: ExprId) -> bool {
    let ExprKind::Loop { body: inner, label } = body.kind(loop_expr) else { return true };
    // (expression, number of loops between it and `loop_expr`)
    let mut stack = vec![(*inner, 0u32)];
    while let Some((id, nesting)) = stack.pop() {
        match body.kind(id) {
            ExprKind::Return(_) | ExprKind::Try(_) => return true,
            ExprKind::Break { label: None, .. } if nesting == 0 => return true,
            ExprKind::Break { label: Some(target), .. } if label.as_ref() == Some(target) => return true,
            ExprKind::Closure { .. } | ExprKind::Async { .. } => continue,
            _ => {}
        }
        let is_loop =
            matches!(body.kind(id), ExprKind::Loop { .. } | ExprKind::While { .. } | ExprKind::For { .. });
        for child in body.children(id) {
            stack.push((child, nesting + u32::from(is_loop)));
        }
    }
    false
}

/// Whether a `select!` branch's handler always leaves the loop around the `select!`: it is,
/// or ends in, a `break` or a `return` (`=> break`, `=> { cleanup(); return Ok(()); }`).
pub fn handler_leaves_loop(body: &Body, handler: ExprId) -> bool {
    let mut expr = handler;
    loop {
        match body.kind(expr) {
            ExprKind::Break { .. } | ExprKind::Return(_) => return true,
            ExprKind::Block(block) => {
                let last = match (block.tail, block.stmts.last()) {
                    (Some(tail), _) => tail,
                    (None, Some(Stmt::Expr { expr, .. })) => *expr,
                    _ => return false,
                };
                expr = last;
            }
            _ => return false,
        }
    }
}

/// The expressions under `root` that run as part of it, not inside closures or async blocks.
pub fn own_exprs(body: &Body, root: ExprId) -> Vec<ExprId> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        out.push(id);
        for child in body.children(id) {
            if !matches!(body.kind(child), ExprKind::Closure { .. } | ExprKind::Async { .. }) {
                stack.push(child);
            }
        }
    }
    out.sort();
    out
}

/// The span of a loop's keyword (or label), for labels on multi-line loops.
pub fn loop_keyword_span(body: &Body, loop_expr: ExprId) -> Span {
    let span = body.span(loop_expr);
    let width = match body.kind(loop_expr) {
        ExprKind::Loop { label: Some(l), .. }
        | ExprKind::While { label: Some(l), .. }
        | ExprKind::For { label: Some(l), .. } => l.chars().count() + 1,
        ExprKind::Loop { .. } => 4,
        ExprKind::While { .. } => 5,
        ExprKind::For { .. } => 3,
        _ => return span,
    };
    let mut end = span.start;
    end.column += width as u32;
    Span { start: span.start, end }
}

/// The workspace's async fns whose bodies run an endless loop, for tasks spawned from them.
pub fn endless_async_fns(
    files: &[(usize, &FileHir, &str)],
    index: &CrateIndex,
    catalog: &Catalog,
) -> EndlessLoops {
    files
        .par_iter()
        .with_max_len(1)
        .flat_map_iter(|(_, hir, display)| {
            let sem = Semantics::new(catalog, index, hir);
            hir.functions
                .iter()
                .filter(|f| f.is_async)
                .filter_map(|f| {
                    let body = f.body.as_ref()?;
                    let found = sem.endless_loop(body, body.root?)?;
                    Some((f.path.clone(), (display.to_string(), loop_keyword_span(body, found))))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The wrapping methods called as functions: `FutureExt::fuse(fut)`, `futures::future::FutureExt::boxed(fut)`.
fn is_wrapper_function(body: &Body, callee: ExprId) -> bool {
    let ExprKind::Path(Resolved::Item(path)) = body.kind(callee) else { return false };
    let mut segments = path.rsplit("::");
    let (Some(method), Some(owner)) = (segments.next(), segments.next()) else { return false };
    owner == "FutureExt" && matches!(method, "fuse" | "boxed" | "boxed_local")
}
