//! Guard lifetimes: which lock guards and `RefCell` borrows are alive at each await point of
//! an async body, by Rust's drop rules (both editions).
//!
//! An abstract interpreter walks the body in evaluation order with the set of live guards:
//! - a `let` binding of a guard type lives to the end of its block, unless moved (`drop(g)`,
//!   passed by value, returned, captured by a `move` closure or async block); shadowing does
//!   not end it, the `_` pattern binds nothing, and a tuple or struct literal bound by `let`
//!   takes over a guard moved into it;
//! - a temporary guard (`m.lock().unwrap().push(x)`, `*m.lock().unwrap()`) lives to the end of
//!   its statement, except in an `if`/`while` condition (dropped before the body), an
//!   `if let`/`while let` scrutinee (through the then-block / each iteration; in edition 2021 and
//!   earlier also through the else-block), and a match arm (the arm);
//! - branches join as "alive on some path"; a branch that diverges (`return`, `break`,
//!   `continue`) does not reach what follows it, which makes the analysis path sensitive.
//!
//! `.await`, `select!` and `join!` are await points. Closures are not entered (a sync closure
//! finishes before any await), and inner async blocks are analysed on their own.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::catalog::GuardKind;
use crate::hir::*;
use crate::semantics::Semantics;
use crate::source::{Edition, Pos, Span};
use crate::ty::Ty;

/// Where a guard lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuardOrigin {
    /// A local variable (`let g = m.lock().unwrap();`, a pattern binding, a parameter).
    Binding(LocalId),
    /// A temporary inside a larger expression.
    Temporary(ExprId),
    /// A temporary a `let` borrows (`let items = &mut *m.lock().unwrap();`): Rust extends it
    /// to the end of the binding's block.
    ExtendedTemporary(ExprId),
}

/// A guard that is alive at one or more await points.
#[derive(Clone, Debug)]
pub struct HeldGuard {
    pub kind: GuardKind,
    /// The guard type's name, for messages: `MutexGuard`, `RefMut`.
    pub type_name: String,
    /// When the value is a workspace struct holding a guard in a field (`Transaction { rows:
    /// MutexGuard<..> }`), that guard type's name.
    pub holds: Option<String>,
    pub origin: GuardOrigin,
    /// Where the guard is created: the binding, or the temporary expression.
    pub span: Span,
    /// The bindings it was moved into (`let g2 = g;`), in order: the last one keeps it alive.
    pub rebindings: Vec<Span>,
    /// The await points it is alive at, in source order.
    pub awaits: Vec<Span>,
}

/// Methods of `Option` and `Result` that take their receiver by value: an `Option`/`Result`
/// holding a guard is moved into the call, not borrowed into a temporary.
const CONSUMING_METHODS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_else",
    "unwrap_or",
    "unwrap_or_default",
    "ok",
    "err",
    "map",
    "map_or",
    "map_or_else",
    "is_some_and",
    "is_none_or",
    "ok_or",
    "ok_or_else",
    "map_err",
    "and_then",
    "into_inner",
    "into",
    "unwrap_unchecked",
];

type Live = BTreeSet<usize>;

/// A guard a tuple or struct literal holds (see `Interpreter::held_in_aggregate`).
enum Held {
    /// Moved in from the local holding it.
    Moved(usize),
    /// Taken inside the literal: `State { g: m.lock().unwrap() }`.
    Taken(GuardKind, String),
}

/// Analyses one async body: an async fn's body (with its parameters), or an async block or
/// closure body.
pub fn held_guards(
    sem: &Semantics<'_>,
    body: &Body,
    root: ExprId,
    params: &[LocalId],
    edition: Edition,
) -> Vec<HeldGuard> {
    let mut interp = Interpreter {
        sem,
        body,
        edition,
        guards: Vec::new(),
        by_local: HashMap::new(),
        frames: Vec::new(),
        decls: vec![Vec::new()],
        extended: HashSet::new(),
        loops: Vec::new(),
    };
    let mut live = Live::new();
    for param in params {
        if let Some((kind, name)) = interp.guard_type(&sem.local_ty(body, *param)) {
            interp.bind(*param, kind, name, &mut live);
        }
    }
    interp.eval(root, &mut live);
    interp
        .guards
        .into_iter()
        .filter(|g| !g.awaits.is_empty())
        .map(|mut g| {
            g.awaits.sort();
            g.awaits.dedup();
            g
        })
        .collect()
}

/// Every async body of a function: its own body if it is an `async fn`, and every async block
/// and async closure inside it (also inside sync functions). Returns `(root, params)` pairs.
pub fn async_bodies(function: &Function) -> Vec<(ExprId, Vec<LocalId>)> {
    let Some(body) = &function.body else { return Vec::new() };
    let mut out = Vec::new();
    if function.is_async {
        if let Some(root) = body.root {
            out.push((root, function.params.clone()));
        }
    }
    for expr in &body.exprs {
        match &expr.kind {
            ExprKind::Async { body: inner, .. } => out.push((*inner, Vec::new())),
            ExprKind::Closure { is_async: true, body: inner, params, .. } => {
                out.push((*inner, params.iter().flat_map(Pat::bindings).collect()));
            }
            _ => {}
        }
    }
    out
}

struct LoopFrame {
    label: Option<String>,
    breaks: Vec<Live>,
}

struct Interpreter<'s, 'a> {
    sem: &'s Semantics<'a>,
    body: &'s Body,
    edition: Edition,
    guards: Vec<HeldGuard>,
    by_local: HashMap<LocalId, usize>,
    /// Temporary scopes, innermost last: the guards created as temporaries in each.
    frames: Vec<Vec<usize>>,
    /// Guard bindings declared in each open block or arm, innermost last.
    decls: Vec<Vec<usize>>,
    /// Temporaries whose scope a `let` extends to its block (see `mark_extending`).
    extended: HashSet<ExprId>,
    loops: Vec<LoopFrame>,
}

impl Interpreter<'_, '_> {
    /// Evaluates `id`; returns false when it diverges (nothing after it runs).
    fn eval(&mut self, id: ExprId, live: &mut Live) -> bool {
        let continues = self.eval_kind(id, live);
        if continues && self.creates_temporary(id) {
            if let Some((kind, name)) = self.guard_of_expr(id) {
                // An extended temporary lives as long as the `let` binding borrowing it.
                let extended = self.extended.contains(&id);
                let origin =
                    if extended { GuardOrigin::ExtendedTemporary(id) } else { GuardOrigin::Temporary(id) };
                let guard = self.new_guard(kind, name, origin, self.body.span(id));
                live.insert(guard);
                let scope = if extended { &mut self.decls } else { &mut self.frames };
                if let Some(scope) = scope.last_mut() {
                    scope.push(guard);
                }
            }
        }
        continues
    }

    fn eval_all(&mut self, ids: &[ExprId], live: &mut Live) -> bool {
        ids.iter().all(|id| self.eval(*id, live))
    }

    fn eval_kind(&mut self, id: ExprId, live: &mut Live) -> bool {
        let body = self.body;
        match body.kind(id) {
            ExprKind::Path(_) | ExprKind::Local(_) | ExprKind::Lit => true,
            ExprKind::Call { callee, args } => {
                let continues = self.eval(*callee, live) && self.eval_all(args, live);
                self.move_out(args, live);
                continues
            }
            ExprKind::MethodCall { receiver, args, method, .. } => {
                let continues = self.eval(*receiver, live) && self.eval_all(args, live);
                self.move_out(args, live);
                if self.moves_receiver(*receiver, method) {
                    self.move_out(std::slice::from_ref(receiver), live);
                }
                continues
            }
            ExprKind::Await(inner) => {
                let continues = self.eval(*inner, live);
                if continues {
                    self.record_await(await_keyword_span(body.span(id)), live);
                }
                continues
            }
            ExprKind::Try(inner) | ExprKind::Field { base: inner, .. } | ExprKind::Ref(inner) => {
                self.eval(*inner, live)
            }
            ExprKind::Deref(inner) => self.eval(*inner, live),
            ExprKind::Block(block) => self.block(block, live),
            ExprKind::Async { is_move, .. } | ExprKind::Closure { is_move, .. } => {
                self.capture(id, *is_move, live);
                true
            }
            ExprKind::If { cond, then_branch, else_branch } => {
                self.if_expr(*cond, *then_branch, *else_branch, live)
            }
            ExprKind::Let { pat, scrutinee } => {
                let continues = self.eval(*scrutinee, live);
                self.bind_pattern(pat, live);
                continues
            }
            ExprKind::Match { scrutinee, arms } => self.match_expr(*scrutinee, arms, live),
            ExprKind::Loop { body: inner, label } => self.loop_expr(*inner, label.clone(), live),
            ExprKind::While { cond, body: inner, label } => {
                self.while_expr(*cond, *inner, label.clone(), live)
            }
            ExprKind::For { pat, iter, body: inner, label } => {
                if !self.eval(*iter, live) {
                    return false;
                }
                let entry = live.clone();
                let mut iteration = live.clone();
                self.loops.push(LoopFrame { label: label.clone(), breaks: Vec::new() });
                self.decls.push(Vec::new());
                self.bind_pattern(pat, &mut iteration);
                self.eval(*inner, &mut iteration);
                self.close_decls(&mut iteration);
                self.loops.pop();
                *live = entry;
                true
            }
            ExprKind::Break { label, value } => {
                if let Some(value) = value {
                    if !self.eval(*value, live) {
                        return false;
                    }
                    self.move_out(std::slice::from_ref(value), live);
                }
                self.record_break(label.as_deref(), live);
                false
            }
            ExprKind::Continue { .. } => false,
            ExprKind::Return(value) => {
                if let Some(value) = value {
                    self.eval(*value, live);
                }
                false
            }
            ExprKind::Assign { target, value } => {
                let continues = self.eval(*value, live) && self.eval(*target, live);
                self.move_out(std::slice::from_ref(value), live);
                if let ExprKind::Local(local) = body.kind(*target) {
                    // Assigning drops the old value: a guard the local held is released.
                    if let Some(old) = self.by_local.get(local).copied() {
                        live.remove(&old);
                    }
                    if let Some((kind, name)) = self.guard_of_expr(*value) {
                        self.bind_at(*local, kind, name, body.span(*value), live);
                    }
                }
                continues
            }
            ExprKind::Tuple(items) => {
                let continues = self.eval_all(items, live);
                self.move_out(items, live);
                continues
            }
            ExprKind::Struct { fields, .. } => {
                let continues = self.eval_all(fields, live);
                self.move_out(fields, live);
                continues
            }
            ExprKind::Other(items) => self.eval_all(items, live),
            ExprKind::Index { base, index } => self.eval_all(&[*base, *index], live),
            ExprKind::Macro(call) => self.macro_call(call, body.span(id), live),
        }
    }

    fn block(&mut self, block: &Block, live: &mut Live) -> bool {
        self.decls.push(Vec::new());
        let mut continues = true;
        for stmt in &block.stmts {
            continues = match stmt {
                Stmt::Let { pat, init, else_branch, .. } => self.let_stmt(pat, *init, *else_branch, live),
                Stmt::Expr { expr, .. } => {
                    self.frames.push(Vec::new());
                    let continues = self.eval(*expr, live);
                    self.close_frame(live);
                    continues
                }
                Stmt::Item => true,
            };
            if !continues {
                break;
            }
        }
        if continues {
            if let Some(tail) = block.tail {
                // Edition 2024 drops a block tail's temporaries at the end of the block;
                // earlier editions keep them to the end of the enclosing statement.
                let own_frame = self.edition >= Edition::E2024;
                if own_frame {
                    self.frames.push(Vec::new());
                }
                continues = self.eval(tail, live);
                if own_frame {
                    self.close_frame(live);
                }
            }
        }
        self.close_decls(live);
        continues
    }

    fn let_stmt(
        &mut self,
        pat: &Pat,
        init: Option<ExprId>,
        else_branch: Option<ExprId>,
        live: &mut Live,
    ) -> bool {
        self.frames.push(Vec::new());
        let mut continues = true;
        if let Some(init) = init {
            self.mark_extending(init);
            continues = self.eval(init, live);
            // `let _ = g;` binds nothing and so moves nothing: the guard in `g` lives on.
            if continues && !matches!(pat, Pat::Wild) {
                self.move_out(&[init], live);
            }
        }
        if continues {
            if let Some(else_branch) = else_branch {
                let mut diverging = live.clone();
                self.eval(else_branch, &mut diverging);
            }
        }
        self.close_frame(live);
        if continues {
            match (pat, init) {
                // `let g2 = g;` moves the guard: still the one taken where `g` was bound.
                (Pat::Binding { local, .. }, Some(init)) if self.guard_of_local(init).is_some() => {
                    let guard = self.guard_of_local(init).expect("checked by the guard");
                    self.rebind(*local, guard, live);
                }
                // `let held = (g, 1);` or `State { g: m.lock().unwrap() }`: the tuple or struct
                // now holds the guard, alive as long as its binding.
                (Pat::Binding { local, .. }, Some(init)) if self.held_in_aggregate(init).is_some() => {
                    match self.held_in_aggregate(init).expect("checked by the guard") {
                        Held::Moved(guard) => self.rebind(*local, guard, live),
                        Held::Taken(kind, name) => self.bind(*local, kind, name, live),
                    }
                }
                // A plain binding takes the initializer's guard, typed or recognised by shape.
                (Pat::Binding { local, .. }, Some(init)) => {
                    let declared = self.guard_type(&self.sem.local_ty(self.body, *local));
                    if let Some((kind, name)) = declared.or_else(|| self.guard_of_expr(init)) {
                        self.bind(*local, kind, name, live);
                    }
                }
                _ => self.bind_pattern(pat, live),
            }
        }
        continues
    }

    fn if_expr(
        &mut self,
        cond: ExprId,
        then_branch: ExprId,
        else_branch: Option<ExprId>,
        live: &mut Live,
    ) -> bool {
        let is_let = contains_let(self.body, cond);
        // A plain condition is a temporary scope of its own. An `if let` scrutinee's
        // temporaries live through the then-block; in edition 2021 and earlier they belong to
        // the enclosing statement, so they live through the else-block too.
        let own_frame = !is_let || self.edition >= Edition::E2024;
        if own_frame {
            self.frames.push(Vec::new());
        }
        self.decls.push(Vec::new());
        let cond_continues = self.eval(cond, live);
        let bindings = self.decls.pop().unwrap_or_default();
        let temporaries = if own_frame { self.frames.pop().unwrap_or_default() } else { Vec::new() };
        if !cond_continues {
            remove_all(live, &bindings);
            remove_all(live, &temporaries);
            return false;
        }
        let mut then_live = live.clone();
        if !is_let {
            remove_all(&mut then_live, &temporaries);
        }
        let then_continues = self.eval(then_branch, &mut then_live);
        remove_all(&mut then_live, &bindings);
        remove_all(&mut then_live, &temporaries);
        let mut else_live = live.clone();
        remove_all(&mut else_live, &bindings);
        remove_all(&mut else_live, &temporaries);
        let else_continues = match else_branch {
            Some(else_branch) => self.eval(else_branch, &mut else_live),
            None => true,
        };
        join_into(live, then_continues.then_some(then_live), else_continues.then_some(else_live))
    }

    fn match_expr(&mut self, scrutinee: ExprId, arms: &[Arm], live: &mut Live) -> bool {
        if !self.eval(scrutinee, live) {
            return false;
        }
        let mut result: Option<Live> = None;
        for arm in arms {
            let mut arm_live = live.clone();
            self.frames.push(Vec::new());
            self.decls.push(Vec::new());
            self.bind_pattern(&arm.pat, &mut arm_live);
            let mut continues = arm.guard.is_none_or(|guard| self.eval(guard, &mut arm_live));
            continues = continues && self.eval(arm.body, &mut arm_live);
            self.close_decls(&mut arm_live);
            self.close_frame(&mut arm_live);
            if continues {
                result = Some(union(result, arm_live));
            }
        }
        match result {
            Some(joined) => {
                *live = joined;
                true
            }
            None => arms.is_empty(),
        }
    }

    fn loop_expr(&mut self, inner: ExprId, label: Option<String>, live: &mut Live) -> bool {
        let entry = live.clone();
        let mut iteration = live.clone();
        self.loops.push(LoopFrame { label, breaks: Vec::new() });
        self.eval(inner, &mut iteration);
        let frame = self.loops.pop().unwrap_or(LoopFrame { label: None, breaks: Vec::new() });
        if frame.breaks.is_empty() {
            return false;
        }
        let mut after = Live::new();
        for state in frame.breaks {
            after.extend(state.intersection(&entry).copied());
        }
        *live = after;
        true
    }

    fn while_expr(&mut self, cond: ExprId, inner: ExprId, label: Option<String>, live: &mut Live) -> bool {
        let is_let = contains_let(self.body, cond);
        let entry = live.clone();
        let mut iteration = live.clone();
        self.loops.push(LoopFrame { label, breaks: Vec::new() });
        self.frames.push(Vec::new());
        self.decls.push(Vec::new());
        if self.eval(cond, &mut iteration) {
            if !is_let {
                // A plain condition's temporaries are dropped before the body runs.
                self.close_frame(&mut iteration);
                self.frames.push(Vec::new());
            }
            self.eval(inner, &mut iteration);
        }
        self.close_decls(&mut iteration);
        self.close_frame(&mut iteration);
        self.loops.pop();
        *live = entry;
        true
    }

    fn macro_call(&mut self, call: &MacroCall, span: Span, live: &mut Live) -> bool {
        match &call.kind {
            MacroKind::Select(select) => {
                for branch in &select.branches {
                    if !self.eval(branch.future, live) {
                        return false;
                    }
                }
                // `select!` awaits its branches.
                self.record_await(span, live);
                let mut result: Option<Live> = None;
                let handlers =
                    select.branches.iter().map(|b| b.handler).chain(select.fallback.iter().copied());
                for handler in handlers.collect::<Vec<_>>() {
                    let mut branch_live = live.clone();
                    self.frames.push(Vec::new());
                    let continues = self.eval(handler, &mut branch_live);
                    self.close_frame(&mut branch_live);
                    if continues {
                        result = Some(union(result, branch_live));
                    }
                }
                match result {
                    Some(joined) => {
                        *live = joined;
                        true
                    }
                    None => false,
                }
            }
            MacroKind::Exprs(items) => {
                let continues = self.eval_all(items, live);
                if continues && matches!(call.path.name(), "join" | "try_join") {
                    self.record_await(span, live);
                }
                continues
            }
            MacroKind::Stmts(block) => self.eval(*block, live),
            MacroKind::Opaque => true,
        }
    }

    /// Marks the temporaries of a `let` initializer whose scope Rust extends to the binding's
    /// block: the operand of a borrow in an extending position (`let q = &mut *m.lock().unwrap();`,
    /// `let v = &m.lock().unwrap()[0];`), but not a method call's receiver
    /// (`let n = &m.lock().unwrap().len();` drops the guard at the end of the statement).
    fn mark_extending(&mut self, id: ExprId) {
        match self.body.kind(id) {
            ExprKind::Ref(operand) => {
                self.mark_extended(*operand);
                self.mark_extending(*operand);
            }
            ExprKind::Tuple(items) | ExprKind::Struct { fields: items, .. } => {
                for item in items.clone() {
                    self.mark_extending(item);
                }
            }
            _ => {}
        }
    }

    /// An extended temporary extends its place's operands too: through `*`, `.field`, `[i]`.
    fn mark_extended(&mut self, id: ExprId) {
        self.extended.insert(id);
        match self.body.kind(id) {
            ExprKind::Ref(inner) | ExprKind::Deref(inner) | ExprKind::Field { base: inner, .. } => {
                self.mark_extended(*inner)
            }
            ExprKind::Index { base, .. } => self.mark_extended(*base),
            _ => {}
        }
    }

    fn new_guard(&mut self, kind: GuardKind, type_path: String, origin: GuardOrigin, span: Span) -> usize {
        let type_name = last_segment(&type_path).to_string();
        let holds =
            self.sem.guard_held_by(&type_path).map(|(_, field_guard)| last_segment(&field_guard).to_string());
        self.guards.push(HeldGuard {
            kind,
            type_name,
            holds,
            origin,
            span,
            rebindings: Vec::new(),
            awaits: Vec::new(),
        });
        self.guards.len() - 1
    }

    fn bind(&mut self, local: LocalId, kind: GuardKind, name: String, live: &mut Live) {
        self.bind_at(local, kind, name, self.body.local(local).span, live);
    }

    /// Binds a guard taken at `span` (a `let`, or an assignment `g = m.lock().unwrap()`).
    fn bind_at(&mut self, local: LocalId, kind: GuardKind, name: String, span: Span, live: &mut Live) {
        let guard = self.new_guard(kind, name, GuardOrigin::Binding(local), span);
        self.by_local.insert(local, guard);
        live.insert(guard);
        if let Some(decls) = self.decls.last_mut() {
            decls.push(guard);
        }
    }

    /// A guard a tuple or struct literal takes: moved in from a local, or taken right there.
    fn held_in_aggregate(&self, id: ExprId) -> Option<Held> {
        let items = match self.body.kind(id) {
            ExprKind::Tuple(items) => items,
            ExprKind::Struct { fields, .. } => fields,
            _ => return None,
        };
        items.iter().find_map(|&item| match self.guard_of_local(item) {
            Some(guard) => Some(Held::Moved(guard)),
            None => self.guard_of_expr(item).map(|(kind, name)| Held::Taken(kind, name)),
        })
    }

    /// The guard a local holds, when `id` is that local.
    fn guard_of_local(&self, id: ExprId) -> Option<usize> {
        match self.body.kind(id) {
            ExprKind::Local(local) => self.by_local.get(local).copied(),
            _ => None,
        }
    }

    /// `local` takes over `guard` (moved out of its first binding): alive until `local`'s scope
    /// ends, which is the first binding's scope or one inside it.
    fn rebind(&mut self, local: LocalId, guard: usize, live: &mut Live) {
        self.guards[guard].rebindings.push(self.body.local(local).span);
        self.by_local.insert(local, guard);
        live.insert(guard);
        if let Some(decls) = self.decls.last_mut() {
            decls.push(guard);
        }
    }

    /// Binds the pattern's locals whose types are guards (`Ok(g)`, `Some(g)`, `g`).
    fn bind_pattern(&mut self, pat: &Pat, live: &mut Live) {
        for local in pat.bindings() {
            if let Some((kind, name)) = self.guard_type(&self.sem.local_ty(self.body, local)) {
                self.bind(local, kind, name, live);
            }
        }
    }

    fn close_frame(&mut self, live: &mut Live) {
        if let Some(frame) = self.frames.pop() {
            for guard in frame {
                live.remove(&guard);
            }
        }
    }

    fn close_decls(&mut self, live: &mut Live) {
        if let Some(decls) = self.decls.pop() {
            for guard in decls {
                live.remove(&guard);
            }
        }
    }

    fn record_await(&mut self, span: Span, live: &Live) {
        for guard in live {
            self.guards[*guard].awaits.push(span);
        }
    }

    fn record_break(&mut self, label: Option<&str>, live: &Live) {
        let target = match label {
            Some(label) => self.loops.iter_mut().rev().find(|l| l.label.as_deref() == Some(label)),
            None => self.loops.last_mut(),
        };
        if let Some(frame) = target {
            frame.breaks.push(live.clone());
        }
    }

    /// Locals passed by value are moved: a guard moved away is no longer this body's to hold.
    fn move_out(&mut self, values: &[ExprId], live: &mut Live) {
        for value in values {
            if let ExprKind::Local(local) = self.body.kind(*value) {
                if let Some(guard) = self.by_local.get(local) {
                    live.remove(guard);
                }
            }
        }
    }

    /// Whether `receiver.method(..)` moves the receiver: a consuming method (`unwrap`,
    /// `map_or`, ..) of an `Option`/`Result`, such as one holding a guard. On a guard itself,
    /// such a method reaches the data through `Deref`, and the guard stays.
    fn moves_receiver(&self, receiver: ExprId, method: &str) -> bool {
        CONSUMING_METHODS.contains(&method) && self.sem.ty_of(self.body, receiver).is_option_or_result()
    }

    /// A closure or async block takes the guards it captures by `move`, and any it passes by
    /// value inside (`drop(g)`).
    fn capture(&mut self, id: ExprId, is_move: bool, live: &mut Live) {
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            if let ExprKind::Local(local) = self.body.kind(current) {
                let moved = is_move
                    || self.body.parent(current).is_some_and(|p| is_call_argument(self.body, p, current));
                if moved {
                    if let Some(guard) = self.by_local.get(local) {
                        live.remove(guard);
                    }
                }
            }
            stack.extend(self.body.children(current));
        }
    }

    /// Whether evaluating `id` leaves a temporary behind (its value is borrowed or used in
    /// place, not moved into a binding or a callee).
    fn creates_temporary(&self, id: ExprId) -> bool {
        // Only value expressions make temporaries; a local, a path or a field is a place.
        let is_value = matches!(
            self.body.kind(id),
            ExprKind::Call { .. } | ExprKind::MethodCall { .. } | ExprKind::Try(_) | ExprKind::Macro(_)
        );
        if !is_value {
            return false;
        }
        let Some(parent) = self.body.parent(id) else { return false };
        match self.body.kind(parent) {
            ExprKind::MethodCall { receiver, method, .. } => {
                *receiver == id && !self.moves_receiver(id, method)
            }
            ExprKind::Deref(_)
            | ExprKind::Ref(_)
            | ExprKind::Field { .. }
            | ExprKind::Index { .. }
            | ExprKind::Other(_) => true,
            ExprKind::Macro(_) => true,
            ExprKind::For { iter, .. } => *iter == id,
            ExprKind::Match { scrutinee, arms } => {
                *scrutinee == id && !arms.iter().any(|arm| self.pattern_binds_guard(&arm.pat))
            }
            ExprKind::Let { scrutinee, pat } => *scrutinee == id && !self.pattern_binds_guard(pat),
            _ => false,
        }
    }

    fn pattern_binds_guard(&self, pat: &Pat) -> bool {
        pat.bindings().iter().any(|l| self.guard_type(&self.sem.local_ty(self.body, *l)).is_some())
    }

    /// The guard an expression evaluates to, if any: by its type, or, where the receiver's
    /// type is unknown, `x.lock().unwrap()` (a lock whose `lock` returns `Result` is std's).
    fn guard_of_expr(&self, id: ExprId) -> Option<(GuardKind, String)> {
        if let Some(found) = self.guard_type(&self.sem.ty_of(self.body, id)) {
            return Some(found);
        }
        self.untyped_std_lock(id).then(|| (GuardKind::Lock, "std::sync::MutexGuard".to_string()))
    }

    fn untyped_std_lock(&self, id: ExprId) -> bool {
        let lock_call = match self.body.kind(id) {
            ExprKind::MethodCall { receiver, method, .. }
                if matches!(method.as_str(), "unwrap" | "expect" | "unwrap_or_else") =>
            {
                *receiver
            }
            ExprKind::Try(inner) => *inner,
            _ => return false,
        };
        let ExprKind::MethodCall { receiver, method, args, .. } = self.body.kind(lock_call) else {
            return false;
        };
        if method != "lock" || !args.is_empty() {
            return false;
        }
        let receiver_ty = self.sem.ty_of(self.body, *receiver);
        self.sem.deref_chain(&receiver_ty).iter().all(Ty::is_opaque)
    }

    /// A guard type (its kind and path), or a `Result`/`Option` holding one (`m.lock()`,
    /// `m.try_lock()`).
    fn guard_type(&self, ty: &Ty) -> Option<(GuardKind, String)> {
        // `type StateGuard<'a> = MutexGuard<'a, State>`: the guard the alias names.
        let ty = &self.sem.without_aliases(ty.clone());
        let path = ty.path_str()?;
        if let Some(kind) = self.sem.catalog.guard_kind(path) {
            return Some((kind, path.to_string()));
        }
        if ty.is_option_or_result() {
            return ty.args().first().and_then(|inner| self.guard_type(inner));
        }
        // A workspace struct with a guard field holds that guard's lock while it lives.
        self.sem.guard_held_by(path).map(|(kind, _)| (kind, path.to_string()))
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

impl HeldGuard {
    /// The value's type for messages: `` `MutexGuard` ``, or `` `Transaction` (holding a
    /// `MutexGuard`) `` for a struct holding one.
    pub fn describe(&self) -> String {
        match &self.holds {
            Some(guard) => format!("`{}` (holding a `{guard}`)", self.type_name),
            None => format!("`{}`", self.type_name),
        }
    }
}

fn remove_all(live: &mut Live, guards: &[usize]) {
    for guard in guards {
        live.remove(guard);
    }
}

fn union(acc: Option<Live>, next: Live) -> Live {
    match acc {
        Some(mut acc) => {
            acc.extend(next);
            acc
        }
        None => next,
    }
}

/// Joins two branch states into `live`; returns false when both diverge.
fn join_into(live: &mut Live, a: Option<Live>, b: Option<Live>) -> bool {
    match (a, b) {
        (None, None) => false,
        (Some(s), None) | (None, Some(s)) => {
            *live = s;
            true
        }
        (Some(a), Some(b)) => {
            *live = union(Some(a), b);
            true
        }
    }
}

/// Whether a condition contains a `let` (an `if let`, `while let`, or a let chain).
fn contains_let(body: &Body, cond: ExprId) -> bool {
    match body.kind(cond) {
        ExprKind::Let { .. } => true,
        ExprKind::Other(items) => items.iter().any(|i| contains_let(body, *i)),
        ExprKind::Index { base, index } => contains_let(body, *base) || contains_let(body, *index),
        _ => false,
    }
}

fn is_call_argument(body: &Body, call: ExprId, arg: ExprId) -> bool {
    match body.kind(call) {
        ExprKind::Call { args, .. } | ExprKind::MethodCall { args, .. } => args.contains(&arg),
        _ => false,
    }
}

/// The `.await` of an await expression (`fut.await`): the last six characters.
fn await_keyword_span(span: Span) -> Span {
    if span.end.column >= 6 {
        Span { start: Pos { line: span.end.line, column: span.end.column - 6 }, end: span.end }
    } else {
        span
    }
}
