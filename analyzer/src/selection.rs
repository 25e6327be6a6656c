//! Which files beyond the pre-scan's roots must be parsed: the ones whose definitions the
//! parsed files need.
//!
//! Rules report only in root files, but they look across files: a call's callee (is it
//! `async`? does it block, and through which helper?), a receiver's struct and its fields, a
//! re-exported name. So, from the parsed files, the selection asks the real name resolution
//! and type derivation what every call reaches and which types are named, and turns each
//! answer the index cannot give yet into a [`Demand`]. The pre-scan says which unparsed files
//! could satisfy it (they define a function or type of that name, or re-export it); those are
//! parsed next, and so on until nothing new is demanded. Each round only adds files, so the
//! loop ends; each step is deterministic, so the selected set does not depend on threads.

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::hir::{Body, ExprId, ExprKind, FileHir, FnOwner, Function, Resolved};
use crate::index::CrateIndex;
use crate::prescan::Scan;
use crate::semantics::Semantics;
use crate::ty::Ty;

/// A method name defined at most this many times is followed even when the receiver's type is
/// unknown: the index resolves such calls by a name all workspace methods share (one
/// definition, or all of them `async`), so every definition must be in the index to decide.
/// A name defined more often than this is ambiguous in any workspace.
const FEW_DEFINITIONS: usize = 8;

/// Something a parsed file needs from a file that may not be parsed yet.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Demand {
    /// A function or method `name`; `owner` is the type or trait it belongs to when known,
    /// `krate` the crate of the function's path (of its owner, for a method).
    Function { name: String, owner: Option<String>, krate: Option<String> },
    /// A type (struct, enum, alias, trait) of crate `krate`: its definition or re-export.
    Type { name: String, krate: String },
}

/// The pre-scan's facts, indexed by name.
pub struct Lexicon<'s> {
    scans: &'s [Option<Scan>],
    crates: Vec<&'s str>,
    workspace_crates: HashSet<&'s str>,
    /// Every function definition by name, whatever its owner.
    fn_defs: HashMap<&'s str, Vec<usize>>,
    free_fns: HashMap<&'s str, Vec<usize>>,
    methods: HashMap<(&'s str, &'s str), Vec<usize>>,
    type_defs: HashMap<&'s str, Vec<usize>>,
    reexports: HashMap<&'s str, Vec<usize>>,
}

fn add<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<usize>>, key: K, file: usize) {
    let files = map.entry(key).or_default();
    if files.last() != Some(&file) {
        files.push(file);
    }
}

impl<'s> Lexicon<'s> {
    /// `crates[i]` is the crate name of file `i`.
    pub fn new(scans: &'s [Option<Scan>], crates: Vec<&'s str>) -> Lexicon<'s> {
        let mut lexicon = Lexicon {
            scans,
            workspace_crates: crates.iter().copied().collect(),
            crates,
            fn_defs: HashMap::new(),
            free_fns: HashMap::new(),
            methods: HashMap::new(),
            type_defs: HashMap::new(),
            reexports: HashMap::new(),
        };
        for (file, scan) in scans.iter().enumerate() {
            let Some(scan) = scan else { continue };
            for (owner, name) in &scan.fn_defs {
                add(&mut lexicon.fn_defs, name.as_str(), file);
                match owner {
                    Some(owner) => add(&mut lexicon.methods, (owner.as_str(), name.as_str()), file),
                    None => add(&mut lexicon.free_fns, name.as_str(), file),
                }
            }
            for name in &scan.type_defs {
                add(&mut lexicon.type_defs, name.as_str(), file);
            }
            for name in &scan.reexported {
                add(&mut lexicon.reexports, name.as_str(), file);
            }
        }
        lexicon
    }

    fn is_workspace_crate(&self, name: &str) -> bool {
        self.workspace_crates.contains(name)
    }

    fn files<'m, K: std::hash::Hash + Eq>(map: &'m HashMap<K, Vec<usize>>, key: &K) -> &'m [usize] {
        map.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The files that may satisfy a demand.
    pub fn candidates(&self, demand: &Demand) -> Vec<usize> {
        match demand {
            Demand::Function { name, owner: Some(owner), krate } => {
                let defining = Self::files(&self.methods, &(owner.as_str(), name.as_str()));
                match krate {
                    // A method of crate K's type is defined in K, or where K is named (a
                    // local trait implemented for K's type).
                    Some(krate) => defining
                        .iter()
                        .filter(|&&file| {
                            self.crates[file] == krate
                                || self.scans[file].as_ref().is_some_and(|scan| scan.mentions(krate))
                        })
                        .copied()
                        .collect(),
                    None => defining.to_vec(),
                }
            }
            Demand::Function { name, owner: None, krate: Some(krate) } => {
                let defining = Self::files(&self.free_fns, &name.as_str());
                let reexporting = Self::files(&self.reexports, &name.as_str());
                self.in_crate(defining.iter().chain(reexporting), krate)
            }
            Demand::Function { name, owner: None, krate: None } => {
                Self::files(&self.fn_defs, &name.as_str()).to_vec()
            }
            Demand::Type { name, krate } => {
                let defining = Self::files(&self.type_defs, &name.as_str());
                let reexporting = Self::files(&self.reexports, &name.as_str());
                self.in_crate(defining.iter().chain(reexporting), krate)
            }
        }
    }

    /// Names of the functions defined in files that were not parsed: a method call cannot be
    /// resolved by its name alone when some definition of that name is not in the index.
    pub fn unparsed_fn_names(&self, parsed: impl Fn(usize) -> bool) -> HashSet<String> {
        let mut out = HashSet::new();
        for (file, scan) in self.scans.iter().enumerate() {
            if let Some(scan) = scan.as_ref().filter(|_| !parsed(file)) {
                out.extend(scan.fn_defs.iter().map(|(_, name)| name.clone()));
            }
        }
        out
    }

    fn in_crate<'f>(&self, files: impl Iterator<Item = &'f usize>, krate: &str) -> Vec<usize> {
        files.filter(|file| self.crates[**file] == krate).copied().collect()
    }

    /// Files that are not roots but call a workspace function returning a future (found in
    /// the parsed `roots`): they may drop it. A path call names the function (and its type,
    /// `Repo::open(`); a method call reaches a future by name only when no method of that name
    /// is sync (see `Semantics::crate_method`).
    pub fn callers_of_futures(&self, roots: &[(usize, &FileHir)]) -> Vec<usize> {
        // Each future-returning function, with the crates defining it.
        let mut future_fns: HashMap<(Option<&str>, &str), Vec<&str>> = HashMap::new();
        let mut sync_names: HashSet<&str> = HashSet::new();
        for (file, hir) in roots {
            for function in &hir.functions {
                if returns_future(function) {
                    let key = (owner_name(function), function.name.as_str());
                    future_fns.entry(key).or_default().push(self.crates[*file]);
                } else {
                    sync_names.insert(function.name.as_str());
                }
            }
        }
        let future_names: HashSet<&str> = future_fns.keys().map(|(_, name)| *name).collect();
        let future_only = |name: &str| {
            future_names.contains(name) && !sync_names.contains(name) && !self.fn_defs.contains_key(name)
        };
        (0..self.scans.len())
            .filter(|&file| {
                let Some(scan) = self.scans[file].as_ref().filter(|scan| !scan.root) else { return false };
                // Another crate's function is reached only through a path naming that crate.
                let reaches = |krate: &&str| *krate == self.crates[file] || scan.mentions(krate);
                let calls_future = scan.path_calls.iter().any(|(owner, name)| {
                    future_fns.get(&(owner.as_deref(), name.as_str())).is_some_and(|c| c.iter().any(reaches))
                });
                calls_future || scan.method_calls.iter().any(|m| future_only(m))
            })
            .collect()
    }
}

/// A function as demands name it: its owner type or trait (last segment), and its name.
pub type FnKey = (Option<String>, String);

/// Which functions of a file to look into: all of them in a file rules report on; in a file
/// parsed for its definitions, only the demanded ones (a helper's helpers are followed, not
/// everything else its file defines).
pub enum Examine<'k> {
    All,
    /// A root file: its async code (where rules report), and its demanded functions.
    AsyncAndDemanded(&'k HashSet<FnKey>),
    Demanded(&'k HashSet<FnKey>),
}

impl Examine<'_> {
    fn wants(&self, function: &Function) -> bool {
        let keys = match self {
            Examine::All => return true,
            Examine::AsyncAndDemanded(_) if has_async_code(function) => return true,
            Examine::AsyncAndDemanded(keys) | Examine::Demanded(keys) => keys,
        };
        let owner = owner_name(function).map(str::to_string);
        let name = function.name.clone();
        keys.contains(&(None, name.clone())) || (owner.is_some() && keys.contains(&(owner, name)))
    }
}

/// The last segment of a method's type or trait.
fn owner_name(function: &Function) -> Option<&str> {
    let owner = match &function.owner {
        FnOwner::Impl { self_ty, .. } => self_ty.path_str(),
        FnOwner::Trait { trait_path } => Some(trait_path.as_str()),
        FnOwner::Free | FnOwner::Nested => None,
    };
    owner.map(|path| path.rsplit("::").next().unwrap_or(path))
}

/// `async fn` (not an entry point), or a declared return type naming a future.
fn returns_future(function: &Function) -> bool {
    fn names_future(ty: &Ty) -> bool {
        match ty {
            Ty::Path { path, args } => {
                path.rsplit("::").next().is_some_and(|n| n.contains("Future"))
                    || args.iter().any(names_future)
            }
            Ty::Ref(inner) | Ty::Slice(inner) => names_future(inner),
            Ty::Tuple(items) | Ty::Bounds(items) => items.iter().any(names_future),
            Ty::Unknown => false,
        }
    }
    (function.is_async && !function.is_entry_point) || function.returns.as_ref().is_some_and(names_future)
}

/// An async fn or `poll*` method, or a function with an async block or closure, an `.await`,
/// or a spawn: where rules look.
fn has_async_code(function: &Function) -> bool {
    if function.is_async || crate::context::function_context(function).async_origin.is_some() {
        return true;
    }
    let Some(body) = &function.body else { return false };
    body.exprs.iter().any(|expr| match &expr.kind {
        ExprKind::Async { .. } | ExprKind::Closure { is_async: true, .. } | ExprKind::Await(_) => true,
        ExprKind::MethodCall { method, .. } => method.starts_with("spawn"),
        ExprKind::Call { callee, .. } => {
            matches!(body.kind(*callee), ExprKind::Path(path) if path.name().starts_with("spawn"))
        }
        _ => false,
    })
}

impl Demand {
    /// The functions this demand asks for.
    pub fn key(&self) -> Option<FnKey> {
        match self {
            Demand::Function { name, owner, .. } => Some((owner.clone(), name.clone())),
            Demand::Type { .. } => None,
        }
    }
}

/// What the parsed files demand. `index` holds everything parsed so far.
pub fn demands(
    files: &[(&FileHir, Examine<'_>)],
    index: &CrateIndex,
    catalog: &Catalog,
    lexicon: &Lexicon<'_>,
) -> BTreeSet<Demand> {
    files
        .par_iter()
        .map(|(hir, examine)| {
            let mut out = Collector { lexicon, index, found: BTreeSet::new() };
            let sem = Semantics::new(catalog, index, hir);
            for function in hir.functions.iter().filter(|f| examine.wants(f)) {
                if let Some(body) = &function.body {
                    out.body(&sem, body);
                }
            }
            out.found
        })
        .reduce(BTreeSet::new, |mut a, b| {
            a.extend(b);
            a
        })
}

struct Collector<'l, 's> {
    lexicon: &'l Lexicon<'s>,
    index: &'l CrateIndex,
    found: BTreeSet<Demand>,
}

impl Collector<'_, '_> {
    fn body(&mut self, sem: &Semantics<'_>, body: &Body) {
        for (position, expr) in body.exprs.iter().enumerate() {
            match &expr.kind {
                ExprKind::Call { callee, .. } => {
                    if let ExprKind::Path(Resolved::Item(path)) = body.kind(*callee) {
                        self.function_path(path);
                    }
                }
                ExprKind::MethodCall { receiver, method, .. } => self.method(sem, body, *receiver, method),
                ExprKind::Field { base, .. } => {
                    self.types_of(sem, body, *base);
                }
                ExprKind::For { .. } | ExprKind::Await(_) => {
                    self.types_of(sem, body, ExprId(position as u32));
                }
                _ => {}
            }
        }
    }

    /// `my_crate::util::helper` or `my_crate::Repo::open`.
    fn function_path(&mut self, path: &str) {
        let krate = path.split("::").next().unwrap_or(path);
        if !self.lexicon.is_workspace_crate(krate) || self.index.function(path).is_some() {
            return;
        }
        let mut segments = path.rsplit("::");
        let Some(name) = segments.next() else { return };
        let owner = segments.next().filter(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
        if owner == Some("Self") {
            return;
        }
        if let Some(owner) = owner {
            let type_path = &path[..path.len() - name.len() - 2];
            self.type_path(type_path);
            let krate = Some(krate.into());
            self.insert(Demand::Function { name: name.into(), owner: Some(owner.into()), krate });
        } else {
            self.insert(Demand::Function { name: name.into(), owner: None, krate: Some(krate.into()) });
        }
    }

    fn method(&mut self, sem: &Semantics<'_>, body: &Body, receiver: ExprId, method: &str) {
        let paths = self.types_of(sem, body, receiver);
        for path in &paths {
            let owner = path.rsplit("::").next().unwrap_or(path);
            let krate = path.split("::").next().map(str::to_string);
            self.insert(Demand::Function { name: method.into(), owner: Some(owner.into()), krate });
        }
        let defined = Lexicon::files(&self.lexicon.fn_defs, &method).len();
        if paths.is_empty() && defined <= FEW_DEFINITIONS {
            self.insert(Demand::Function { name: method.into(), owner: None, krate: None });
        }
    }

    /// The workspace types (and trait bounds) of `expr`'s deref chain; each one not in the
    /// index yet is demanded.
    fn types_of(&mut self, sem: &Semantics<'_>, body: &Body, expr: ExprId) -> Vec<String> {
        let mut out = Vec::new();
        for ty in sem.deref_chain(&sem.ty_of(body, expr)) {
            let paths: Vec<&str> = match &ty {
                Ty::Path { path, .. } => vec![path.as_str()],
                Ty::Bounds(bounds) => bounds.iter().filter_map(Ty::path_str).collect(),
                _ => Vec::new(),
            };
            for path in paths {
                if self.type_path(path) {
                    out.push(path.to_string());
                }
            }
        }
        out
    }

    /// Demands a workspace type unless the index has it; whether it is a workspace type.
    fn type_path(&mut self, path: &str) -> bool {
        let krate = path.split("::").next().unwrap_or(path);
        if !self.lexicon.is_workspace_crate(krate) {
            return false;
        }
        if !self.index.is_local_type(path) {
            let name = path.rsplit("::").next().unwrap_or(path);
            self.insert(Demand::Type { name: name.into(), krate: krate.into() });
        }
        true
    }

    fn insert(&mut self, demand: Demand) {
        self.found.insert(demand);
    }
}
