//! Questions rules ask about the HIR: the type of an expression (as far as declarations and
//! the catalog tell), what a call calls, whether a blocking or executor API is reached.
//!
//! Type derivation follows declared types (parameters, `let` annotations, struct fields,
//! statics, function signatures) and the catalog's constructors. It never guesses: an
//! expression whose type is not derivable is `Ty::Unknown`, and rules treat unknown
//! receivers as "not matched" unless the catalog says a method name alone identifies the API.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::catalog::{BlockingApi, Catalog, GuardKind};
use crate::context::WalkOrder;
use crate::fast_hash::FastMap;
use crate::hir::*;
use crate::index::CrateIndex;
use crate::resolve::PathKnowledge;
use crate::ty::Ty;

const MAX_TYPE_DEPTH: u32 = 48;

/// Iterator adapters whose first closure parameter is the element.
const ELEMENT_ADAPTERS: &[&str] = &[
    "map",
    "filter",
    "for_each",
    "any",
    "all",
    "find",
    "filter_map",
    "flat_map",
    "inspect",
    "position",
    "take_while",
    "skip_while",
    "map_while",
    "partition",
    "max_by_key",
    "min_by_key",
    "find_map",
    "try_for_each",
];

/// Iterator adapters that yield the same elements.
const ELEMENT_PRESERVING: &[&str] = &[
    "filter",
    "skip",
    "take",
    "rev",
    "chain",
    "cloned",
    "copied",
    "peekable",
    "fuse",
    "skip_while",
    "take_while",
    "step_by",
    "inspect",
    "by_ref",
    "into_iter",
    "iter",
];
const MAX_DEREF_STEPS: usize = 8;

pub struct Semantics<'a> {
    pub catalog: &'a Catalog,
    pub index: &'a CrateIndex,
    pub file: &'a FileHir,
    depth: Cell<u32>,
    /// Set when a type was cut short at [`MAX_TYPE_DEPTH`]: such a type is not remembered.
    truncated: Cell<bool>,
    /// The types of locals derived so far, by body (see [`body_key`]) and local: rules ask for
    /// the same locals again and again, and each derivation walks its initializer.
    local_types: RefCell<FastMap<(usize, LocalId), Ty>>,
    /// Each function body's walk (see [`crate::context::walk_function`]), by body.
    walks: RefCell<FastMap<usize, Rc<WalkOrder>>>,
    /// The guard each type path asked about holds in a field (see [`Self::guard_held_by`]):
    /// the guard rules ask for every typed value's type.
    guard_holders: RefCell<FastMap<String, Option<(GuardKind, String)>>>,
}

/// A body, as the memos of a [`Semantics`] know it: by address. Bodies are not created or
/// moved while a file is checked.
fn body_key(body: &Body) -> usize {
    body as *const Body as usize
}

/// What a call expression reaches.
#[derive(Clone, Debug)]
pub enum CallTarget {
    /// `path(args)`: a function or associated function by canonical path.
    Path(String),
    /// `receiver.method(args)`.
    Method { receiver: ExprId, method: String },
    /// Calling a local (closure) or an expression.
    Dynamic,
}

impl<'a> Semantics<'a> {
    pub fn new(catalog: &'a Catalog, index: &'a CrateIndex, file: &'a FileHir) -> Self {
        Semantics {
            catalog,
            index,
            file,
            depth: Cell::new(0),
            truncated: Cell::new(false),
            local_types: RefCell::default(),
            walks: RefCell::default(),
            guard_holders: RefCell::default(),
        }
    }

    /// The guard a workspace struct holds in one of its fields (declared as the guard type
    /// itself, not an `Option` of one): its kind and path. Such a struct holds the guard's
    /// lock while it lives (`Transaction { rows: MutexGuard<'a, Rows> }`).
    pub fn guard_held_by(&self, struct_path: &str) -> Option<(GuardKind, String)> {
        if let Some(known) = self.guard_holders.borrow().get(struct_path) {
            return known.clone();
        }
        let held = self.index.struct_fields(struct_path).and_then(|fields| {
            fields.iter().find_map(|(_, field)| {
                let field = self.without_aliases(field.clone());
                let path = field.path_str()?;
                self.catalog.guard_kind(path).map(|kind| (kind, path.to_string()))
            })
        });
        self.guard_holders.borrow_mut().insert(struct_path.to_string(), held.clone());
        held
    }

    pub fn call_target(&self, body: &Body, expr: ExprId) -> Option<CallTarget> {
        match body.kind(expr) {
            ExprKind::Call { callee, .. } => Some(match self.function_item(body, *callee) {
                Some(path) => CallTarget::Path(self.catalogued_or_canonical(path)),
                None => CallTarget::Dynamic,
            }),
            ExprKind::MethodCall { receiver, method, .. } => {
                Some(CallTarget::Method { receiver: *receiver, method: method.clone() })
            }
            _ => None,
        }
    }

    /// The function a callee names: a path, or a local bound once to one
    /// (`let nap = std::thread::sleep; nap(d)`).
    fn function_item<'b>(&self, body: &'b Body, callee: ExprId) -> Option<&'b str> {
        match body.kind(callee) {
            ExprKind::Path(Resolved::Item(path)) => Some(path),
            ExprKind::Local(local) => match body.kind(body.bound_value(*local)?) {
                ExprKind::Path(Resolved::Item(path)) => Some(path),
                _ => None,
            },
            _ => None,
        }
    }

    /// A path the catalog knows as it is (`async_std::task::block_on`, also when the
    /// workspace holds that crate and re-exports it from elsewhere); any other through the
    /// workspace's re-exports, where `crate::rt::spawn` may turn out to be std's.
    fn catalogued_or_canonical(&self, path: &str) -> String {
        if self.catalog.is_known_path(path) {
            path.to_string()
        } else {
            self.index.canonical(path).into_owned()
        }
    }

    /// The blocking API a call reaches, if any.
    pub fn blocking_api(&self, body: &Body, expr: ExprId) -> Option<&'a BlockingApi> {
        match self.call_target(body, expr)? {
            CallTarget::Path(path) => self
                .catalog
                .blocking_function(&path)
                .or_else(|| self.blocking_trait_call(body, expr, &path))
                .or_else(|| self.blocking_stream_call(body, expr, &path)),
            CallTarget::Method { receiver, method } => {
                if body.is_awaited(expr) {
                    // An awaited method is an async API, whatever its name.
                    return None;
                }
                let arg_count = match body.kind(expr) {
                    ExprKind::MethodCall { args, .. } => args.len(),
                    _ => 0,
                };
                self.blocking_method(body, receiver, &method, arg_count)
            }
            CallTarget::Dynamic => None,
        }
    }

    /// `std::io::copy(&mut file, &mut out)`: blocks when one of the streams does (a `File`,
    /// a socket, a `BufReader` over one), not over bytes in memory.
    fn blocking_stream_call(&self, body: &Body, expr: ExprId, path: &str) -> Option<&'a BlockingApi> {
        let api = self.catalog.blocking_stream_function(path)?;
        let ExprKind::Call { args, .. } = body.kind(expr) else { return None };
        let blocks = |arg: ExprId| {
            self.blocking_method(body, arg, "read", 1).is_some()
                || self.blocking_method(body, arg, "write", 1).is_some()
        };
        args.iter().any(|&arg| !self.opened_in(body, arg) && blocks(arg)).then_some(api)
    }

    /// A stream opened in the argument itself (`from_reader(File::open(p)?)`, also through
    /// a wrapper: `BufReader::new(File::open(p)?)`) is reported where it is opened, once;
    /// a wrapper over a stream opened earlier (`BufReader::new(file)`) is not an opening.
    fn opened_in(&self, body: &Body, arg: ExprId) -> bool {
        let mut inner = arg;
        while let ExprKind::Ref(next) | ExprKind::Try(next) = body.kind(inner) {
            inner = *next;
        }
        match body.kind(inner) {
            ExprKind::Call { args, .. } => {
                self.blocking_api(body, inner).is_some() || args.iter().any(|&a| self.opened_in(body, a))
            }
            ExprKind::MethodCall { receiver, .. } => {
                self.blocking_api(body, inner).is_some() || self.opened_in(body, *receiver)
            }
            _ => false,
        }
    }

    /// A trait method called by its path, the receiver first:
    /// `Read::read_to_string(&mut file, &mut s)`, `rayon::iter::IntoParallelRefIterator::par_iter(&v)`.
    fn blocking_trait_call(&self, body: &Body, expr: ExprId, path: &str) -> Option<&'a BlockingApi> {
        let ExprKind::Call { args, .. } = body.kind(expr) else { return None };
        let (&receiver, rest) = args.split_first()?;
        let (trait_path, method) = path.rsplit_once("::")?;
        if let Some(api) = self.catalog.blocking_trait_method_by_path(trait_path, method, rest.len()) {
            return Some(api);
        }
        // `&mut file` derefs to `file`, as the method call would.
        self.catalog
            .is_io_trait(trait_path)
            .then(|| self.blocking_method(body, receiver, method, rest.len()))
            .flatten()
    }

    fn blocking_method(
        &self,
        body: &Body,
        receiver: ExprId,
        method: &str,
        arg_count: usize,
    ) -> Option<&'a BlockingApi> {
        let receiver_ty = self.ty_of(body, receiver);
        let chain = self.deref_chain(&receiver_ty);
        for ty in &chain {
            if let Some(path) = ty.path_str() {
                if let Some(api) = self.catalog.blocking_method(path, method) {
                    return Some(api);
                }
                if let Some(api) = self.buffered_blocking(ty, path, method) {
                    return Some(api);
                }
            }
        }
        if self.is_crate_local(&chain) {
            // The crate's own type: its methods are its own, whatever their names.
            return None;
        }
        if let Some(api) = self.catalog.blocking_method_by_name(method) {
            // What auto-deref ends at, behind `&`, `Arc` or `Box`: tokio's type, or unknown.
            let receiver = chain.last().unwrap_or(&receiver_ty);
            if receiver.is_opaque() || receiver.path_str().is_some_and(|p| p.starts_with("tokio::")) {
                return Some(api);
            }
        }
        // A tuple has no methods of its own: `(host, port).to_socket_addrs()` is the trait's.
        let typed_elsewhere = chain.iter().any(|t| !t.is_opaque() && !matches!(t, Ty::Tuple(_)));
        self.catalog.blocking_trait_method(method, arg_count, typed_elsewhere, |trait_path| {
            self.is_imported(trait_path)
        })
    }

    /// `BufReader<File>::lines()` blocks as `File::read` does; a `BufReader` over bytes in
    /// memory does not.
    fn buffered_blocking(&self, ty: &Ty, path: &str, method: &str) -> Option<&'a BlockingApi> {
        let probe = self.catalog.buffered_io_probe(path, method)?;
        self.deref_chain(&ty.first_arg())
            .iter()
            .filter_map(|inner| inner.path_str())
            .find_map(|inner| self.catalog.blocking_method(inner, probe))
    }

    /// The blocking API reached by iterating `iter` in a `for` loop.
    pub fn blocking_iteration(&self, body: &Body, iter: ExprId) -> Option<&'a BlockingApi> {
        let ty = self.ty_of(body, iter);
        self.deref_chain(&ty)
            .iter()
            .find_map(|t| t.path_str().and_then(|p| self.catalog.blocking_iterable(p)))
    }

    /// Whether a call runs an executor to completion (`block_on`), and the API's display name.
    pub fn executor_call(&self, body: &Body, expr: ExprId) -> Option<String> {
        match self.call_target(body, expr)? {
            CallTarget::Path(path) => self.catalog.is_executor_function(&path).then_some(path),
            CallTarget::Method { receiver, method } => {
                if body.is_awaited(expr) {
                    return None;
                }
                let chain = self.deref_chain(&self.ty_of(body, receiver));
                for ty in &chain {
                    if let Some(path) = ty.path_str() {
                        if self.catalog.is_executor_method(path, &method) {
                            return Some(format!("{path}::{method}"));
                        }
                    }
                }
                // Unknown receivers, and futures (pollster's `FutureExt::block_on`).
                let known_other = chain.iter().any(|t| !t.is_opaque() && !is_future(t));
                (!known_other && self.catalog.is_executor_method_name(&method)).then(|| method.clone())
            }
            CallTarget::Dynamic => None,
        }
    }

    /// A call of a workspace function marked `#[tokio::main]` (or another runtime's `*::main`):
    /// it builds a runtime and blocks on the function's body. With the attribute, as written.
    pub fn runtime_entry_call(
        &self,
        body: &Body,
        expr: ExprId,
    ) -> Option<(&'a crate::index::FnSig, &'a str)> {
        if !self.index.has_runtime_entry_named(body.callee_name(expr)?) {
            return None;
        }
        let sig = self.called_crate_function(body, expr)?;
        Some((sig, sig.runtime_entry.as_deref()?))
    }

    /// Whether the call at `expr` hands its closure arguments to another thread.
    pub fn is_offload_call(&self, body: &Body, expr: ExprId) -> bool {
        match self.call_target(body, expr) {
            Some(CallTarget::Path(path)) => {
                let name = path.rsplit("::").next().unwrap_or(&path);
                // Also a crate's own `rt::spawn_blocking`, and the workspace's wrappers.
                self.catalog.is_offload_function(&path)
                    || self.catalog.is_offload_method(name)
                    || self.index.is_offload_wrapper(&path)
            }
            Some(CallTarget::Method { receiver, method }) => {
                self.catalog.is_offload_method(&method)
                    || (method == "spawn" && self.has_sync_closure_arg(body, expr))
                    || self
                        .unique_crate_method(body, receiver, &method)
                        .is_some_and(|sig| self.index.is_offload_wrapper(&sig.path))
            }
            _ => false,
        }
    }

    /// Whether a call keeps its closure arguments for later instead of running them
    /// (`Box::new(|| ..)`, `std::panic::set_hook(..)`).
    pub fn is_closure_keeping_call(&self, body: &Body, expr: ExprId) -> bool {
        matches!(self.call_target(body, expr), Some(CallTarget::Path(path)) if self.catalog.keeps_closure(&path))
    }

    /// Whether the workspace function a call reaches takes the argument `arg` as `'static`
    /// (`fn on_shutdown(&mut self, f: impl Fn() + Send + 'static)`): the closure is kept for
    /// later or sent to another thread, not run during the call.
    pub fn callee_keeps_argument(&self, body: &Body, call: ExprId, arg: ExprId) -> bool {
        // Resolving the call is the costly part: most names have no workspace function
        // taking a `'static` argument at all.
        if !body.callee_name(call).is_some_and(|name| self.index.has_static_param_named(name)) {
            return false;
        }
        let (sig, position) = match body.kind(call) {
            ExprKind::Call { callee, args } => {
                let ExprKind::Path(Resolved::Item(path)) = body.kind(*callee) else { return false };
                let Some(sig) = self.index.function(path) else { return false };
                (sig, args.iter().position(|a| *a == arg))
            }
            ExprKind::MethodCall { receiver, method, args, .. } => {
                let Some(sig) = self.unique_crate_method(body, *receiver, method) else { return false };
                (sig, args.iter().position(|a| *a == arg).map(|i| i + 1))
            }
            _ => return false,
        };
        position.is_some_and(|position| sig.static_params.contains(&position))
    }

    /// `builder.spawn(|| ..)`, `scope.spawn(|| ..)`: a `spawn` method taking a plain closure
    /// runs it on another thread (async spawns take futures, not closures).
    fn has_sync_closure_arg(&self, body: &Body, expr: ExprId) -> bool {
        let ExprKind::MethodCall { args, .. } = body.kind(expr) else {
            return false;
        };
        args.iter().filter_map(|a| body.closure_value(*a)).any(|closure| {
            matches!(body.kind(closure), ExprKind::Closure { is_async: false, body: inner, .. }
            if !matches!(body.kind(*inner), ExprKind::Async { .. }))
        })
    }

    /// Whether a trait (canonical path) is imported in this file, by name or by a glob of its module.
    pub fn is_imported(&self, trait_path: &str) -> bool {
        if self.file.imports.iter().any(|p| p == trait_path) {
            return true;
        }
        let name = trait_path.rsplit("::").next().unwrap_or(trait_path);
        self.file
            .glob_imports
            .iter()
            .any(|glob| self.catalog.canonicalize(format!("{glob}::{name}")) == trait_path)
    }

    fn is_crate_local(&self, chain: &[Ty]) -> bool {
        chain.iter().any(|t| t.path_str().is_some_and(|p| self.index.is_local_type(p)))
    }

    /// The receiver type and what auto-deref reaches from it: `&Arc<Mutex<T>>` ->
    /// `[&Arc<..>, Arc<..>, Mutex<T>]`.
    pub fn deref_chain(&self, ty: &Ty) -> Vec<Ty> {
        let mut chain = vec![ty.clone()];
        let mut current = ty.clone();
        for _ in 0..MAX_DEREF_STEPS {
            let next = match &current {
                Ty::Ref(inner) => (**inner).clone(),
                Ty::Path { path, args } if self.catalog.derefs_to_first_arg(path) && !args.is_empty() => {
                    args[0].clone()
                }
                Ty::Path { path, args } => {
                    match self
                        .catalog
                        .pooled_connection(path, args)
                        .or_else(|| self.catalog.bounded_sender_general(path, args))
                        .or_else(|| self.aliased_or_reexported(path, args))
                    {
                        Some(target) => target,
                        None => break,
                    }
                }
                _ => break,
            };
            chain.push(next.clone());
            current = next;
        }
        chain
    }

    /// The type of an expression, as far as declarations tell.
    pub fn ty_of(&self, body: &Body, expr: ExprId) -> Ty {
        let depth = self.depth.get();
        if depth >= MAX_TYPE_DEPTH {
            self.truncated.set(true);
            return Ty::Unknown;
        }
        self.depth.set(depth + 1);
        let ty = self.derive(body, expr);
        self.depth.set(depth);
        ty
    }

    fn derive(&self, body: &Body, expr: ExprId) -> Ty {
        match body.kind(expr) {
            ExprKind::Local(local) => self.local_ty(body, *local),
            ExprKind::Path(Resolved::Item(path)) => match self.index.static_type(path) {
                Some(ty) => ty.clone(),
                // A type's name as a value is a unit struct: `let loader = FileLoader;`.
                None if self.index.is_local_type(path) => Ty::simple(path.clone()),
                None => Ty::Unknown,
            },
            ExprKind::Call { callee, args } => self.call_ty(body, *callee, args),
            ExprKind::MethodCall { receiver, method, args, .. } => {
                self.method_ty(body, *receiver, method, args)
            }
            ExprKind::Try(inner) => self.ty_of(body, *inner).unwrapped(),
            ExprKind::Await(inner) => self.awaited_ty(body, *inner),
            ExprKind::Field { base, name } => self.field_ty(body, *base, name),
            ExprKind::Index { base, .. } => self.indexed_ty(&self.ty_of(body, *base)),
            ExprKind::Ref(inner) => Ty::Ref(Box::new(self.ty_of(body, *inner))),
            ExprKind::Deref(inner) => {
                let chain = self.deref_chain(&self.ty_of(body, *inner));
                chain.get(1).cloned().unwrap_or(Ty::Unknown)
            }
            ExprKind::Block(block) => block.tail.map(|t| self.ty_of(body, t)).unwrap_or(Ty::Unknown),
            // Every branch has the same type: the first one that can be told gives it (a
            // diverging `Err(e) => return ..` cannot).
            ExprKind::Match { arms, .. } => self.first_known_ty(body, arms.iter().map(|arm| arm.body)),
            ExprKind::If { then_branch, else_branch: Some(else_branch), .. } => {
                self.first_known_ty(body, [*then_branch, *else_branch].into_iter())
            }
            ExprKind::Struct { path: Resolved::Item(path), .. } => Ty::simple(path.clone()),
            ExprKind::Tuple(items) => Ty::Tuple(items.iter().map(|i| self.ty_of(body, *i)).collect()),
            ExprKind::Async { is_stream: false, .. } => Ty::Bounds(vec![Ty::simple("std::future::Future")]),
            ExprKind::Macro(call) => match &call.path {
                Resolved::Item(path) => self.catalog.macro_value(path).unwrap_or(Ty::Unknown),
                _ => Ty::Unknown,
            },
            _ => Ty::Unknown,
        }
    }

    fn first_known_ty(&self, body: &Body, branches: impl Iterator<Item = ExprId>) -> Ty {
        branches.map(|branch| self.ty_of(body, branch)).find(|ty| *ty != Ty::Unknown).unwrap_or(Ty::Unknown)
    }

    /// The walk of `body`, worked out by `walk` the first time it is asked for.
    pub(crate) fn remembered_walk(&self, body: &Body, walk: impl FnOnce() -> WalkOrder) -> Rc<WalkOrder> {
        let key = body_key(body);
        if let Some(known) = self.walks.borrow().get(&key) {
            return Rc::clone(known);
        }
        let walked = Rc::new(walk());
        self.walks.borrow_mut().insert(key, Rc::clone(&walked));
        walked
    }

    pub fn local_ty(&self, body: &Body, local: LocalId) -> Ty {
        let key = (body_key(body), local);
        if let Some(ty) = self.local_types.borrow().get(&key) {
            return ty.clone();
        }
        let truncated_before = self.truncated.replace(false);
        let ty = self.derive_local_ty(body, local);
        if !self.truncated.get() {
            self.local_types.borrow_mut().insert(key, ty.clone());
        }
        self.truncated.set(truncated_before || self.truncated.get());
        ty
    }

    fn derive_local_ty(&self, body: &Body, local: LocalId) -> Ty {
        let info = body.local(local);
        if let Some(ty) = &info.declared_ty {
            if !ty.is_unknown() {
                return ty.clone();
            }
        }
        match &info.origin {
            LocalOrigin::Let { init: Some(init), path } => self.project(self.ty_of(body, *init), path),
            LocalOrigin::Scrutinee { scrutinee, path } => self.project(self.ty_of(body, *scrutinee), path),
            LocalOrigin::ForLoop { iter, path } => {
                self.project(self.element_ty(&self.ty_of(body, *iter)), path)
            }
            LocalOrigin::ParamPart { param_ty, path } => self.project(param_ty.clone(), path),
            LocalOrigin::ClosureParam { closure: Some(closure), index } => {
                self.closure_param_ty(body, *closure, *index)
            }
            _ => Ty::Unknown,
        }
    }

    /// What `value[i]` is: a `Vec`'s, `VecDeque`'s, slice's or array's element, a map's value.
    fn indexed_ty(&self, ty: &Ty) -> Ty {
        for ty in &self.deref_chain(ty) {
            match ty {
                Ty::Slice(inner) => return (**inner).clone(),
                Ty::Path { path, args } => match path.as_str() {
                    "std::vec::Vec" | "std::collections::VecDeque" => {
                        return args.first().cloned().unwrap_or(Ty::Unknown)
                    }
                    "std::collections::HashMap" | "std::collections::BTreeMap" => {
                        return args.get(1).cloned().unwrap_or(Ty::Unknown)
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        Ty::Unknown
    }

    /// What iterating a value of type `ty` yields: collections, slices, iterators, receivers.
    pub fn element_ty(&self, ty: &Ty) -> Ty {
        for ty in &self.deref_chain(ty) {
            match ty {
                Ty::Slice(inner) => return (**inner).clone(),
                Ty::Path { path, args } => match path.as_str() {
                    "std::vec::Vec"
                    | "std::collections::VecDeque"
                    | "std::collections::HashSet"
                    | "std::collections::BTreeSet"
                    | "std::collections::LinkedList"
                    | "std::option::Option"
                    | "std::iter::Iterator"
                    | "std::sync::mpsc::Receiver"
                    | "crossbeam_channel::Receiver" => return args.first().cloned().unwrap_or(Ty::Unknown),
                    "std::collections::HashMap" | "std::collections::BTreeMap" if args.len() == 2 => {
                        return Ty::Tuple(args.clone())
                    }
                    "std::fs::ReadDir" => {
                        return Ty::path("std::io::Result", vec![Ty::simple("std::fs::DirEntry")])
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        Ty::Unknown
    }

    /// A closure passed to an iterator adapter (`paths.iter().filter(|p| ..)`) takes the
    /// iterator's elements.
    fn closure_param_ty(&self, body: &Body, closure: ExprId, index: usize) -> Ty {
        let Some(call) = body.parent(closure) else { return Ty::Unknown };
        let ExprKind::MethodCall { receiver, method, args, .. } = body.kind(call) else { return Ty::Unknown };
        if index != 0 || args.first() != Some(&closure) || !ELEMENT_ADAPTERS.contains(&method.as_str()) {
            return Ty::Unknown;
        }
        let receiver_ty = self.ty_of(body, *receiver);
        if receiver_ty.is_path("std::iter::Iterator") {
            receiver_ty.first_arg()
        } else {
            Ty::Unknown
        }
    }

    /// `iter()`, `into_iter()`, ... and adapters that keep the element type, as
    /// `std::iter::Iterator<Element>`.
    fn iterator_method_ty(&self, receiver_ty: &Ty, method: &str) -> Option<Ty> {
        let iterator = |element: Ty| Ty::path("std::iter::Iterator", vec![element]);
        if receiver_ty.is_path("std::iter::Iterator") {
            return match method {
                _ if ELEMENT_PRESERVING.contains(&method) => Some(receiver_ty.clone()),
                "next" | "last" | "nth" | "min" | "max" | "find" | "min_by_key" | "max_by_key" => {
                    Some(Ty::path("std::option::Option", vec![receiver_ty.first_arg()]))
                }
                "enumerate" => Some(iterator(Ty::Tuple(vec![Ty::simple("usize"), receiver_ty.first_arg()]))),
                _ => None,
            };
        }
        match method {
            "iter" | "iter_mut" | "into_iter" | "drain" => {
                let element = self.element_ty(receiver_ty);
                (!element.is_unknown()).then(|| iterator(element))
            }
            _ => None,
        }
    }

    fn call_ty(&self, body: &Body, callee: ExprId, args: &[ExprId]) -> Ty {
        let ExprKind::Path(Resolved::Item(path)) = body.kind(callee) else {
            return Ty::Unknown;
        };
        let arg_tys: Vec<Ty> = args.iter().take(2).map(|a| self.ty_of(body, *a)).collect();
        if let Some(ty) = self.catalog.function_return(path, &arg_tys) {
            return ty;
        }
        if let Some(sig) = self.index.function(path) {
            let returns = sig.returns.clone().unwrap_or(Ty::Tuple(Vec::new()));
            return if sig.is_async { future_of(returns) } else { returns };
        }
        // A tuple struct's constructor: `Wrapper(inner)`.
        if self.index.is_local_type(path) {
            return Ty::simple(path.clone());
        }
        // `Type::new(..)` and friends return the type by convention.
        if let Some((ty_path, ctor)) = path.rsplit_once("::") {
            if matches!(ctor, "new" | "default" | "with_capacity") && self.is_type_path(ty_path) {
                return Ty::simple(ty_path.to_string());
            }
        }
        Ty::Unknown
    }

    fn is_type_path(&self, path: &str) -> bool {
        self.index.is_local_type(path) || self.catalog.is_known_path(path)
    }

    /// A type with the workspace's type aliases expanded (a few levels at most):
    /// `AppResult<u32>` is the `Result<u32, Error>` it names.
    pub fn without_aliases(&self, ty: Ty) -> Ty {
        let mut ty = ty;
        for _ in 0..MAX_DEREF_STEPS {
            let Ty::Path { path, args } = &ty else { break };
            match self.aliased_or_reexported(path, args) {
                Some(target) => ty = target,
                None => break,
            }
        }
        ty
    }

    /// What a workspace type path stands for: a `type` alias's value, or the type a
    /// `pub use` re-exports (`pub use parking_lot::Mutex;` in `crate::sync`).
    fn aliased_or_reexported(&self, path: &str, args: &[Ty]) -> Option<Ty> {
        if let Some(target) = self.index.alias(path, args) {
            return Some(target);
        }
        if self.index.defines_type_at(path) || self.catalog.is_known_path(path) {
            // The catalog's name for it (`tokio::runtime::Runtime`, also when the workspace
            // holds tokio and re-exports it from an inner module).
            return None;
        }
        let canonical = self.index.canonical(path);
        (canonical != path).then(|| Ty::path(canonical.as_ref(), args.to_vec()))
    }

    fn method_ty(&self, body: &Body, receiver: ExprId, method: &str, args: &[ExprId]) -> Ty {
        let receiver_ty = self.without_aliases(self.ty_of(body, receiver));
        if receiver_ty.is_unknown() {
            return Ty::Unknown;
        }
        match method {
            "unwrap" | "expect" | "unwrap_or_else" | "unwrap_or_default" | "unwrap_or"
            | "unwrap_unchecked" => {
                return receiver_ty.unwrapped();
            }
            // `child.stdout.take()`: the option itself, moved out.
            "take" if receiver_ty.is_path("std::option::Option") => return receiver_ty,
            // `map.get(k).cloned()`: an `Option<&T>` made an `Option<T>`.
            "cloned" | "copied" if receiver_ty.is_path("std::option::Option") => {
                let owned = match receiver_ty.first_arg() {
                    Ty::Ref(inner) => *inner,
                    other => other,
                };
                return Ty::path("std::option::Option", vec![owned]);
            }
            "clone" | "to_owned" => {
                let owned = match receiver_ty {
                    Ty::Ref(inner) => *inner,
                    other => other,
                };
                // Guards are not `Clone`: `guard.clone()` clones the value behind them.
                let is_guard = owned.path_str().is_some_and(|p| self.catalog.guard_kind(p).is_some());
                return if is_guard { owned.first_arg() } else { owned };
            }
            _ => {}
        }
        if let Some(ty) = result_combinator_ty(&receiver_ty, method) {
            return ty;
        }
        if let Some(ty) = self.iterator_method_ty(&receiver_ty, method) {
            return ty;
        }
        let arg_tys: Vec<Ty> = args.iter().take(2).map(|a| self.ty_of(body, *a)).collect();
        for ty in self.deref_chain(&receiver_ty) {
            if let Ty::Slice(element) = &ty {
                if let Some(ret) = slice_accessor_ty(element, method) {
                    return ret;
                }
            }
            if let Some(ret) = self.catalog.method_return(&ty, method, &arg_tys) {
                return ret;
            }
            if let Some(path) = ty.path_str() {
                if let Some(sig) = self.index.function(&format!("{path}::{method}")) {
                    let returns = sig.returns.clone().unwrap_or(Ty::Tuple(Vec::new()));
                    return if sig.is_async { future_of(returns) } else { returns };
                }
            }
        }
        Ty::Unknown
    }

    fn awaited_ty(&self, body: &Body, inner: ExprId) -> Ty {
        match self.ty_of(body, inner) {
            Ty::Bounds(bounds) => bounds
                .iter()
                .find(|b| b.is_path("std::future::Future"))
                .map(|b| b.first_arg())
                .unwrap_or(Ty::Unknown),
            // Another crate's future whose output the catalog knows (`handle.await`).
            ty @ Ty::Path { .. } => self.catalog.fixed_future_output(&ty).unwrap_or(Ty::Unknown),
            _ => Ty::Unknown,
        }
    }

    /// Follows a pattern path into a type: tuple fields, tuple-struct fields, and `Some`/`Ok`
    /// payloads.
    fn project(&self, ty: Ty, path: &[PatStep]) -> Ty {
        let mut current = ty;
        for step in path {
            current = match (step, &current) {
                (PatStep::Field(i), Ty::Tuple(items)) => items.get(*i).cloned().unwrap_or(Ty::Unknown),
                (PatStep::Field(_), Ty::Ref(inner)) => {
                    self.project((**inner).clone(), std::slice::from_ref(step))
                }
                // Default binding modes: `Some(f)` against `&mut Option<File>` binds `f` as a
                // reference to the `File` (calls see through it; it owns no guard).
                (PatStep::Variant, Ty::Ref(inner)) => {
                    Ty::Ref(Box::new(self.project((**inner).clone(), std::slice::from_ref(step))))
                }
                (PatStep::Field(i), Ty::Path { .. }) => self.tuple_struct_field(&current, *i),
                (PatStep::Variant, Ty::Path { .. }) => current.unwrapped(),
                _ => Ty::Unknown,
            };
        }
        current
    }

    /// Field `index` of a tuple struct (in a pattern, or as `value.0`): from the crate's own
    /// definition, or for another crate's one-parameter wrapper (axum's `State<T>`,
    /// `Extension<T>`, `Json<T>`; `Wrapping<T>`) the parameter itself, which is what such
    /// wrappers hold.
    fn tuple_struct_field(&self, ty: &Ty, index: usize) -> Ty {
        let Ty::Path { path, args } = ty else { return Ty::Unknown };
        if let Some(field) = self.index.field_type(path, &index.to_string()) {
            return field.instantiate(args);
        }
        if self.index.is_local_type(path) {
            return Ty::Unknown;
        }
        match args.as_slice() {
            [only] if index == 0 => only.clone(),
            _ => Ty::Unknown,
        }
    }

    fn field_ty(&self, body: &Body, base: ExprId, name: &str) -> Ty {
        let chain = self.deref_chain(&self.ty_of(body, base));
        let position = name.parse::<usize>().ok();
        for ty in &chain {
            match (ty, position) {
                (Ty::Tuple(items), Some(i)) => {
                    if let Some(item) = items.get(i) {
                        return item.clone();
                    }
                }
                (Ty::Path { path, args }, _) => {
                    if let Some(field) = self.index.field_type(path, name) {
                        return field.instantiate(args);
                    }
                    if let Some(field) = self.catalog.field_type(path, name) {
                        return field;
                    }
                }
                _ => {}
            }
        }
        // `state.0` on an extractor, which derefs on to what it holds.
        if position == Some(0) {
            if let Some(extractor) =
                chain.iter().find(|t| t.path_str().is_some_and(|p| self.catalog.is_extractor(p)))
            {
                return extractor.first_arg();
            }
        }
        // `state.0` on another crate's wrapper, where auto-deref ends.
        match (chain.last(), position) {
            (Some(ty), Some(i)) => self.tuple_struct_field(ty, i),
            _ => Ty::Unknown,
        }
    }
}

/// `impl Future<..>` as derived for async fn calls and async blocks.
fn is_future(ty: &Ty) -> bool {
    matches!(ty, Ty::Bounds(bounds) if bounds.iter().any(|b| b.is_path("std::future::Future")))
}

/// What `Result`'s and `Option`'s adapters keep of their receiver's type: `map_err`, `or_else`,
/// anyhow's `context` keep the success type (`lock().map_err(..)?` is still a guard), `map`
/// and `and_then` keep only that the value is a `Result`, `ok_or` turns an `Option` into one.
fn result_combinator_ty(receiver: &Ty, method: &str) -> Option<Ty> {
    let result = |ok: Ty| Ty::path("std::result::Result", vec![ok]);
    if receiver.is_path("std::option::Option") {
        return match method {
            "ok_or" | "ok_or_else" | "context" | "with_context" => Some(result(receiver.first_arg())),
            _ => None,
        };
    }
    if !receiver.is_result() {
        return None;
    }
    match method {
        "map_err" | "or_else" | "inspect" | "inspect_err" | "context" | "with_context" | "wrap_err"
        | "wrap_err_with" => Some(result(receiver.first_arg())),
        "map" | "and_then" | "and" | "or" => Some(result(Ty::Unknown)),
        "ok" => Some(Ty::path("std::option::Option", vec![receiver.first_arg()])),
        _ => None,
    }
}

/// `first()`, `last()`, `get(i)` (and their `_mut` forms) of a slice: a reference to an element.
fn slice_accessor_ty(element: &Ty, method: &str) -> Option<Ty> {
    matches!(method, "first" | "last" | "get" | "first_mut" | "last_mut" | "get_mut")
        .then(|| Ty::path("std::option::Option", vec![Ty::Ref(Box::new(element.clone()))]))
}

fn future_of(output: Ty) -> Ty {
    Ty::Bounds(vec![Ty::path("std::future::Future", vec![output])])
}
