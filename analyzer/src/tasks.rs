//! Cancellation and shutdown: what a `select!` branch races, whether it is cancel safe or a
//! timer that restarts with every iteration, and whether a task's loop can ever end.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::hir::*;
use crate::index::CrateIndex;
use crate::semantics::Semantics;
use crate::source::Span;
use crate::ty::Ty;

/// A branch future that loses work when it is cancelled.
#[derive(Clone, Debug)]
pub struct CancelUnsafe {
    pub method: String,
    /// What a cancelled branch loses.
    pub lost: &'static str,
    /// What to write instead.
    pub instead: &'static str,
    /// For a workspace async fn: the operation inside it that is not cancel safe.
    pub via: Option<CancelUnsafeFn>,
}

/// Why a workspace async fn is not cancel safe: the not-cancel-safe operation it awaits on
/// state that outlives its future (a parameter, `self`, what they point to), directly or
/// through the workspace async fns it awaits.
#[derive(Clone, Debug)]
pub struct CancelUnsafeFn {
    pub operation: String,
    pub lost: &'static str,
    pub instead: &'static str,
    /// Where the operation is awaited: display path and span.
    pub file: String,
    pub span: Span,
    /// The async fns awaited on the way to it, outermost first (empty when it is direct).
    pub through: Vec<String>,
    /// When the state is a generic parameter taken by value (`mut reader: R`): its position
    /// (`self` first). A call is then unsafe only where it passes a borrow there
    /// (`read_frame(&mut stream)`); a value it hands over dies with the future.
    pub borrowed_argument: Option<usize>,
}

/// The workspace's async fns that are not cancel safe, by canonical path.
pub type CancelUnsafeFns = HashMap<String, CancelUnsafeFn>;

/// Where an async fn's endless loop is: `(display path, span of the loop)`.
pub type EndlessLoops = HashMap<String, (String, Span)>;

/// Where a spawned task's endless loop is.
#[derive(Clone, Debug)]
pub enum EndlessAt {
    /// In the task's async block, in the file being checked.
    Here(Span),
    /// In `function`, which the task runs.
    Elsewhere { function: String, file: String, line: u32 },
}

/// Workspace functions that spawn a task with an endless loop and return its handle
/// (`fn start_cleanup(..) -> JoinHandle<()> { tokio::spawn(async move { loop { .. } }) }`):
/// where the loop is, `(display path, line)`.
pub type EndlessHandles = HashMap<String, (String, u32)>;

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
        if let Some(found) = self.cancel_unsafe_crate_fn(body, future) {
            return Some(found);
        }
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
                    return Some(CancelUnsafe { method: method.clone(), lost, instead, via: None });
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
                Some(CancelUnsafe { method: method.clone(), lost, instead, via: None })
            }
            _ => None,
        }
    }

    /// Whether a spawned task (an async block, or a call of a workspace async fn) runs an
    /// endless loop, and where: its own loop, or one it ends by awaiting
    /// (`async move { worker.run().await }`).
    pub fn endless_task(&self, body: &Body, task: ExprId) -> Option<EndlessAt> {
        match body.kind(task) {
            ExprKind::Async { body: block, .. } => {
                if let Some(found) = self.endless_loop(body, *block) {
                    return Some(EndlessAt::Here(loop_keyword_span(body, found)));
                }
                // `async move { worker.run().await }`: the block ends by awaiting an endless callee.
                let awaited = final_await(body, *block)?;
                let exits_early = own_exprs(body, *block)
                    .into_iter()
                    .any(|id| matches!(body.kind(id), ExprKind::Return(_) | ExprKind::Try(_)));
                if exits_early {
                    return None;
                }
                self.endless_callee(body, self.strip_future_wrappers(body, awaited))
            }
            _ => self.endless_callee(body, task),
        }
    }

    /// A call of a workspace `async fn` or method whose body runs an endless loop: a function by
    /// path (`run(state)`), or a method by the receiver's type (`worker.run()`).
    fn endless_callee(&self, body: &Body, call: ExprId) -> Option<EndlessAt> {
        let path = match body.kind(call) {
            ExprKind::Call { callee, .. } => match body.kind(*callee) {
                ExprKind::Path(Resolved::Item(path)) => path.clone(),
                _ => return None,
            },
            ExprKind::MethodCall { receiver, method, .. } => {
                self.crate_method(body, *receiver, method)?.path.clone()
            }
            _ => return None,
        };
        let (file, span) = self.index.endless_loop(&path)?;
        let function = path.rsplit("::").next().unwrap_or(&path).to_string();
        Some(EndlessAt::Elsewhere { function, file: file.clone(), line: span.start.line })
    }

    /// A call of a workspace async fn that is not cancel safe (see [`cancel_unsafe_async_fns`]).
    fn cancel_unsafe_crate_fn(&self, body: &Body, call: ExprId) -> Option<CancelUnsafe> {
        // Empty while the workspace pass itself runs, and in most workspaces.
        if !self.index.has_cancel_unsafe_fns() {
            return None;
        }
        let path = self.called_async_fn(body, call)?;
        let via = self.index.cancel_unsafe_fn(&path)?;
        if let Some(position) = via.borrowed_argument {
            // A generic taken by value: only a borrow passed there leaves the caller's state
            // half done.
            let input = match body.kind(call) {
                ExprKind::Call { args, .. } => args.get(position).copied(),
                ExprKind::MethodCall { receiver, args, .. } => match position {
                    0 => Some(*receiver),
                    _ => args.get(position - 1).copied(),
                },
                _ => None,
            };
            if !input.is_some_and(|input| is_borrow_value(body, input)) {
                return None;
            }
        }
        let name = path.rsplit("::").next().unwrap_or(&path).to_string();
        Some(CancelUnsafe { method: name, lost: via.lost, instead: via.instead, via: Some(via.clone()) })
    }

    /// The workspace async fn a call reaches.
    fn called_async_fn(&self, body: &Body, call: ExprId) -> Option<String> {
        let sig = self.called_crate_function(body, call)?;
        sig.is_async.then(|| sig.path.clone())
    }

    /// The workspace function a call reaches: by path, or a method by the receiver's type
    /// (see [`Semantics::crate_method`]).
    pub fn called_crate_function(&self, body: &Body, call: ExprId) -> Option<&'a crate::index::FnSig> {
        match body.kind(call) {
            ExprKind::Call { callee, .. } => match body.kind(*callee) {
                ExprKind::Path(Resolved::Item(path)) => self.index.function(path),
                _ => None,
            },
            ExprKind::MethodCall { receiver, method, .. } => self.crate_method(body, *receiver, method),
            _ => None,
        }
    }

    /// What an async fn awaits that stops it being cancel safe, in body order: a
    /// data-losing operation on the caller's state, or a call of a workspace async fn that
    /// is given some of that state (to be resolved against the others).
    fn cancel_unsafe_awaits(&self, body: &Body, root: ExprId) -> Vec<AwaitedStep> {
        let mut steps = Vec::new();
        for id in own_exprs(body, root) {
            let ExprKind::Await(awaited) = body.kind(id) else { continue };
            let awaited = self.strip_future_wrappers(body, *awaited);
            if let Some(op) = self.cancel_unsafe_operation(body, awaited) {
                let receiver = self.operation_receiver(body, awaited);
                let root = receiver.and_then(|r| caller_state(body, r, 0));
                if let (true, Some(root)) = (self.catalog.loses_data_when_cancelled(&op.method), root) {
                    steps.push(AwaitedStep::Operation { op, span: body.span(awaited), root });
                }
                continue;
            }
            // The inputs by the callee's parameter positions (`self` first).
            let inputs: Vec<ExprId> = match body.kind(awaited) {
                ExprKind::Call { args, .. } => args.clone(),
                ExprKind::MethodCall { receiver, args, .. } => {
                    std::iter::once(*receiver).chain(args.iter().copied()).collect()
                }
                _ => continue,
            };
            let given: Vec<Given> = inputs
                .iter()
                .enumerate()
                .filter_map(|(position, &input)| {
                    let root = caller_state(body, input, 0)?;
                    Some(Given { position, root, is_borrow: is_borrow_value(body, input) })
                })
                .collect();
            if !given.is_empty() {
                if let Some(path) = self.called_async_fn(body, awaited) {
                    steps.push(AwaitedStep::Call { path, given });
                }
            }
        }
        steps
    }

    /// The value a not-cancel-safe operation works on: its receiver, inside `timeout(d, ..)`.
    fn operation_receiver(&self, body: &Body, op: ExprId) -> Option<ExprId> {
        let op = self.strip_future_wrappers(body, op);
        match body.kind(op) {
            ExprKind::MethodCall { receiver, .. } => Some(*receiver),
            ExprKind::Call { args, .. } if self.timer_call(body, op).is_some() => {
                self.operation_receiver(body, *args.get(1)?)
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
    let found = for_each_async_fn(files, index, catalog, |sem, path, body, root, display| {
        let found = sem.endless_loop(body, root)?;
        Some((path.to_string(), (display.to_string(), loop_keyword_span(body, found))))
    });
    found.into_iter().collect()
}

/// What `fact` finds in each workspace async fn's body (see [`for_each_function`]).
fn for_each_async_fn<T: Send>(
    files: &[(usize, &FileHir, &str)],
    index: &CrateIndex,
    catalog: &Catalog,
    fact: impl Fn(&Semantics<'_>, &str, &Body, ExprId, &str) -> Option<T> + Sync,
) -> Vec<T> {
    for_each_function(files, index, catalog, |f| f.is_async, fact)
}

/// What `fact` finds in the body of each workspace function that is `wanted`, in parallel
/// over the files, in file order: `fact(sem, fn path, body, body root, display path)`.
fn for_each_function<T: Send>(
    files: &[(usize, &FileHir, &str)],
    index: &CrateIndex,
    catalog: &Catalog,
    wanted: impl Fn(&Function) -> bool + Sync,
    fact: impl Fn(&Semantics<'_>, &str, &Body, ExprId, &str) -> Option<T> + Sync,
) -> Vec<T> {
    files
        .par_iter()
        .with_max_len(1)
        .flat_map_iter(|(_, hir, display)| {
            let sem = Semantics::new(catalog, index, hir);
            hir.functions
                .iter()
                .filter(|f| wanted(f))
                .filter_map(|f| {
                    let body = f.body.as_ref()?;
                    fact(&sem, &f.path, body, body.root?, display)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The future a block awaits last, as its tail or its last statement (`fut.await` or `fut.await;`).
fn final_await(body: &Body, block: ExprId) -> Option<ExprId> {
    let ExprKind::Block(block) = body.kind(block) else { return None };
    let last = match (block.tail, block.stmts.last()) {
        (Some(tail), _) => tail,
        (None, Some(Stmt::Expr { expr, .. })) => *expr,
        _ => return None,
    };
    match body.kind(last) {
        ExprKind::Await(inner) => Some(*inner),
        _ => None,
    }
}

/// The workspace functions declared to return a `JoinHandle` that return the handle of a
/// task they spawn with an endless loop: as their body's value, directly or through a local
/// (`let handle = tokio::spawn(..); handle`). Needs the endless async fns in the index.
pub fn endless_handle_fns(
    files: &[(usize, &FileHir, &str)],
    index: &CrateIndex,
    catalog: &Catalog,
) -> EndlessHandles {
    let returns_handle =
        |f: &Function| f.returns.as_ref().and_then(Ty::path_str).is_some_and(|p| p.ends_with("::JoinHandle"));
    let found = for_each_function(files, index, catalog, returns_handle, |sem, path, body, root, display| {
        let ExprKind::Block(block) = body.kind(root) else { return None };
        let mut value = block.tail?;
        if let ExprKind::Local(local) = body.kind(value) {
            value = body.bound_value(*local)?;
        }
        let spawn = sem.spawn_call(body, value)?;
        if spawn.kind != crate::catalog::SpawnKind::Detaching {
            return None;
        }
        let at = match sem.endless_task(body, spawn.task?)? {
            EndlessAt::Here(span) => (display.to_string(), span.start.line),
            EndlessAt::Elsewhere { file, line, .. } => (file, line),
        };
        Some((path.to_string(), at))
    });
    found.into_iter().collect()
}

/// One await of an async fn that may make it not cancel safe.
enum AwaitedStep {
    /// A data-losing operation on state that parameter `root` holds.
    Operation { op: CancelUnsafe, span: Span, root: Root },
    /// A workspace async fn given some of the caller's state.
    Call { path: String, given: Vec<Given> },
}

/// The parameter (by position, `self` first) whose state a value is, or is part of.
#[derive(Clone, Copy, PartialEq)]
struct Root {
    position: usize,
    /// A generic parameter taken by value (`mut reader: R`, `impl AsyncRead`): the caller's
    /// own state only where the caller passes a borrow for it.
    by_value: bool,
}

/// One argument of an awaited call that carries the caller's state.
struct Given {
    /// The callee's parameter it is passed as.
    position: usize,
    root: Root,
    /// Written as a borrow (`&mut stream`) or a borrowing parameter.
    is_borrow: bool,
}

/// The parameter whose state a value is, or is part of: a field of `&mut self`, `reader:
/// &mut R`, a generic `mut reader: R` (which a caller may instantiate with `&mut stream`),
/// a local bound to one (`let reader = &mut self.reader;`). Such state can outlive an async
/// fn's future, so a cancelled operation on it leaves it half read or half written for the
/// caller. A concrete stream the future owns (`stream: TcpStream`, one it opened) is dropped
/// with it, and nobody sees the loss.
fn caller_state(body: &Body, expr: ExprId, depth: u32) -> Option<Root> {
    if depth > 8 {
        return None;
    }
    match body.kind(expr) {
        ExprKind::Field { base: inner, .. } | ExprKind::Ref(inner) | ExprKind::Deref(inner) => {
            caller_state(body, *inner, depth + 1)
        }
        ExprKind::MethodCall { receiver, method, args, .. }
            if args.is_empty() && matches!(method.as_str(), "as_mut" | "as_ref" | "get_mut" | "by_ref") =>
        {
            caller_state(body, *receiver, depth + 1)
        }
        ExprKind::Local(id) => {
            let local = body.local(*id);
            match (&local.origin, &local.declared_ty) {
                (LocalOrigin::Param | LocalOrigin::SelfParam, Some(ty)) if is_borrow(ty) => {
                    Some(Root { position: param_position(body, *id)?, by_value: false })
                }
                (LocalOrigin::Param, Some(Ty::Bounds(_))) => {
                    Some(Root { position: param_position(body, *id)?, by_value: true })
                }
                (LocalOrigin::Let { init: Some(init), path }, _) if path.is_empty() => {
                    caller_state(body, *init, depth + 1)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether an argument is written as a borrow (`&mut stream`) or is a borrowing parameter.
fn is_borrow_value(body: &Body, expr: ExprId) -> bool {
    match body.kind(expr) {
        ExprKind::Ref(_) => true,
        ExprKind::Local(id) => body.local(*id).declared_ty.as_ref().is_some_and(is_borrow),
        _ => false,
    }
}

/// A parameter's position in the signature (`self` first): parameters are the body's first
/// locals. Unknown after a destructuring parameter, which binds several.
fn param_position(body: &Body, param: LocalId) -> Option<usize> {
    let mut position = 0;
    for (index, local) in body.locals.iter().enumerate() {
        if index == param.0 as usize {
            return Some(position);
        }
        match local.origin {
            LocalOrigin::Param | LocalOrigin::SelfParam => position += 1,
            _ => return None,
        }
    }
    None
}

/// `&T`, `&mut T`, `Pin<&mut T>`: a parameter the caller keeps.
fn is_borrow(ty: &Ty) -> bool {
    match ty {
        Ty::Ref(_) => true,
        Ty::Path { path, args } if path == "std::pin::Pin" => args.first().is_some_and(is_borrow),
        _ => false,
    }
}

/// The workspace's async fns that are not cancel safe: each awaits a data-losing operation
/// (`read_exact`, `write_all`, `mpsc::Sender::send`, ..; not the ones that only lose a place
/// in a queue) on state a parameter borrows, or awaits such an async fn and hands it, in
/// that parameter's place, state of its own parameters. A `select!` racing a call of one
/// loses what the operation had done.
pub fn cancel_unsafe_async_fns(
    files: &[(usize, &FileHir, &str)],
    index: &CrateIndex,
    catalog: &Catalog,
) -> CancelUnsafeFns {
    let facts = for_each_async_fn(files, index, catalog, |sem, path, body, root, display| {
        let steps = sem.cancel_unsafe_awaits(body, root);
        (!steps.is_empty()).then(|| (path.to_string(), display.to_string(), steps))
    });
    resolve_cancel_unsafe(facts)
}

/// From each async fn's awaits to the set of fns that are not cancel safe: direct operations
/// first, then callers of members, round by round (each round adds one level of calls, and
/// the first step in body order wins, so the result does not depend on thread timing).
fn resolve_cancel_unsafe(facts: Vec<(String, String, Vec<AwaitedStep>)>) -> CancelUnsafeFns {
    let mut found: HashMap<String, (CancelUnsafeFn, Root)> = HashMap::new();
    for (path, file, steps) in &facts {
        let direct = steps.iter().find_map(|step| match step {
            AwaitedStep::Operation { op, span, root } => Some((
                CancelUnsafeFn {
                    operation: op.method.clone(),
                    lost: op.lost,
                    instead: op.instead,
                    file: file.clone(),
                    span: *span,
                    through: Vec::new(),
                    borrowed_argument: None,
                },
                *root,
            )),
            AwaitedStep::Call { .. } => None,
        });
        if let Some(direct) = direct {
            found.entry(path.clone()).or_insert(direct);
        }
    }
    loop {
        let mut added = Vec::new();
        for (path, _, steps) in &facts {
            if found.contains_key(path) {
                continue;
            }
            // A callee whose unsafe operation works on the very argument this fn gives it.
            // Where the callee takes a generic by value, that argument must be a borrow, or
            // this fn's own generic passed on (then its callers must lend it one).
            let via_callee = steps.iter().find_map(|step| {
                let AwaitedStep::Call { path: callee, given } = step else { return None };
                let (inner, inner_root) = found.get(callee)?;
                let lends = |g: &Given| g.is_borrow || g.root.by_value || !inner_root.by_value;
                let given = given.iter().find(|g| g.position == inner_root.position && lends(g))?;
                Some((callee, inner, given.root))
            });
            if let Some((callee, inner, root)) = via_callee {
                let mut via = inner.clone();
                via.through.insert(0, callee.rsplit("::").next().unwrap_or(callee).to_string());
                added.push((path.clone(), (via, root)));
            }
        }
        if added.is_empty() {
            return found
                .into_iter()
                .map(|(path, (mut via, root))| {
                    via.borrowed_argument = root.by_value.then_some(root.position);
                    (path, via)
                })
                .collect();
        }
        for (path, via) in added {
            found.entry(path).or_insert(via);
        }
    }
}

/// The wrapping methods called as functions: `FutureExt::fuse(fut)`, `futures::future::FutureExt::boxed(fut)`.
fn is_wrapper_function(body: &Body, callee: ExprId) -> bool {
    let ExprKind::Path(Resolved::Item(path)) = body.kind(callee) else { return false };
    let mut segments = path.rsplit("::");
    let (Some(method), Some(owner)) = (segments.next(), segments.next()) else { return false };
    owner == "FutureExt" && matches!(method, "fuse" | "boxed" | "boxed_local")
}
