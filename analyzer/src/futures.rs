//! Futures and tasks: which expressions produce a future (crate `async fn`s and methods,
//! functions returning `impl Future`/`BoxFuture`/`Pin<Box<dyn Future>>`, async blocks, the
//! catalog's external async APIs), which start a task, and what a task returns.

use crate::catalog::SpawnKind;
use crate::hir::*;
use crate::index::FnSig;
use crate::semantics::Semantics;
use crate::source::Span;
use crate::ty::Ty;

/// Why an expression is a future.
#[derive(Clone, Debug)]
pub enum FutureSource<'a> {
    /// A call of a workspace function or method that is `async` or returns a future.
    Crate(&'a FnSig),
    /// A call of a catalogued external async API (`tokio::time::sleep`).
    External(String),
    /// An `async { .. }` block.
    AsyncBlock,
    /// A call of a local closure whose value is a future (`let make = || async { .. };`,
    /// an `async` closure, or `|id| fetch(id)`): the local's name, and the closure's header.
    Closure { name: String, header: Span },
    /// A call of a value typed as a function returning a future (`(self.handler)(req)` with
    /// `handler: Box<dyn Fn(Req) -> BoxFuture<'static, ()>>`, `f(x)` with `F: Fn(u32) -> Fut`):
    /// the value's name.
    FnValue { name: String },
}

/// A call that spawns a task.
#[derive(Clone, Debug)]
pub struct SpawnCall {
    pub kind: SpawnKind,
    /// The spawn API, for messages: `tokio::task::spawn`.
    pub api: String,
    /// The future (or async block) handed to it.
    pub task: Option<ExprId>,
}

/// `FutureExt` combinators: called on a future, they return a future.
const FUTURE_COMBINATORS: &[&str] =
    &["boxed", "boxed_local", "fuse", "map", "then", "inspect", "shared", "catch_unwind", "instrument"];

/// The function traits: `Fn(A) -> R` is lowered as the trait with `R` as its argument.
const FN_TRAITS: &[&str] = &["std::ops::Fn", "std::ops::FnMut", "std::ops::FnOnce"];

/// Functions that wrap a future into another future that does the same work when polled.
const WRAPPERS_OF_FUTURES: &[&str] = &["std::boxed::Box::pin"];

impl<'a> Semantics<'a> {
    /// Why `expr` evaluates to a future, if it does.
    pub fn future_source(&self, body: &Body, expr: ExprId) -> Option<FutureSource<'a>> {
        match body.kind(expr) {
            ExprKind::Async { is_stream: false, .. } => Some(FutureSource::AsyncBlock),
            ExprKind::Call { callee, args } => {
                let path = match body.kind(*callee) {
                    ExprKind::Path(Resolved::Item(path)) => path,
                    ExprKind::Local(local) => {
                        return self
                            .closure_call_future(body, *local)
                            .or_else(|| self.fn_value_future(body, *callee))
                    }
                    _ => return self.fn_value_future(body, *callee),
                };
                if WRAPPERS_OF_FUTURES.contains(&path.as_str()) {
                    // `Box::pin(fut)` is the same future, pinned on the heap.
                    return self.future_source(body, *args.first()?);
                }
                if self.catalog.is_async_function(path) {
                    return Some(FutureSource::External(path.clone()));
                }
                let sig = self.index.function(path)?;
                self.returns_future(sig).then_some(FutureSource::Crate(sig))
            }
            ExprKind::MethodCall { receiver, method, .. } => self.method_future(body, *receiver, method),
            _ => None,
        }
    }

    /// A call of the local `local`, bound by `let` to a closure whose value is a future.
    fn closure_call_future(&self, body: &Body, local: LocalId) -> Option<FutureSource<'a>> {
        let info = body.local(local);
        let LocalOrigin::Let { init: Some(init), path } = &info.origin else { return None };
        if !path.is_empty() {
            return None;
        }
        let closure = body.closure_value(*init)?;
        let ExprKind::Closure { is_async, body: value, header, .. } = body.kind(closure) else { return None };
        let mut value = *value;
        while let ExprKind::Block(Block { tail: Some(tail), .. }) = body.kind(value) {
            value = *tail;
        }
        let returns_future = *is_async || self.future_source(body, value).is_some();
        returns_future.then(|| FutureSource::Closure { name: info.name.clone(), header: *header })
    }

    /// A call of a value whose type is `Fn(..) -> F` (also `FnMut`, `FnOnce`, boxed or as a
    /// type parameter's bound) with `F` a future.
    fn fn_value_future(&self, body: &Body, callee: ExprId) -> Option<FutureSource<'a>> {
        let name = match body.kind(callee) {
            ExprKind::Local(local) => body.local(*local).name.clone(),
            ExprKind::Field { name, .. } => name.clone(),
            _ => return None,
        };
        let returns_future = self.deref_chain(&self.ty_of(body, callee)).iter().any(|ty| {
            let bounds = match ty {
                Ty::Bounds(bounds) => bounds.as_slice(),
                Ty::Path { .. } => std::slice::from_ref(ty),
                _ => &[],
            };
            bounds.iter().any(|bound| {
                let is_fn = bound.path_str().is_some_and(|p| FN_TRAITS.contains(&p));
                is_fn && self.future_output(&bound.first_arg()).is_some()
            })
        });
        returns_future.then_some(FutureSource::FnValue { name })
    }

    fn method_future(&self, body: &Body, receiver: ExprId, method: &str) -> Option<FutureSource<'a>> {
        if FUTURE_COMBINATORS.contains(&method) {
            if let Some(source) = self.future_source(body, receiver) {
                return Some(source);
            }
        }
        let receiver_ty = self.ty_of(body, receiver);
        for ty in self.deref_chain(&receiver_ty) {
            // A type, or the traits bounding a type parameter or `impl`/`dyn` type (the
            // extension traits of `W: AsyncWrite` give it `write_all`).
            let paths: Vec<&str> = match &ty {
                Ty::Bounds(bounds) => bounds.iter().filter_map(Ty::path_str).collect(),
                _ => ty.path_str().into_iter().collect(),
            };
            if let Some(path) = paths.into_iter().find(|path| self.catalog.is_async_method(path, method)) {
                return Some(FutureSource::External(format!("{path}::{method}")));
            }
        }
        let sig = self.crate_method(body, receiver, method)?;
        self.returns_future(sig).then_some(FutureSource::Crate(sig))
    }

    /// The workspace method a method call reaches: by the receiver's type (also a trait
    /// bound), else by name when the receiver's type is unknown and every workspace method of
    /// that name agrees on being async or not.
    pub fn crate_method(&self, body: &Body, receiver: ExprId, method: &str) -> Option<&'a FnSig> {
        let chain = self.deref_chain(&self.ty_of(body, receiver));
        if let Some(sig) = self.method_of_types(&chain, method) {
            return Some(sig);
        }
        if chain.iter().any(|t| !t.is_opaque()) {
            // A known type without such a method: an external type's own method.
            return None;
        }
        if self.catalog.is_std_method_name(method) {
            // `f.sync_all()` on an untyped value may be std's sync method, not the crate's.
            return None;
        }
        let candidates = self.index.methods_named(method)?;
        let first = self.index.function(candidates.first()?)?;
        let agree = candidates
            .iter()
            .filter_map(|path| self.index.function(path))
            .all(|sig| self.returns_future(sig) == self.returns_future(first));
        agree.then_some(first)
    }

    /// The workspace method a method call reaches, for the call graph: by the receiver's type
    /// (also a trait bound), else by a name that only one workspace function has and no
    /// everyday std method shares (see [`crate::catalog::Catalog::is_std_method_name`]).
    pub fn unique_crate_method(&self, body: &Body, receiver: ExprId, method: &str) -> Option<&'a FnSig> {
        let chain = self.deref_chain(&self.ty_of(body, receiver));
        if let Some(sig) = self.method_of_types(&chain, method) {
            return Some(sig);
        }
        if chain.iter().any(|t| !t.is_opaque()) || self.catalog.is_std_method_name(method) {
            return None;
        }
        match self.index.methods_named(method)? {
            [only] => self.index.function(only),
            _ => None,
        }
    }

    /// The workspace method `method` of one of the types in a receiver's deref chain (a named
    /// type, or a trait bound of `impl Trait`/`dyn Trait`).
    fn method_of_types(&self, chain: &[Ty], method: &str) -> Option<&'a FnSig> {
        chain.iter().find_map(|ty| {
            let paths: Vec<&str> = match ty {
                Ty::Path { path, .. } => vec![path.as_str()],
                Ty::Bounds(bounds) => bounds.iter().filter_map(Ty::path_str).collect(),
                _ => Vec::new(),
            };
            paths.into_iter().find_map(|path| {
                self.index.function(&format!("{path}::{method}")).or_else(|| self.trait_default(path, method))
            })
        })
    }

    /// The default method `method` of a workspace trait that `type_path` implements without
    /// overriding it (`impl Notifier for Email {}` ... `email.notify(..)`).
    fn trait_default(&self, type_path: &str, method: &str) -> Option<&'a FnSig> {
        // Most methods called on a workspace type without one of its own are std's or
        // another crate's (`clone`, `to_string`): no workspace trait has them.
        self.index.traits_with_method(method).next()?;
        let traits = self.index.traits_implemented_by(type_path);
        let candidates =
            traits.into_iter().filter(|trait_path| self.index.may_be_trait_method(trait_path, method));
        candidates.into_iter().find_map(|trait_path| {
            let sig = self.index.function(&format!("{trait_path}::{method}"))?;
            matches!(sig.owner, FnOwner::Trait { .. }).then_some(sig)
        })
    }

    /// Whether a function's calls produce futures.
    pub fn returns_future(&self, sig: &FnSig) -> bool {
        self.produces_future(sig.is_async && !sig.is_entry_point, sig.returns.as_ref())
    }

    /// [`Self::returns_future`] for a lowered function, before the index has it.
    pub fn function_returns_future(&self, function: &Function) -> bool {
        self.produces_future(function.is_async && !function.is_entry_point, function.returns.as_ref())
    }

    fn produces_future(&self, is_async_for_callers: bool, returns: Option<&Ty>) -> bool {
        is_async_for_callers || returns.is_some_and(|ty| self.is_future_ty(ty))
    }

    /// `impl Future<..>`, `Pin<Box<dyn Future<..>>>`, `BoxFuture<..>`, or an alias of one.
    pub fn is_future_ty(&self, ty: &Ty) -> bool {
        self.future_output(ty).is_some()
    }

    /// The output type of a future type (`Unknown` when not written), or `None` when `ty` is
    /// not a future.
    pub fn future_output(&self, ty: &Ty) -> Option<Ty> {
        match ty {
            Ty::Bounds(bounds) => bounds
                .iter()
                .find(|b| b.path_str().is_some_and(|p| self.catalog.is_future_type(p)))
                .map(Ty::first_arg),
            Ty::Path { path, args } => {
                if self.catalog.is_future_type(path) {
                    // `BoxFuture<'a, T>`: lifetimes are not kept, so `T` is the first argument.
                    return Some(args.first().cloned().unwrap_or(Ty::Unknown));
                }
                match path.as_str() {
                    "std::pin::Pin" | "std::boxed::Box" => {
                        args.first().and_then(|inner| self.future_output(inner))
                    }
                    _ => self.index.alias(path, args).and_then(|target| self.future_output(&target)),
                }
            }
            _ => None,
        }
    }

    /// The output type of a future-producing call, where declared.
    pub fn future_call_output(&self, body: &Body, expr: ExprId) -> Option<Ty> {
        match self.future_source(body, expr)? {
            FutureSource::Crate(sig) => {
                if sig.is_async {
                    Some(sig.returns.clone().unwrap_or(Ty::Tuple(Vec::new())))
                } else {
                    sig.returns.as_ref().and_then(|ty| self.future_output(ty))
                }
            }
            _ => None,
        }
    }

    /// The future a spawn call is handed, as written: through its wrappers, and through a
    /// local bound to it first (`let task = async move { .. }; tokio::spawn(task)`).
    fn spawned_future(&self, body: &Body, arg: ExprId) -> ExprId {
        let task = self.strip_future_wrappers(body, arg);
        match body.kind(task) {
            ExprKind::Local(local) => {
                body.bound_value(*local).map_or(task, |value| self.strip_future_wrappers(body, value))
            }
            _ => task,
        }
    }

    /// Whether `expr` spawns a task, and with what (the future itself, through wrappers that
    /// keep its work and output: `.instrument(span)`, `Box::pin(..)`).
    pub fn spawn_call(&self, body: &Body, expr: ExprId) -> Option<SpawnCall> {
        match body.kind(expr) {
            ExprKind::Call { callee, args } => {
                let ExprKind::Path(Resolved::Item(path)) = body.kind(*callee) else { return None };
                let kind = self.catalog.spawn_function(path)?;
                let task = args.first().map(|task| self.spawned_future(body, *task));
                Some(SpawnCall { kind, api: path.clone(), task })
            }
            ExprKind::MethodCall { receiver, method, args, .. } => {
                let receiver_ty = self.ty_of(body, *receiver);
                self.deref_chain(&receiver_ty).iter().find_map(|ty| {
                    let path = ty.path_str()?;
                    let kind = self.catalog.spawn_method(path, method)?;
                    let task = args.first().map(|task| self.spawned_future(body, *task));
                    Some(SpawnCall { kind, api: format!("{path}::{method}"), task })
                })
            }
            _ => None,
        }
    }
}
