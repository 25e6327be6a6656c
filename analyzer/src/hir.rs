//! The high-level IR every rule works on.
//!
//! syn's tree is lowered once per file ([`crate::lower`]) into this form:
//! - paths are resolved to canonical names (`sleep` -> `std::thread::sleep`), and local
//!   variables are told apart from items, so shadowing is already decided;
//! - the macros async code is written with (`select!`, `join!`, `pin!`, `vec!`, format-like
//!   macros) are parsed into ordinary nodes, so rules see inside them;
//! - each function body is an arena of expressions addressed by [`ExprId`], with a parent
//!   table, so rules can walk down and up.
//!
//! **Architecture invariant:** nothing here refers to syn; rules never parse.

use crate::source::Span;
use crate::ty::Ty;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

/// A name as a path resolves: an item somewhere (crate-local or external), or nothing known.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Resolved {
    /// A canonical path: `std::thread::sleep`, `my_crate::db::load`.
    Item(String),
    /// A name the resolver could not place (a glob import of an unknown module, a macro-made item).
    Unknown(String),
}

impl Resolved {
    pub fn item(&self) -> Option<&str> {
        match self {
            Resolved::Item(path) => Some(path),
            Resolved::Unknown(_) => None,
        }
    }

    /// The last segment, whatever the resolution.
    pub fn name(&self) -> &str {
        let text = match self {
            Resolved::Item(path) | Resolved::Unknown(path) => path.as_str(),
        };
        text.rsplit("::").next().unwrap_or(text)
    }
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A path to an item (function, constant, unit struct, enum variant).
    Path(Resolved),
    Local(LocalId),
    Call {
        callee: ExprId,
        args: Vec<ExprId>,
    },
    MethodCall {
        receiver: ExprId,
        method: String,
        method_span: Span,
        args: Vec<ExprId>,
    },
    Await(ExprId),
    /// `expr?`
    Try(ExprId),
    Field {
        base: ExprId,
        name: String,
    },
    Block(Block),
    /// `async { .. }` / `async move { .. }`; the body is a `Block`.
    Async {
        body: ExprId,
        is_move: bool,
        /// Span of the `async` keyword (and `move`), for labels.
        header: Span,
        /// An `async_stream::stream!` body: async code, but its value is a stream, not a
        /// future.
        is_stream: bool,
    },
    Closure {
        is_async: bool,
        is_move: bool,
        params: Vec<Pat>,
        body: ExprId,
        /// Span of `|params|` (with `async`/`move`), for labels.
        header: Span,
    },
    If {
        cond: ExprId,
        then_branch: ExprId,
        else_branch: Option<ExprId>,
    },
    /// `let PAT = EXPR` inside an `if`/`while` condition (also in let chains).
    Let {
        pat: Pat,
        scrutinee: ExprId,
    },
    Match {
        scrutinee: ExprId,
        arms: Vec<Arm>,
    },
    Loop {
        body: ExprId,
        label: Option<String>,
    },
    While {
        cond: ExprId,
        body: ExprId,
        label: Option<String>,
    },
    For {
        pat: Box<Pat>,
        iter: ExprId,
        body: ExprId,
        label: Option<String>,
    },
    Break {
        label: Option<String>,
        value: Option<ExprId>,
    },
    Continue {
        label: Option<String>,
    },
    Return(Option<ExprId>),
    Assign {
        target: ExprId,
        value: ExprId,
    },
    /// `&expr` / `&mut expr`
    Ref(ExprId),
    /// `*expr`
    Deref(ExprId),
    Tuple(Vec<ExprId>),
    /// A struct literal: `Foo { a, b: expr, ..rest }`.
    Struct {
        path: Resolved,
        fields: Vec<ExprId>,
    },
    /// `base[index]`.
    Index {
        base: ExprId,
        index: ExprId,
    },
    /// Boxed: the largest variant, and rare; every expression is as big as the largest.
    Macro(Box<MacroCall>),
    Lit,
    /// Any other expression (binary ops, arrays, casts, ranges); only its
    /// sub-expressions matter to the rules.
    Other(Vec<ExprId>),
}

#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub tail: Option<ExprId>,
    pub is_unsafe: bool,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    /// `let PAT: TYPE = init else { .. };` (the type is on the pattern's locals).
    Let { pat: Pat, init: Option<ExprId>, else_branch: Option<ExprId>, span: Span },
    /// An expression statement; `semi` tells `expr;` from a block-like `expr` without `;`.
    Expr { expr: ExprId, semi: bool },
    /// A nested item (its functions are lowered separately, as [`FnOwner::Nested`]).
    Item,
}

#[derive(Clone, Debug)]
pub struct Arm {
    pub pat: Pat,
    pub guard: Option<ExprId>,
    pub body: ExprId,
}

#[derive(Clone, Debug)]
pub enum Pat {
    /// `_`
    Wild,
    /// `x`, `mut x`, `ref x`, `x @ ..`
    Binding { local: LocalId, by_ref: bool },
    /// `(a, b)`
    Tuple(Vec<Pat>),
    /// `Some(x)`, `Ok(x)`, `Foo(a, b)`: a path with positional sub-patterns.
    TupleStruct { path: Resolved, items: Vec<Pat> },
    /// Anything else: the locals it binds (struct patterns, slices, or-patterns, literals).
    Other(Vec<LocalId>),
}

impl Pat {
    /// Every local the pattern binds, in order.
    pub fn bindings(&self) -> Vec<LocalId> {
        let mut out = Vec::new();
        self.collect_bindings(&mut out);
        out
    }

    fn collect_bindings(&self, out: &mut Vec<LocalId>) {
        match self {
            Pat::Wild => {}
            Pat::Binding { local, .. } => out.push(*local),
            Pat::Tuple(items) | Pat::TupleStruct { items, .. } => {
                items.iter().for_each(|item| item.collect_bindings(out))
            }
            Pat::Other(locals) => out.extend(locals.iter().copied()),
        }
    }
}

/// A macro invocation in expression or statement position, parsed where its grammar is known.
#[derive(Clone, Debug)]
pub struct MacroCall {
    pub path: Resolved,
    pub kind: MacroKind,
}

#[derive(Clone, Debug)]
pub enum MacroKind {
    /// `tokio::select!`, `futures::select!`, `futures::select_biased!`.
    Select(Select),
    /// Arguments that parsed as expressions (`join!`, `println!`, `vec!`, `assert!`, ...).
    Exprs(Vec<ExprId>),
    /// Statement-like bodies (`tokio::pin! { let x = ..; }`), lowered as a block.
    Stmts(ExprId),
    /// Tokens that do not parse as expressions: nothing inside is analysed.
    Opaque,
}

#[derive(Clone, Debug)]
pub struct Select {
    pub biased: bool,
    pub branches: Vec<SelectBranch>,
    /// `else => ..` (tokio), `complete => ..` / `default => ..` (futures).
    pub fallback: Vec<ExprId>,
}

#[derive(Clone, Debug)]
pub struct SelectBranch {
    pub pat: Pat,
    pub future: ExprId,
    /// `, if cond` precondition (tokio).
    pub condition: Option<ExprId>,
    pub handler: ExprId,
    /// Span of the whole branch, `pat = fut => handler`.
    pub span: Span,
}

/// A local variable: a `let` binding, a parameter, a pattern binding, or `self`.
#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub span: Span,
    pub declared_ty: Option<Ty>,
    pub origin: LocalOrigin,
}

/// Where a local gets its value, which is what type derivation follows.
#[derive(Clone, Debug)]
pub enum LocalOrigin {
    Param,
    /// Bound inside a destructuring parameter pattern: `State(state): State<AppState>`.
    ParamPart {
        param_ty: Ty,
        path: Vec<PatStep>,
    },
    SelfParam,
    /// Bound by `let PAT = init`; `path` says where in the pattern (tuple index / variant field).
    Let {
        init: Option<ExprId>,
        path: Vec<PatStep>,
    },
    /// Bound by a `for` pattern over `iter`; `path` says where in the element.
    ForLoop {
        iter: ExprId,
        path: Vec<PatStep>,
    },
    /// Bound by a `match`/`if let`/`while let` pattern over `scrutinee`.
    Scrutinee {
        scrutinee: ExprId,
        path: Vec<PatStep>,
    },
    /// Parameter `index` of the closure `closure` (`None` inside a destructuring pattern).
    ClosureParam {
        closure: Option<ExprId>,
        index: usize,
    },
}

/// One step from a value into a pattern: `(a, b)` -> `Field(1)` for `b`; `Some(x)` -> `Variant`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatStep {
    Field(usize),
    /// Into the payload of `Some`/`Ok`/`Err`-like variants.
    Variant,
}

/// One function body.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub exprs: Vec<Expr>,
    pub locals: Vec<Local>,
    pub parents: Vec<Option<ExprId>>,
    pub root: Option<ExprId>,
    /// The invocations of the file's own `macro_rules!` macros lowered as their expansions,
    /// with the macro's name: what the expansion contains is reported at the invocation.
    pub expansions: Vec<(Span, String)>,
}

impl Body {
    pub fn expr(&self, id: ExprId) -> &Expr {
        &self.exprs[id.0 as usize]
    }

    pub fn kind(&self, id: ExprId) -> &ExprKind {
        &self.exprs[id.0 as usize].kind
    }

    pub fn span(&self, id: ExprId) -> Span {
        self.exprs[id.0 as usize].span
    }

    pub fn local(&self, id: LocalId) -> &Local {
        &self.locals[id.0 as usize]
    }

    pub fn parent(&self, id: ExprId) -> Option<ExprId> {
        self.parents.get(id.0 as usize).copied().flatten()
    }

    /// Whether the value of `id` is immediately `.await`ed (through parentheses, which are
    /// already gone in the HIR).
    pub fn is_awaited(&self, id: ExprId) -> bool {
        matches!(self.parent(id).map(|p| self.kind(p)), Some(ExprKind::Await(_)))
    }

    /// The closure an argument evaluates to: the argument itself, or the value of a block
    /// around it (`spawn({ let tx = tx.clone(); move || .. })`).
    pub fn closure_value(&self, mut expr: ExprId) -> Option<ExprId> {
        loop {
            match self.kind(expr) {
                ExprKind::Closure { .. } => return Some(expr),
                ExprKind::Block(Block { tail: Some(tail), .. }) => expr = *tail,
                _ => return None,
            }
        }
    }

    /// Every expression that reads the local `local`, in arena order.
    pub fn uses_of(&self, local: LocalId) -> impl Iterator<Item = ExprId> + '_ {
        (0..self.exprs.len() as u32)
            .map(ExprId)
            .filter(move |&id| matches!(self.kind(id), ExprKind::Local(l) if *l == local))
    }

    /// The value a local holds throughout: the initializer of `let local = value;` when the
    /// pattern is the local itself and nothing assigns it again.
    pub fn bound_value(&self, local: LocalId) -> Option<ExprId> {
        match &self.local(local).origin {
            LocalOrigin::Let { init: Some(init), path } if path.is_empty() && !self.is_reassigned(local) => {
                Some(*init)
            }
            _ => None,
        }
    }

    /// The name a call calls: the last segment of its path, or its method.
    pub fn callee_name(&self, call: ExprId) -> Option<&str> {
        match self.kind(call) {
            ExprKind::Call { callee, .. } => match self.kind(*callee) {
                ExprKind::Path(path) => Some(path.name()),
                _ => None,
            },
            ExprKind::MethodCall { method, .. } => Some(method),
            _ => None,
        }
    }

    /// Whether `local = ..` assigns the local a new value somewhere in the body.
    pub fn is_reassigned(&self, local: LocalId) -> bool {
        self.exprs.iter().any(|expr| match &expr.kind {
            ExprKind::Assign { target, .. } => {
                matches!(self.kind(*target), ExprKind::Local(l) if *l == local)
            }
            _ => false,
        })
    }

    /// The direct sub-expressions of an expression, in evaluation order.
    pub fn children(&self, id: ExprId) -> Vec<ExprId> {
        let mut out = Vec::new();
        for_each_child(self.kind(id), |child| out.push(child));
        out
    }
}

/// Calls `f` on each direct child expression of `kind`, in source order.
pub fn for_each_child(kind: &ExprKind, mut f: impl FnMut(ExprId)) {
    match kind {
        ExprKind::Path(_) | ExprKind::Local(_) | ExprKind::Lit | ExprKind::Continue { .. } => {}
        ExprKind::Call { callee, args } => {
            f(*callee);
            args.iter().copied().for_each(f);
        }
        ExprKind::MethodCall { receiver, args, .. } => {
            f(*receiver);
            args.iter().copied().for_each(f);
        }
        ExprKind::Await(inner)
        | ExprKind::Try(inner)
        | ExprKind::Ref(inner)
        | ExprKind::Deref(inner)
        | ExprKind::Field { base: inner, .. } => f(*inner),
        ExprKind::Block(block) => for_each_block_child(block, f),
        ExprKind::Async { body, .. } | ExprKind::Closure { body, .. } => f(*body),
        ExprKind::If { cond, then_branch, else_branch } => {
            f(*cond);
            f(*then_branch);
            else_branch.iter().copied().for_each(f);
        }
        ExprKind::Let { scrutinee, .. } => f(*scrutinee),
        ExprKind::Match { scrutinee, arms } => {
            f(*scrutinee);
            for arm in arms {
                arm.guard.iter().copied().for_each(&mut f);
                f(arm.body);
            }
        }
        ExprKind::Loop { body, .. } => f(*body),
        ExprKind::While { cond, body, .. } => {
            f(*cond);
            f(*body);
        }
        ExprKind::For { iter, body, .. } => {
            f(*iter);
            f(*body);
        }
        ExprKind::Break { value, .. } => value.iter().copied().for_each(f),
        ExprKind::Return(value) => value.iter().copied().for_each(f),
        ExprKind::Assign { target, value } => {
            f(*target);
            f(*value);
        }
        ExprKind::Tuple(items) | ExprKind::Other(items) => items.iter().copied().for_each(f),
        ExprKind::Index { base, index } => {
            f(*base);
            f(*index);
        }
        ExprKind::Struct { fields, .. } => fields.iter().copied().for_each(f),
        ExprKind::Macro(call) => match &call.kind {
            MacroKind::Select(select) => {
                for branch in &select.branches {
                    f(branch.future);
                    branch.condition.iter().copied().for_each(&mut f);
                    f(branch.handler);
                }
                select.fallback.iter().copied().for_each(f);
            }
            MacroKind::Exprs(items) => items.iter().copied().for_each(f),
            MacroKind::Stmts(block) => f(*block),
            MacroKind::Opaque => {}
        },
    }
}

fn for_each_block_child(block: &Block, mut f: impl FnMut(ExprId)) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::Let { init, else_branch, .. } => {
                init.iter().copied().for_each(&mut f);
                else_branch.iter().copied().for_each(&mut f);
            }
            Stmt::Expr { expr, .. } => f(*expr),
            Stmt::Item => {}
        }
    }
    block.tail.iter().copied().for_each(f);
}

/// What a function belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FnOwner {
    /// A free function in a module.
    Free,
    /// A method or associated function in an `impl` block.
    Impl { self_ty: Ty, trait_path: Option<String> },
    /// A method in a trait definition: `provided` with a default body, else required (each
    /// impl defines it).
    Trait { trait_path: String, provided: bool },
    /// A `fn` item nested in another function's body.
    Nested,
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    /// Canonical path: `my_crate::db::load`, `my_crate::db::Repo::load`.
    pub path: String,
    pub owner: FnOwner,
    pub is_async: bool,
    pub has_self: bool,
    /// The declared return type; `None` for `()`.
    pub returns: Option<Ty>,
    pub params: Vec<LocalId>,
    /// `None` for a trait method without a default body.
    pub body: Option<Body>,
    /// The function's name, for primary spans and labels.
    pub name_span: Span,
    /// From `async`/`fn` to the function's name: `async fn load`.
    pub signature_span: Span,
    /// The whole item, signature and body.
    pub item_span: Span,
    /// Inside a `#[cfg(test)]` module, or a `#[test]`/`#[tokio::test]` function.
    pub is_test: bool,
    /// `#[tokio::main]`, `#[tokio::test]` and the like: the attribute turns the `async fn` into
    /// a sync one for its callers (its body is still async code).
    pub is_entry_point: bool,
    /// Such an attribute that makes the function start a runtime and block on its body when
    /// called (`tokio::main`, `async_std::main`, `actix_web::main`: a `*::main`), as written.
    pub runtime_entry: Option<String>,
    /// Lints allowed (`#[allow(..)]`, `#[expect(..)]`) on the function or around it: a finding
    /// whose clippy/rustc equivalent is allowed there is not reported.
    pub allowed_lints: Vec<String>,
    /// Parameters (by position, `self` first) typed `'static`: a closure passed there is kept
    /// for later or run on another thread.
    pub static_params: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct StructDef {
    pub path: String,
    /// Named fields; tuple-struct fields are named `0`, `1`, ...
    pub fields: Vec<(String, Ty)>,
}

/// A `static`/`const` (also `lazy_static!` and `thread_local!` entries) and its declared type.
#[derive(Clone, Debug)]
pub struct StaticDef {
    pub path: String,
    pub ty: Ty,
}

/// Everything lowered from one file.
#[derive(Clone, Debug, Default)]
pub struct FileHir {
    /// The crate the file belongs to, as its paths start.
    pub crate_name: String,
    pub functions: Vec<Function>,
    pub structs: Vec<StructDef>,
    pub statics: Vec<StaticDef>,
    /// Canonical paths imported by name anywhere in the file (`use a::b::Trait;`).
    pub imports: Vec<String>,
    /// Names a module's `use` items create: `(module::Name, target path)`.
    pub reexports: Vec<(String, String)>,
    /// Canonical module paths imported with `*` anywhere in the file.
    pub glob_imports: Vec<String>,
    /// A module's `pub use target::*;` items: `(module, target module)`. Outside the module,
    /// a path through it may name an item of the target.
    pub glob_reexports: Vec<(String, String)>,
    /// Paths of types (structs, enums, unions, traits) defined in the file.
    pub defined_types: Vec<String>,
    /// Statements with `#[allow(..)]`/`#[expect(..)]`: the span and the lints.
    pub allowed_regions: Vec<(Span, Vec<String>)>,
    /// `type Alias = Target;` items, resolved.
    pub type_aliases: Vec<(String, Ty)>,
    /// `impl Trait for Type` blocks of the workspace's traits and named types, resolved:
    /// `(type path, trait path)`. A trait's default method is the type's method unless the
    /// impl overrides it.
    pub trait_impls: Vec<(String, String)>,
    /// Item-level invocations of the file's own `macro_rules!` macros that were replaced by
    /// the items they generate (see `macro_items::expand_own_macros`): the span everything
    /// generated is placed on, and the macro's name.
    pub item_expansions: Vec<(Span, String)>,
}
