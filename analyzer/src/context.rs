//! Async contexts: which code runs as part of a future on an executor thread.
//!
//! Async: the body of an `async fn`, an `async` block (also inside a sync fn), an async
//! closure, and a plain closure written inside an async context (it runs inline, e.g. in
//! `iter().map(..)`). Not async: nested `fn` items (they are separate functions), and
//! closures handed to an offloading API (`spawn_blocking`, `std::thread::spawn`, ...), which
//! run on another thread, or kept for later (`Box::new(|| ..)`, a struct field, a panic hook,
//! a workspace function's `'static` parameter).

use crate::hir::*;
use crate::semantics::Semantics;
use crate::source::Span;

/// Why code is in an async context, for labels ("this async fn runs on the executor").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AsyncOrigin {
    AsyncFn {
        name: String,
        span: Span,
    },
    AsyncBlock {
        span: Span,
    },
    /// An `async_stream::stream!` body: polled whenever its stream is.
    StreamBody {
        span: Span,
    },
    AsyncClosure {
        span: Span,
    },
    /// A `poll*` method of a `Future`/`Stream`/`AsyncRead`/... impl: it runs on the executor
    /// each time the task is polled.
    PollFn {
        name: String,
        span: Span,
    },
}

impl AsyncOrigin {
    pub fn span(&self) -> Span {
        match self {
            AsyncOrigin::AsyncFn { span, .. }
            | AsyncOrigin::AsyncBlock { span }
            | AsyncOrigin::StreamBody { span }
            | AsyncOrigin::AsyncClosure { span }
            | AsyncOrigin::PollFn { span, .. } => *span,
        }
    }

    /// A label for the origin's span.
    pub fn describe(&self) -> String {
        match self {
            AsyncOrigin::AsyncFn { name, .. } => {
                format!("the async fn `{name}` runs on an executor thread")
            }
            AsyncOrigin::AsyncBlock { .. } => "this async block runs on an executor thread".to_string(),
            AsyncOrigin::StreamBody { .. } => "this stream's body runs on an executor thread".to_string(),
            AsyncOrigin::AsyncClosure { .. } => "this async closure runs on an executor thread".to_string(),
            AsyncOrigin::PollFn { name, .. } => {
                format!("`{name}` runs on an executor thread each time it is polled")
            }
        }
    }
}

/// The context of one expression.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// `Some` when the expression runs as part of a future.
    pub async_origin: Option<AsyncOrigin>,
    /// The innermost loops around the expression within the same async context (outermost first).
    pub loops: Vec<ExprId>,
    /// Inside a closure handed to an offloading API (`spawn_blocking`, `std::thread::spawn`):
    /// it runs on another thread, not in its function's caller.
    pub offloaded: bool,
}

impl Context {
    pub fn is_async(&self) -> bool {
        self.async_origin.is_some()
    }

    fn entering(origin: Option<AsyncOrigin>) -> Context {
        Context { async_origin: origin, loops: Vec::new(), offloaded: false }
    }
}

/// Traits whose `poll*` methods are called by the executor.
pub(crate) const POLLED_TRAITS: &[&str] =
    &["Future", "Stream", "AsyncRead", "AsyncWrite", "AsyncBufRead", "AsyncSeek", "Sink", "FusedStream"];

/// The starting context of a function body.
pub fn function_context(function: &Function) -> Context {
    let name = function.name.clone();
    let span = function.signature_span;
    let origin = if function.is_async {
        Some(AsyncOrigin::AsyncFn { name, span })
    } else if is_poll_method(function) {
        Some(AsyncOrigin::PollFn { name, span })
    } else {
        None
    };
    Context::entering(origin)
}

fn is_poll_method(function: &Function) -> bool {
    let FnOwner::Impl { trait_path: Some(trait_path), .. } = &function.owner else { return false };
    let trait_name = trait_path.rsplit("::").next().unwrap_or(trait_path);
    function.name.starts_with("poll") && POLLED_TRAITS.contains(&trait_name)
}

/// Walks every expression of a function body in source order, with its context.
pub fn walk_function(sem: &Semantics, function: &Function, visit: &mut dyn FnMut(&Body, ExprId, &Context)) {
    let Some(body) = &function.body else { return };
    let Some(root) = body.root else { return };
    // Several rules walk each function: the order and contexts are worked out once per file.
    let walk = sem.remembered_walk(body, || WalkOrder::of(sem, body, root, &function_context(function)));
    for &(expr, context) in &walk.order {
        visit(body, expr, &walk.contexts[context]);
    }
}

/// A body's expressions in walk order, each with its context (an index into `contexts`).
#[derive(Debug, Default)]
pub struct WalkOrder {
    contexts: Vec<Context>,
    order: Vec<(ExprId, usize)>,
}

impl WalkOrder {
    /// Walks `expr` and everything below it, starting in context `cx`.
    fn of(sem: &Semantics, body: &Body, expr: ExprId, cx: &Context) -> WalkOrder {
        // Most expressions share their parent's context: each distinct context is stored
        // once, and the explicit stack (bodies can nest deeply) holds its index.
        let mut walk = WalkOrder { contexts: vec![cx.clone()], order: Vec::with_capacity(body.exprs.len()) };
        let mut stack: Vec<(ExprId, usize)> = vec![(expr, 0)];
        let mut children: Vec<ExprId> = Vec::new();
        // Closure arguments of offloading calls, also those inside a block argument
        // (`spawn({ let tx = tx.clone(); move || .. })`).
        let mut offloaded_closures: Vec<ExprId> = Vec::new();
        // Closures kept for later (see below).
        let mut kept_closures: Vec<ExprId> = Vec::new();
        while let Some((id, context)) = stack.pop() {
            walk.order.push((id, context));
            children.clear();
            for_each_child(body.kind(id), |child| children.push(child));
            // Offloading only changes the context of closure arguments; most calls have none.
            let closures = || children.iter().filter_map(|c| body.closure_value(*c));
            if closures().next().is_some() && sem.is_offload_call(body, id) {
                offloaded_closures.extend(closures());
            }
            // A closure boxed, shared or stored in a struct is kept for later: where it runs is
            // not known, so its code is not taken to run in this async context.
            if closures().next().is_some()
                && (matches!(body.kind(id), ExprKind::Struct { .. }) || sem.is_closure_keeping_call(body, id))
            {
                kept_closures.extend(closures());
            } else if closures().next().is_some() {
                // A workspace function taking the closure as `'static` keeps it too.
                let kept = children.iter().filter(|&&c| sem.callee_keeps_argument(body, id, c));
                kept_closures.extend(kept.filter_map(|&c| body.closure_value(c)));
            }
            for &child in children.iter().rev() {
                let offloaded = offloaded_closures.contains(&child) || offloaded_later(sem, body, child);
                let kept = kept_closures.contains(&child);
                let child_context =
                    match child_context(body, id, child, &walk.contexts[context], offloaded, kept) {
                        Some(changed) => {
                            walk.contexts.push(changed);
                            walk.contexts.len() - 1
                        }
                        None => context,
                    };
                stack.push((child, child_context));
            }
        }
        walk
    }
}

/// `let work = move || ..; spawn_blocking(work)`: a closure bound to a local that is handed
/// to an offloading call runs on another thread, like one written in the call.
fn offloaded_later(sem: &Semantics, body: &Body, expr: ExprId) -> bool {
    if !matches!(body.kind(expr), ExprKind::Closure { is_async: false, .. }) {
        return false;
    }
    let Some(local) = let_binding_of(body, expr) else {
        return false;
    };
    body.uses_of(local).any(|use_site| {
        body.parent(use_site)
            .is_some_and(|call| is_argument(body, call, use_site) && sem.is_offload_call(body, call))
    })
}

/// The local that `let x = expr;` binds `expr` to.
fn let_binding_of(body: &Body, expr: ExprId) -> Option<LocalId> {
    let ExprKind::Block(block) = body.kind(body.parent(expr)?) else {
        return None;
    };
    block.stmts.iter().find_map(|stmt| match stmt {
        Stmt::Let { pat: Pat::Binding { local, .. }, init: Some(init), .. } if *init == expr => Some(*local),
        _ => None,
    })
}

fn is_argument(body: &Body, call: ExprId, arg: ExprId) -> bool {
    match body.kind(call) {
        ExprKind::Call { args, .. } | ExprKind::MethodCall { args, .. } => args.contains(&arg),
        _ => false,
    }
}

/// The context of `child` when it differs from its parent's context `cx`.
fn child_context(
    body: &Body,
    parent: ExprId,
    child: ExprId,
    cx: &Context,
    parent_offloads: bool,
    kept_for_later: bool,
) -> Option<Context> {
    match body.kind(child) {
        ExprKind::Async { header, is_stream, .. } => {
            let origin = match is_stream {
                true => AsyncOrigin::StreamBody { span: *header },
                false => AsyncOrigin::AsyncBlock { span: *header },
            };
            return Some(Context::entering(Some(origin)));
        }
        ExprKind::Closure { is_async: true, header, .. } => {
            return Some(Context::entering(Some(AsyncOrigin::AsyncClosure { span: *header })))
        }
        ExprKind::Closure { .. } if parent_offloads => {
            return Some(Context { async_origin: None, loops: Vec::new(), offloaded: true })
        }
        ExprKind::Closure { is_async: false, .. } if kept_for_later => {
            return Some(Context { async_origin: None, loops: Vec::new(), offloaded: false })
        }
        // A closure is its own loop scope: a loop around its definition does not re-run it.
        ExprKind::Closure { .. } if !cx.loops.is_empty() => {
            return Some(Context { loops: Vec::new(), ..cx.clone() })
        }
        _ => {}
    }
    // What a loop re-runs: its body, and a `while` loop's condition.
    let is_rerun = match body.kind(parent) {
        ExprKind::Loop { body: b, .. } | ExprKind::For { body: b, .. } => *b == child,
        ExprKind::While { cond, body: b, .. } => *b == child || *cond == child,
        _ => false,
    };
    is_rerun.then(|| {
        let mut next = cx.clone();
        next.loops.push(parent);
        next
    })
}
