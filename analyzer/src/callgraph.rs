//! The workspace call graph and which sync functions block.
//!
//! For every sync function (not `async`, not a `poll*` method), the direct facts are collected
//! from its body, outside offloaded closures and async blocks: calls of catalogued blocking
//! APIs (and executors' `block_on`), and calls of workspace functions. Calls resolve through
//! the same name resolution as the rest of the engine; methods by receiver type (`self`,
//! fields, parameters, locals, trait bounds), else by a method name that only one workspace
//! function has. Ambiguous calls are not followed.
//!
//! A multi-source breadth-first search over the reversed edges then gives each blocking
//! function its shortest chain down to a blocking API: linear in the size of the graph, and
//! cycles need no special care.

use std::collections::{BTreeMap, HashMap, VecDeque};

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::context::walk_function;
use crate::hir::*;
use crate::index::CrateIndex;
use crate::semantics::{CallTarget, Semantics};
use crate::source::Span;

/// One step of a blocking chain, as recorded at a call site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The file (display path) and span of the call.
    pub file: String,
    pub span: Span,
    pub callee: Callee,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callee {
    /// A workspace function (canonical path) that blocks in turn.
    Function(String),
    /// The blocking API at the end of the chain (`std::fs::read_to_string`).
    Api(String),
}

/// For each blocking sync function: the first hop of its shortest chain, and the chain's length.
#[derive(Debug, Default)]
pub struct BlockingSummary {
    first_hop: HashMap<String, (Hop, usize)>,
    /// The trait methods that block because each of their workspace implementations does:
    /// the implementations' paths, in file order.
    dispatched: HashMap<String, Vec<String>>,
}

/// A required trait method and the workspace methods implementing it.
#[derive(Debug)]
struct Dispatch {
    trait_method: String,
    implementations: Vec<Implementation>,
}

/// One `impl Trait for Type` method: its path and where it is declared (the hop from the
/// trait method to it).
#[derive(Debug)]
struct Implementation {
    path: String,
    hop: Hop,
}

/// What one function's body says directly.
#[derive(Debug, Default)]
struct DirectFacts {
    path: String,
    leaves: Vec<Hop>,
    calls: Vec<Hop>,
}

impl BlockingSummary {
    /// Builds the summary for the whole workspace: `(file id, HIR, display path)` per file.
    pub fn compute(
        files: &[(usize, &FileHir, &str)],
        index: &CrateIndex,
        catalog: &Catalog,
    ) -> BlockingSummary {
        let facts: Vec<DirectFacts> = files
            .par_iter()
            .with_max_len(1)
            .flat_map_iter(|(_, hir, display)| {
                let sem = Semantics::new(catalog, index, hir);
                hir.functions
                    .iter()
                    .filter(|f| is_sync(f))
                    .map(|f| direct_facts(&sem, f, display))
                    .collect::<Vec<_>>()
            })
            .collect();
        shortest_chains(facts, trait_dispatches(files, index))
    }

    /// Whether a workspace function blocks, and the first hop of its shortest chain.
    pub fn first_hop(&self, path: &str) -> Option<&Hop> {
        self.first_hop.get(path).map(|(hop, _)| hop)
    }

    /// For a trait method that blocks because every workspace implementation of it does: those
    /// implementations.
    pub fn implementations(&self, path: &str) -> Option<&[String]> {
        self.dispatched.get(path).map(Vec::as_slice)
    }

    /// The whole chain from `path` down to the blocking API (at most `limit` hops).
    pub fn chain(&self, path: &str, limit: usize) -> Vec<Hop> {
        let mut out = Vec::new();
        let mut current = path.to_string();
        while out.len() < limit {
            let Some(hop) = self.first_hop(&current) else { break };
            out.push(hop.clone());
            match &hop.callee {
                Callee::Function(next) => current = next.clone(),
                Callee::Api(_) => break,
            }
        }
        out
    }
}

fn is_sync(function: &Function) -> bool {
    !function.is_async && crate::context::function_context(function).async_origin.is_none()
}

fn direct_facts(sem: &Semantics<'_>, function: &Function, display: &str) -> DirectFacts {
    let mut facts = DirectFacts { path: function.path.clone(), ..DirectFacts::default() };
    walk_function(sem, function, &mut |body, expr, cx| {
        if cx.is_async() || cx.offloaded {
            return;
        }
        let hop = |callee: Callee| Hop { file: display.to_string(), span: body.span(expr), callee };
        match body.kind(expr) {
            ExprKind::Call { .. } | ExprKind::MethodCall { .. } => {
                if let Some(api) = sem.blocking_api(body, expr) {
                    facts.leaves.push(hop(Callee::Api(api.display.clone())));
                } else if let Some(api) = sem.executor_call(body, expr) {
                    facts.leaves.push(hop(Callee::Api(api)));
                } else if let Some((entry, attribute)) = sem.runtime_entry_call(body, expr) {
                    // The function itself blocks: it starts a runtime and `block_on`s its body.
                    facts.leaves.push(hop(Callee::Api(format!("#[{attribute}] fn {}", entry.name))));
                } else if let Some(callee) = called_sync_function(sem, body, expr) {
                    facts.calls.push(hop(Callee::Function(callee)));
                }
            }
            ExprKind::For { iter, .. } => {
                if let Some(api) = sem.blocking_iteration(body, *iter) {
                    facts.leaves.push(hop(Callee::Api(api.display.clone())));
                }
            }
            _ => {}
        }
    });
    facts
}

/// The workspace sync function a call reaches, when it can be told for sure.
pub fn called_sync_function(sem: &Semantics<'_>, body: &Body, expr: ExprId) -> Option<String> {
    let sig = match sem.call_target(body, expr)? {
        CallTarget::Path(path) => sem.index.function(&path)?,
        CallTarget::Method { receiver, method } => sem.unique_crate_method(body, receiver, &method)?,
        CallTarget::Dynamic => return None,
    };
    (!sig.is_async && !sem.returns_future(sig)).then(|| sig.path.clone())
}

/// Whether calls of a trait's method are followed through its implementations: a required
/// method (each impl defines it) that is not `async` (its callers get a future) and not
/// `poll*` (async code, see `context`, called by an executor or a combinator).
pub fn follows_implementations(owner: &FnOwner, name: &str, is_async: bool) -> bool {
    matches!(owner, FnOwner::Trait { provided: false, .. }) && !is_async && !name.starts_with("poll")
}

/// The workspace traits' methods followed through their implementations (see
/// [`follows_implementations`]) and those implementations in the workspace's
/// `impl Trait for Type` blocks, by canonical paths.
fn trait_dispatches(files: &[(usize, &FileHir, &str)], index: &CrateIndex) -> Vec<Dispatch> {
    // Each required method, whether the trait is test code, and its implementations.
    let mut required: BTreeMap<String, (bool, Vec<Implementation>)> = BTreeMap::new();
    for (_, hir, _) in files {
        for function in &hir.functions {
            if follows_implementations(&function.owner, &function.name, function.is_async) {
                required
                    .entry(index.canonical(&function.path).into_owned())
                    .or_insert((function.is_test, Vec::new()));
            }
        }
    }
    if required.is_empty() {
        return Vec::new();
    }
    for (_, hir, display) in files {
        for function in &hir.functions {
            let FnOwner::Impl { trait_path: Some(trait_path), .. } = &function.owner else { continue };
            let trait_method = format!("{}::{}", index.canonical(trait_path), function.name);
            let Some((trait_is_test, implementations)) = required.get_mut(&trait_method) else { continue };
            if function.is_test && !*trait_is_test {
                // A test double (`impl Store for MockStore` in `#[cfg(test)]`) is not what the
                // workspace's own code runs: a trait method blocks when its real
                // implementations all do.
                continue;
            }
            // `cfg`'d alternatives share a path, and are one node of the graph.
            if !implementations.iter().any(|i| i.path == function.path) {
                let hop = Hop {
                    file: display.to_string(),
                    span: function.name_span,
                    callee: Callee::Function(function.path.clone()),
                };
                implementations.push(Implementation { path: function.path.clone(), hop });
            }
        }
    }
    required
        .into_iter()
        .map(|(trait_method, (_, implementations))| (trait_method, implementations))
        .filter(|(_, implementations)| !implementations.is_empty())
        .map(|(trait_method, implementations)| Dispatch { trait_method, implementations })
        .collect()
}

/// Breadth-first from the functions that call a blocking API directly, over reversed edges.
/// A trait method joins the search when the last of its implementations does.
fn shortest_chains(facts: Vec<DirectFacts>, dispatches: Vec<Dispatch>) -> BlockingSummary {
    // Merge facts of functions that share a path (cfg'd alternatives), in a stable order.
    let mut by_path: BTreeMap<String, DirectFacts> = BTreeMap::new();
    for fact in facts {
        let entry = by_path
            .entry(fact.path.clone())
            .or_insert_with(|| DirectFacts { path: fact.path.clone(), ..DirectFacts::default() });
        entry.leaves.extend(fact.leaves);
        entry.calls.extend(fact.calls);
    }
    let mut callers: HashMap<&str, Vec<(&str, &Hop)>> = HashMap::new();
    for fact in by_path.values() {
        for call in &fact.calls {
            if let Callee::Function(callee) = &call.callee {
                callers.entry(callee.as_str()).or_default().push((fact.path.as_str(), call));
            }
        }
    }
    // Each implementation, with the trait methods it implements, and how many of each trait
    // method's implementations are not known to block yet.
    let mut implemented: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut pending: Vec<usize> = Vec::with_capacity(dispatches.len());
    for (position, dispatch) in dispatches.iter().enumerate() {
        for implementation in &dispatch.implementations {
            implemented.entry(implementation.path.as_str()).or_default().push(position);
        }
        pending.push(dispatch.implementations.len());
    }
    let mut summary = BlockingSummary::default();
    let mut queue: VecDeque<&str> = VecDeque::new();
    for fact in by_path.values() {
        if let Some(leaf) = fact.leaves.iter().min_by_key(|h| h.span.start) {
            summary.first_hop.insert(fact.path.clone(), (leaf.clone(), 1));
            queue.push_back(fact.path.as_str());
        }
    }
    while let Some(blocking) = queue.pop_front() {
        let depth = summary.first_hop[blocking].1;
        for &position in implemented.get(blocking).into_iter().flatten() {
            pending[position] -= 1;
            let dispatch = &dispatches[position];
            if pending[position] == 0 && !summary.first_hop.contains_key(&dispatch.trait_method) {
                // The first implementation's chain stands for all of them in the note.
                let first = &dispatch.implementations[0];
                let first_depth = summary.first_hop[first.path.as_str()].1;
                summary.first_hop.insert(dispatch.trait_method.clone(), (first.hop.clone(), first_depth + 1));
                let paths = dispatch.implementations.iter().map(|i| i.path.clone()).collect();
                summary.dispatched.insert(dispatch.trait_method.clone(), paths);
                queue.push_back(dispatch.trait_method.as_str());
            }
        }
        let Some(sites) = callers.get(blocking) else { continue };
        for (caller, call) in sites {
            if summary.first_hop.contains_key(*caller) {
                continue;
            }
            summary.first_hop.insert(caller.to_string(), ((*call).clone(), depth + 1));
            queue.push_back(caller);
        }
    }
    summary
}
