//! Which files beyond the pre-scan's roots must be parsed: the ones whose definitions the
//! parsed files need.
//!
//! Rules report in root files (and in sync code that calls a future the roots define, which
//! is parsed whole), but they look across files: a call's callee (is it `async`? does it
//! block, and through which helper?), a receiver's struct and its fields, a re-exported name.
//! So the selection asks the real name resolution and type derivation what the parsed async
//! code, and every function some parsed code calls, reaches, and turns each answer the index
//! cannot give yet into a [`Demand`]. The pre-scan says which unparsed files could satisfy it
//! (see [`Lexicon::candidates`]); those are parsed next, and so on until nothing new is
//! demanded. Each round only adds files, so the loop ends; each step is deterministic, so the
//! selected set does not depend on threads. `fixtures/selection_crate` holds the cases.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::fast_hash::{FastMap, FastSet};
use crate::hir::{Body, ExprId, ExprKind, FileHir, FnOwner, Function, Resolved};
use crate::index::{crate_of, CrateIndex};
use crate::prescan::{ident_hash, FnDef, Name, Scan};
use crate::semantics::Semantics;
use crate::ty::Ty;

/// Something a parsed file needs from a file that may not be parsed yet.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Demand {
    /// A free function or a type by canonical path: it is defined, or re-exported, in a file
    /// whose module is on the path.
    Item { path: String, is_type: bool },
    /// A method of a type or trait (`owner`, its last segment) of crate `krate`.
    Method { name: String, owner: String, krate: String },
    /// The one workspace method of this name (for a receiver of unknown type).
    UniqueMethod { name: String },
    /// The default method `name` of a trait of crate `krate` (its last segment, hashed as
    /// the pre-scan does), which a receiver's type implements (or may: see
    /// [`Demand::TraitImpl`]).
    TraitMethod { name: String, trait_name: Name, krate: String },
    /// The `impl TRAIT for TYPE` blocks (last segments, hashed) of crate `krate`'s type, when
    /// the trait has a method the code calls on the type: the call may reach its default
    /// method. Like a method, the impl is in the type's crate or where that crate is named.
    TraitImpl { type_name: Name, trait_name: Name, krate: String },
    /// The implementations of method `name` of a workspace trait, for a call on a trait
    /// object or a bounded type parameter: the call graph follows such a call when every
    /// implementation blocks. Like a method, an impl is in the trait's crate or where that
    /// crate is named. Demanded once the index has the trait, and only for a required sync
    /// method (see [`Demand::dispatch_ready`]): most such calls are of methods with a default
    /// body, or of a supertrait's.
    Implementations { name: String, trait_path: String },
}

/// A `type` alias of an async API's type: its crate, its name, and the type's async methods.
pub struct AsyncAlias<'c> {
    pub krate: &'c str,
    pub name: Name,
    pub methods: Vec<Name>,
}

/// The pre-scan's facts, indexed by name.
pub struct Lexicon<'s> {
    scans: &'s [Option<Scan>],
    /// Each file's crate, and its module path with the crate first: `my_crate::db::pool`.
    crates: Vec<&'s str>,
    modules: Vec<String>,
    workspace_crates: FastSet<&'s str>,
    /// Methods (functions in `impl`/`trait` blocks) by name: the files, and how many.
    method_files: FastMap<Name, Vec<usize>>,
    method_counts: FastMap<Name, usize>,
    free_fns: FastMap<Name, Vec<usize>>,
    methods: FastMap<(Name, Name), Vec<usize>>,
    type_defs: FastMap<Name, Vec<usize>>,
    reexports: FastMap<Name, Vec<usize>>,
    /// `impl TRAIT for TYPE` blocks by `TYPE`: the trait, and the files.
    trait_impls: FastMap<Name, Vec<(Name, usize)>>,
    /// The same blocks' files by `TRAIT`.
    impls_of_trait: FastMap<Name, Vec<usize>>,
    /// Files with a `pub use ..::*`, by crate: they may re-export any name.
    glob_reexporting: FastMap<&'s str, Vec<usize>>,
}

/// Records that `file` has `key` (once per file: files are added in order).
fn add<K: std::hash::Hash + Eq>(map: &mut FastMap<K, Vec<usize>>, key: K, file: usize) {
    let files = map.entry(key).or_default();
    if files.last() != Some(&file) {
        files.push(file);
    }
}

impl<'s> Lexicon<'s> {
    /// `modules[i]` is the module path of file `i`, its crate first.
    pub fn new(scans: &'s [Option<Scan>], modules: &'s [String]) -> Lexicon<'s> {
        let crates: Vec<&str> = modules.iter().map(|m| m.split("::").next().unwrap_or(m)).collect();
        let mut lexicon = Lexicon {
            scans,
            workspace_crates: crates.iter().copied().collect(),
            crates,
            modules: modules.to_vec(),
            method_files: FastMap::default(),
            method_counts: FastMap::default(),
            free_fns: FastMap::default(),
            methods: FastMap::default(),
            type_defs: FastMap::default(),
            reexports: FastMap::default(),
            trait_impls: FastMap::default(),
            impls_of_trait: FastMap::default(),
            glob_reexporting: FastMap::default(),
        };
        for (file, scan) in scans.iter().enumerate() {
            let Some(scan) = scan else { continue };
            for &(owner, name) in &scan.fn_defs {
                match owner {
                    Some(owner) => {
                        add(&mut lexicon.methods, (owner, name), file);
                        add(&mut lexicon.method_files, name, file);
                        *lexicon.method_counts.entry(name).or_default() += 1;
                    }
                    None => add(&mut lexicon.free_fns, name, file),
                }
            }
            for &name in &scan.type_defs {
                add(&mut lexicon.type_defs, name, file);
            }
            for &name in &scan.reexported {
                add(&mut lexicon.reexports, name, file);
            }
            for &(type_name, trait_name) in &scan.trait_impls {
                lexicon.trait_impls.entry(type_name).or_default().push((trait_name, file));
                add(&mut lexicon.impls_of_trait, trait_name, file);
            }
            if scan.reexports_glob {
                lexicon.glob_reexporting.entry(lexicon.crates[file]).or_default().push(file);
            }
        }
        lexicon
    }

    /// The crate of file `file`.
    pub fn crate_of(&self, file: usize) -> &'s str {
        self.crates[file]
    }

    fn is_workspace_crate(&self, name: &str) -> bool {
        self.workspace_crates.contains(name)
    }

    fn files<'m, K: std::hash::Hash + Eq>(map: &'m FastMap<K, Vec<usize>>, key: &K) -> &'m [usize] {
        map.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The files that may satisfy a demand.
    pub fn candidates(&self, demand: &Demand) -> Vec<usize> {
        match demand {
            Demand::Item { path, is_type } => {
                let (parent, name) = path.rsplit_once("::").unwrap_or(("", path));
                let defs = if *is_type { &self.type_defs } else { &self.free_fns };
                let defining = Self::files(defs, &ident_hash(name));
                let reexporting = Self::files(&self.reexports, &ident_hash(name));
                let krate = parent.split("::").next().unwrap_or(parent);
                let glob_reexporting = self.glob_reexporting.get(krate).map(Vec::as_slice).unwrap_or(&[]);
                defining
                    .iter()
                    .chain(reexporting)
                    .chain(glob_reexporting)
                    .filter(|&&file| is_module_prefix(&self.modules[file], parent))
                    .copied()
                    .collect()
            }
            // A method of crate K's type is defined in K, or where K is named (a local trait
            // implemented for K's type).
            Demand::Method { name, owner, krate } => {
                Self::files(&self.methods, &(ident_hash(owner), ident_hash(name)))
                    .iter()
                    .filter(|&&file| {
                        self.crates[file] == krate
                            || self.scans[file].as_ref().is_some_and(|scan| scan.mentions(krate))
                    })
                    .copied()
                    .collect()
            }
            Demand::UniqueMethod { name } => Self::files(&self.method_files, &ident_hash(name)).to_vec(),
            Demand::TraitMethod { name, trait_name, krate } => {
                let defining = Self::files(&self.methods, &(*trait_name, ident_hash(name)));
                defining.iter().copied().filter(|&file| self.crates[file] == krate).collect()
            }
            Demand::TraitImpl { type_name, trait_name, krate } => self
                .traits_implemented_for(*type_name, krate)
                .filter(|(implemented, _)| implemented == trait_name)
                .map(|(_, file)| file)
                .collect(),
            Demand::Implementations { trait_path, .. } => {
                let krate = crate_of(trait_path);
                let trait_name = last_segment_name(trait_path);
                let impls = self.impls_of_trait.get(&trait_name).map(Vec::as_slice).unwrap_or(&[]);
                impls.iter().copied().filter(|&file| self.in_or_naming(file, krate)).collect()
            }
        }
    }

    /// Whether file `file` is of crate `krate` or names it.
    fn in_or_naming(&self, file: usize, krate: &str) -> bool {
        self.crates[file] == krate || self.scans[file].as_ref().is_some_and(|scan| scan.mentions(krate))
    }

    /// The traits that the pre-scans say are implemented for crate `krate`'s type named
    /// `type_name`, in files that are not roots (last segments, hashed), each with its file:
    /// in that crate, or in a file naming it.
    fn traits_implemented_for<'k>(
        &'k self,
        type_name: Name,
        krate: &'k str,
    ) -> impl Iterator<Item = (Name, usize)> + 'k {
        let impls = self.trait_impls.get(&type_name).map(Vec::as_slice).unwrap_or(&[]);
        impls.iter().copied().filter(move |&(_, file)| self.in_or_naming(file, krate))
    }

    /// Whether a file that is not a root defines a method `method` in a trait (or type)
    /// named `owner` (hashed).
    fn defines_method(&self, owner: Name, method: Name) -> bool {
        self.methods.contains_key(&(owner, method))
    }

    /// The crates of the files that are not roots and define a method `method` in a trait
    /// (or type) named `owner` (hashed), that the file `from` can name: its own crate, or a
    /// crate it mentions.
    fn crates_defining_method(&self, owner: Name, method: Name, from: usize) -> BTreeSet<&'s str> {
        let mentions = |krate: &str| self.scans[from].as_ref().is_some_and(|scan| scan.mentions(krate));
        Self::files(&self.methods, &(owner, method))
            .iter()
            .map(|&file| self.crates[file])
            .filter(|&krate| krate == self.crates[from] || mentions(krate))
            .collect()
    }

    /// Names of the methods defined in files that were not parsed: a method call cannot be
    /// resolved by its name alone when some method of that name is not in the index.
    pub fn unparsed_method_names(&self, parsed: impl Fn(usize) -> bool) -> FastSet<Name> {
        let mut out = FastSet::default();
        for (file, scan) in self.scans.iter().enumerate() {
            if let Some(scan) = scan.as_ref().filter(|_| !parsed(file)) {
                let methods = scan.fn_defs.iter().filter(|(owner, _)| owner.is_some());
                out.extend(methods.map(|&(_, name)| name));
            }
        }
        out
    }

    /// The files that are not roots but, in the crate of one of `aliases`, name it and call
    /// one of its async methods: `self.tx.send(..)` with `tx: EventTx` may drop tokio's
    /// future though the file never names tokio.
    pub fn alias_users(&self, aliases: &[AsyncAlias<'_>]) -> Vec<usize> {
        let uses = |file: usize, scan: &Scan| {
            aliases.iter().any(|alias| {
                alias.krate == self.crates[file]
                    && scan.mentions_name(alias.name)
                    && scan.method_calls.iter().any(|call| alias.methods.contains(call))
            })
        };
        let scans = self.scans.iter().enumerate();
        scans
            .filter_map(|(file, scan)| scan.as_ref().filter(|s| !s.root && uses(file, s)).map(|_| file))
            .collect()
    }

    /// The aliases of async API types that files which are not roots define (see
    /// [`Scan::async_aliases`]).
    pub fn async_aliases(&self) -> impl Iterator<Item = AsyncAlias<'s>> + '_ {
        let scans = self.scans.iter().enumerate().filter_map(|(file, scan)| Some((file, scan.as_ref()?)));
        scans.flat_map(move |(file, scan)| {
            scan.async_aliases.iter().map(move |(name, methods)| AsyncAlias {
                krate: self.crates[file],
                name: *name,
                methods: methods.clone(),
            })
        })
    }

    /// The workspace functions returning a future, found in the parsed `roots`: code calling
    /// one may drop the future.
    pub fn future_callees<'r>(
        &'r self,
        roots: &[(usize, &FileHir)],
        index: &CrateIndex,
        catalog: &Catalog,
    ) -> FutureCallees<'r, 's> {
        let mut callees = FutureCallees {
            lexicon: self,
            functions: FastMap::default(),
            methods: FastMap::default(),
            names: FastSet::default(),
            sync_names: FastSet::default(),
        };
        for (file, hir) in roots {
            let sem = Semantics::new(catalog, index, hir);
            for function in &hir.functions {
                let name = ident_hash(&function.name);
                if sem.function_returns_future(function) {
                    let owner = owner_name(function).map(ident_hash);
                    callees.names.insert(name);
                    callees.functions.entry((owner, name)).or_default().push(self.crates[*file]);
                    if let Some(owner) = owner {
                        callees.methods.entry(name).or_default().push((owner, self.crates[*file]));
                    }
                } else {
                    callees.sync_names.insert(name);
                }
            }
        }
        callees
    }
}

/// The workspace functions returning a future (see [`Lexicon::future_callees`]).
pub struct FutureCallees<'r, 's> {
    lexicon: &'r Lexicon<'s>,
    /// Each one, with the crates defining it.
    functions: FastMap<FnDef, Vec<&'s str>>,
    /// The methods among them by name, with their types.
    methods: FastMap<Name, Vec<(Name, &'s str)>>,
    /// Their names.
    names: FastSet<Name>,
    /// The names of the roots' other functions.
    sync_names: FastSet<Name>,
}

impl FutureCallees<'_, '_> {
    /// Files that are not roots but call one (by their pre-scans): they may drop its future.
    pub fn non_root_callers(&self) -> Vec<usize> {
        let scans = self.lexicon.scans;
        (0..scans.len())
            .filter(|&file| {
                let Some(scan) = scans[file].as_ref().filter(|scan| !scan.root) else { return false };
                self.is_called(scan, |name| scan.mentions_name(name), self.lexicon.crates[file])
            })
            .collect()
    }

    /// Whether the calls of `calls` (from [`crate::prescan`]), in a file of crate `krate` that
    /// `mentions` names, may call one. A path call names the function (and its type,
    /// `Repo::open(`); a method call reaches a future by the receiver's type, which the file
    /// names (`conn: Connection` ... `self.conn.close()`), or by a name no sync method has
    /// (see `Semantics::crate_method`).
    pub fn is_called(&self, calls: &Scan, mentions: impl Fn(Name) -> bool, krate: &str) -> bool {
        // Another crate's function is reached only through a path naming that crate.
        let reaches = |owner_crate: &&str| *owner_crate == krate || mentions(ident_hash(owner_crate));
        let calls_future = calls
            .path_calls
            .iter()
            .any(|call| self.functions.get(call).is_some_and(|c| c.iter().any(reaches)));
        let typed_future = |name: &Name| {
            let owners = self.methods.get(name).map(Vec::as_slice).unwrap_or(&[]);
            owners.iter().any(|(owner, owner_crate)| mentions(*owner) && reaches(owner_crate))
        };
        let future_only = |name: &Name| {
            self.names.contains(name)
                && !self.sync_names.contains(name)
                && !self.lexicon.method_files.contains_key(name)
        };
        calls_future || calls.method_calls.iter().any(|m| typed_future(m) || future_only(m))
    }
}

/// A function as demands name it, by names hashed as the pre-scan hashes them (checked for
/// every function in every round).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FnKey {
    /// A function outside any `impl`/`trait` block.
    Free(Name),
    /// A method of a type or trait (its last segment).
    Method { owner: Name, name: Name },
    /// Every method of this name.
    AnyMethod(Name),
    /// A method of this name in an `impl TRAIT for ..` block (the trait's last segment).
    Implementation { trait_name: Name, name: Name },
}

/// Which functions of a file to look into: all of them in a file rules report on; in a file
/// parsed for its definitions, only the demanded ones (a helper's helpers are followed, not
/// everything else its file defines).
pub enum Examine<'k> {
    All,
    /// A root file: its async code (where rules report), and its demanded functions.
    AsyncAndDemanded(&'k FastSet<FnKey>),
    Demanded(&'k FastSet<FnKey>),
}

impl Examine<'_> {
    fn wants(&self, function: &Function) -> bool {
        match self {
            Examine::All => true,
            Examine::AsyncAndDemanded(_) if has_async_code(function) => true,
            Examine::AsyncAndDemanded(keys) | Examine::Demanded(keys) => is_demanded(function, keys),
        }
    }
}

/// Whether one of `keys` names `function`.
pub fn is_demanded(function: &Function, keys: &FastSet<FnKey>) -> bool {
    keys_naming(function).into_iter().flatten().any(|key| keys.contains(&key))
}

/// The keys a demand may name `function` by: a free function by its name; a method by its
/// type or trait and name, and by its name alone (the only way to name a method of a type
/// that does not resolve, such as an `impl` in a file that is `include!`d elsewhere); a
/// method of an `impl Trait for Type` block also as an implementation of the trait's method.
pub fn keys_naming(function: &Function) -> [Option<FnKey>; 3] {
    let name = ident_hash(&function.name);
    match &function.owner {
        FnOwner::Free | FnOwner::Nested => [Some(FnKey::Free(name)), None, None],
        FnOwner::Impl { .. } | FnOwner::Trait { .. } => {
            let typed = owner_name(function).map(|owner| FnKey::Method { owner: ident_hash(owner), name });
            let implementation = match &function.owner {
                FnOwner::Impl { trait_path: Some(trait_path), .. } => {
                    Some(FnKey::Implementation { trait_name: last_segment_name(trait_path), name })
                }
                _ => None,
            };
            [typed, Some(FnKey::AnyMethod(name)), implementation]
        }
    }
}

/// The last segment of a method's type or trait.
fn owner_name(function: &Function) -> Option<&str> {
    let owner = match &function.owner {
        FnOwner::Impl { self_ty, .. } => self_ty.path_str(),
        FnOwner::Trait { trait_path, .. } => Some(trait_path.as_str()),
        FnOwner::Free | FnOwner::Nested => None,
    };
    owner.map(|path| path.rsplit("::").next().unwrap_or(path))
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

/// A path's last segment, hashed as the pre-scan hashes names.
fn last_segment_name(path: &str) -> Name {
    ident_hash(path.rsplit("::").next().unwrap_or(path))
}

/// Whether `module` is `parent` or one of its ancestors: `a::b` for `a::b::c`.
fn is_module_prefix(module: &str, parent: &str) -> bool {
    parent.strip_prefix(module).is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

impl Demand {
    /// The functions this demand asks for.
    pub fn key(&self) -> Option<FnKey> {
        match self {
            Demand::Item { path, is_type: false } => Some(FnKey::Free(ident_hash(path.rsplit("::").next()?))),
            Demand::Item { is_type: true, .. } => None,
            Demand::Method { name, owner, .. } => {
                Some(FnKey::Method { owner: ident_hash(owner), name: ident_hash(name) })
            }
            Demand::UniqueMethod { name } => Some(FnKey::AnyMethod(ident_hash(name))),
            Demand::TraitMethod { name, trait_name, .. } => {
                Some(FnKey::Method { owner: *trait_name, name: ident_hash(name) })
            }
            Demand::TraitImpl { .. } => None,
            Demand::Implementations { name, trait_path } => Some(FnKey::Implementation {
                trait_name: last_segment_name(trait_path),
                name: ident_hash(name),
            }),
        }
    }

    /// For an item demanded by a path that a re-export parsed since leads elsewhere: the
    /// demands for where it leads, and whether they were reached through a glob re-export
    /// (each place it may lead). Where a named re-export leads is demanded even when the index
    /// has the item already: its body may not be lowered yet. Empty once the index has the
    /// item under this path.
    pub fn follow_reexport(&self, index: &CrateIndex) -> (Vec<Demand>, bool) {
        let Demand::Item { path, is_type } = self else { return (Vec::new(), false) };
        let canonical = index.canonical(path);
        let (targets, via_glob) = if canonical != path.as_str() {
            (vec![canonical.into_owned()], false)
        } else if self.is_known(index) {
            return (Vec::new(), false);
        } else {
            (index.glob_candidates(path), true)
        };
        (targets.into_iter().map(|path| Demand::Item { path, is_type: *is_type }).collect(), via_glob)
    }

    /// For a demand of a trait method's implementations: whether the call graph follows the
    /// method through them (see [`crate::callgraph::follows_implementations`]), once the
    /// index has the trait; `None` before. Every other demand is ready.
    pub fn dispatch_ready(&self, index: &CrateIndex) -> Option<bool> {
        let Demand::Implementations { name, trait_path } = self else { return Some(true) };
        let sig = index.function(&format!("{trait_path}::{name}"))?;
        Some(crate::callgraph::follows_implementations(&sig.owner, &sig.name, sig.is_async))
    }

    /// Whether the index has what this demand asks for. Only item demands can be followed
    /// further; every other kind counts as known.
    pub fn is_known(&self, index: &CrateIndex) -> bool {
        match self {
            Demand::Item { path, is_type: true } => index.is_local_type(path),
            Demand::Item { path, is_type: false } => index.function(path).is_some(),
            _ => true,
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
        .with_max_len(1)
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

    /// `my_crate::util::helper` or `my_crate::Repo::open`. A function already parsed is
    /// demanded too: its body is looked into for what it calls in turn.
    fn function_path(&mut self, path: &str) {
        let krate = path.split("::").next().unwrap_or(path);
        if !self.lexicon.is_workspace_crate(krate) {
            return;
        }
        let Some((parent, name)) = path.rsplit_once("::") else { return };
        let owner = parent.rsplit("::").next().filter(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
        match owner {
            Some("Self") => {}
            Some(owner) => {
                self.type_path(parent);
                self.insert(Demand::Method { name: name.into(), owner: owner.into(), krate: krate.into() });
                // `Target::username(os)` may name a trait's method: its implementations are
                // demanded if it is one (see `Demand::dispatch_ready`).
                let trait_path = self.index.canonical(parent).into_owned();
                self.insert(Demand::Implementations { name: name.into(), trait_path });
            }
            None => {
                self.insert(Demand::Item { path: self.index.canonical(path).into_owned(), is_type: false })
            }
        }
    }

    fn method(&mut self, sem: &Semantics<'_>, body: &Body, receiver: ExprId, method: &str) {
        let (paths, bounds) = self.types_and_bounds(sem, body, receiver);
        for bound in &bounds {
            if !self.trait_has_method(bound, method) {
                continue;
            }
            self.insert(Demand::Implementations { name: method.into(), trait_path: bound.clone() });
        }
        for path in &paths {
            let owner = path.rsplit("::").next().unwrap_or(path).to_string();
            let krate = path.split("::").next().unwrap_or(path).to_string();
            self.trait_defaults(path, &owner, method);
            self.insert(Demand::Method { name: method.into(), owner, krate });
        }
        // An untyped receiver: the index resolves the call by a method name only one workspace
        // method has (and no everyday std method shares). Roots are all parsed; one other definition must be, too. With more, the
        // call is ambiguous whatever is parsed.
        let unparsed_definitions = self.lexicon.method_counts.get(&ident_hash(method)).copied().unwrap_or(0);
        if paths.is_empty() && unparsed_definitions <= 1 && !sem.catalog.is_std_method_name(method) {
            self.insert(Demand::UniqueMethod { name: method.into() });
        }
    }

    /// Whether the workspace trait `trait_path` has a method `method` (parsed, or by a
    /// pre-scan): most methods called on a bounded receiver are a supertrait's (`clone`,
    /// `as_ref`), whose implementations are not worth holding a demand for.
    fn trait_has_method(&self, trait_path: &str, method: &str) -> bool {
        self.lexicon.defines_method(last_segment_name(trait_path), ident_hash(method))
            || self.index.function(&format!("{trait_path}::{method}")).is_some()
    }

    /// The default methods a call of `method` on the workspace type `path` (named `owner`)
    /// may reach: of the traits that define such a method (by the pre-scans, or parsed
    /// already) and that the type implements (by the index, or by the pre-scans of files
    /// not parsed yet, whose impls are demanded too). Wherever the impl and the trait are,
    /// both are demanded in the round that sees the call, as a full parse would have them.
    fn trait_defaults(&mut self, path: &str, owner: &str, method: &str) {
        let krate = crate_of(path);
        let mut traits = self.traits_of_parsed_impls(path, method);
        for (trait_name, trait_crates) in self.traits_of_unparsed_impls(ident_hash(owner), krate, method) {
            self.insert(Demand::TraitImpl {
                type_name: ident_hash(owner),
                trait_name,
                krate: krate.to_string(),
            });
            traits.extend(trait_crates.into_iter().map(|trait_crate| (trait_name, trait_crate)));
        }
        for (trait_name, trait_crate) in traits {
            self.insert(Demand::TraitMethod { name: method.into(), trait_name, krate: trait_crate });
        }
    }

    /// The traits (name, crate) of the impls for `path` that the index has, with a method
    /// `method`: parsed with one, or maybe in a file not parsed yet.
    fn traits_of_parsed_impls(&self, path: &str, method: &str) -> BTreeSet<(Name, String)> {
        let method_name = ident_hash(method);
        let has_method = |trait_path: &&str| {
            self.lexicon.defines_method(last_segment_name(trait_path), method_name)
                || (self.index.may_be_trait_method(trait_path, method)
                    && self.index.function(&format!("{trait_path}::{method}")).is_some())
        };
        let in_workspace = |trait_path: &&str| self.lexicon.is_workspace_crate(crate_of(trait_path));
        self.index
            .traits_implemented_by(path)
            .into_iter()
            .filter(in_workspace)
            .filter(has_method)
            .map(|t| (last_segment_name(t), crate_of(&self.index.canonical(t)).to_string()))
            .collect()
    }

    /// The impls for crate `krate`'s type `owner` in files not parsed yet (by their pre-scans),
    /// of a trait with a method `method`: each trait's name and the crates it may be defined
    /// in (parsed already, a root's; or a crate the impl's file can name).
    fn traits_of_unparsed_impls(&self, owner: Name, krate: &str, method: &str) -> Vec<(Name, Vec<String>)> {
        let unparsed_impls: Vec<(Name, usize)> = self.lexicon.traits_implemented_for(owner, krate).collect();
        if unparsed_impls.is_empty() {
            // Most types: no need to look at the parsed traits.
            return Vec::new();
        }
        let parsed: Vec<(Name, &str)> =
            self.index.traits_with_method(method).map(|t| (last_segment_name(t), crate_of(t))).collect();
        let mut out = Vec::new();
        for (trait_name, impl_file) in unparsed_impls {
            let mut crates: Vec<String> =
                parsed.iter().filter(|(name, _)| *name == trait_name).map(|(_, c)| c.to_string()).collect();
            let defining = self.lexicon.crates_defining_method(trait_name, ident_hash(method), impl_file);
            crates.extend(defining.into_iter().map(str::to_string));
            if !crates.is_empty() {
                out.push((trait_name, crates));
            }
        }
        out
    }

    /// The workspace types (and trait bounds) of `expr`'s deref chain; each one not in the
    /// index yet is demanded.
    fn types_of(&mut self, sem: &Semantics<'_>, body: &Body, expr: ExprId) -> Vec<String> {
        self.types_and_bounds(sem, body, expr).0
    }

    /// [`Self::types_of`], and which of them are trait bounds (of `impl Trait`, `dyn Trait`
    /// or a bounded type parameter).
    fn types_and_bounds(
        &mut self,
        sem: &Semantics<'_>,
        body: &Body,
        expr: ExprId,
    ) -> (Vec<String>, Vec<String>) {
        let (mut out, mut bounds) = (Vec::new(), Vec::new());
        for ty in sem.deref_chain(&sem.ty_of(body, expr)) {
            let (paths, are_bounds): (Vec<&str>, bool) = match &ty {
                Ty::Path { path, .. } => (vec![path.as_str()], false),
                Ty::Bounds(list) => (list.iter().filter_map(Ty::path_str).collect(), true),
                _ => (Vec::new(), false),
            };
            for path in paths {
                if self.type_path(path) {
                    out.push(path.to_string());
                    if are_bounds {
                        bounds.push(path.to_string());
                    }
                }
            }
        }
        (out, bounds)
    }

    /// Demands a workspace type unless the index has it; whether it is a workspace type.
    fn type_path(&mut self, path: &str) -> bool {
        let krate = path.split("::").next().unwrap_or(path);
        if !self.lexicon.is_workspace_crate(krate) {
            return false;
        }
        if !self.index.is_local_type(path) {
            self.insert(Demand::Item { path: self.index.canonical(path).into_owned(), is_type: true });
        }
        true
    }

    fn insert(&mut self, demand: Demand) {
        self.found.insert(demand);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prescan::{scan, AsyncApiEvidence};

    fn lexicon_of<'s>(scans: &'s [Option<Scan>], modules: &'s [String]) -> Lexicon<'s> {
        Lexicon::new(scans, modules)
    }

    fn scans_of_impls() -> Vec<Option<Scan>> {
        scans(&[
            "pub trait Sink { fn record(&self); }",
            "impl super::Sink for Disk { fn record(&self) {} }",
            "impl Sink for Other { fn record(&self) {} }",
            "use app::Sink; impl Sink for Mem { fn record(&self) {} }",
        ])
    }

    fn scans(texts: &[&str]) -> Vec<Option<Scan>> {
        texts.iter().map(|t| Some(scan(t, &AsyncApiEvidence::default()))).collect()
    }

    #[test]
    fn module_prefixes_follow_segments() {
        assert!(is_module_prefix("app::db", "app::db::pool"));
        assert!(is_module_prefix("app::db", "app::db"));
        assert!(is_module_prefix("app", "app::db"));
        assert!(!is_module_prefix("app::d", "app::db"));
        assert!(!is_module_prefix("app::db::pool", "app::db"));
    }

    #[test]
    fn a_method_of_a_type_that_does_not_resolve_is_named_by_its_name() {
        // `include!("generated.rs")` puts this impl in a module that imports its type; alone,
        // the file cannot name it.
        let text =
            "impl Channel { fn receive(&self) {} }\nimpl crate::Known { fn send(&self) {} }\nfn free() {}\n\
                    impl crate::sink::Sink for Known { fn record(&self) {} }";
        let hir = crate::lower::lower_module_for_test("generated", text);
        let keys: Vec<[Option<FnKey>; 3]> = hir.functions.iter().map(keys_naming).collect();
        let (receive, send, free) = (ident_hash("receive"), ident_hash("send"), ident_hash("free"));
        assert_eq!(keys[0], [None, Some(FnKey::AnyMethod(receive)), None]);
        assert_eq!(
            keys[1],
            [
                Some(FnKey::Method { owner: ident_hash("Known"), name: send }),
                Some(FnKey::AnyMethod(send)),
                None
            ]
        );
        assert_eq!(keys[2], [Some(FnKey::Free(free)), None, None]);
        // A trait's implementation is also named as one, by the trait's last segment.
        let record = ident_hash("record");
        assert_eq!(keys[3][2], Some(FnKey::Implementation { trait_name: ident_hash("Sink"), name: record }));
    }

    #[test]
    fn items_come_from_modules_on_their_path_and_methods_from_their_crate() {
        let scans = scans(&[
            "pub use store::Repo; pub use net::fetch;",
            "pub fn fetch() {}",
            "pub struct Repo; impl Repo { fn load(&self) {} }",
            "pub fn fetch() {} struct Repo;",
            "use app::Repo; impl Repo { fn load(&self) {} }",
            "impl Repo { fn load(&self) {} }",
        ]);
        let modules: Vec<String> =
            ["app", "app::net", "app::store", "other::net", "other::ext", "third"].map(String::from).to_vec();
        let lexicon = lexicon_of(&scans, &modules);
        // Its definition, or a re-export in a module on the path (which may hold the module
        // inline); never a file of another crate or another module.
        let fetch = Demand::Item { path: "app::net::fetch".into(), is_type: false };
        assert_eq!(lexicon.candidates(&fetch), [1, 0]);
        let reexported = Demand::Item { path: "app::fetch".into(), is_type: false };
        assert_eq!(lexicon.candidates(&reexported), [0]);
        let repo = Demand::Item { path: "app::store::Repo".into(), is_type: true };
        assert_eq!(lexicon.candidates(&repo), [2, 0]);
        // Defined in its crate, or where its crate is named (a local trait's impl).
        let load = Demand::Method { name: "load".into(), owner: "Repo".into(), krate: "app".into() };
        assert_eq!(lexicon.candidates(&load), [2, 4]);
        assert_eq!(load.key(), Some(FnKey::Method { owner: ident_hash("Repo"), name: ident_hash("load") }));
        assert_eq!(repo.key(), None);
        // A trait's implementations: where a trait of its crate is implemented.
        let impls = scans_of_impls();
        let impl_modules: Vec<String> = ["app", "app::disk", "other", "app::mem"].map(String::from).to_vec();
        let impl_lexicon = lexicon_of(&impls, &impl_modules);
        let record = Demand::Implementations { name: "record".into(), trait_path: "app::Sink".into() };
        assert_eq!(impl_lexicon.candidates(&record), [1, 3]);
    }

    #[test]
    fn a_method_name_is_incomplete_while_a_file_defining_it_is_unparsed() {
        let scans = scans(&["impl A { fn load(&self) {} } fn helper() {}", "impl B { fn load(&self) {} }"]);
        let modules: Vec<String> = ["app", "app::b"].map(String::from).to_vec();
        let lexicon = lexicon_of(&scans, &modules);
        assert_eq!(lexicon.unparsed_method_names(|file| file == 0), FastSet::from_iter([ident_hash("load")]));
        assert!(lexicon.unparsed_method_names(|_| true).is_empty());
        let unique = Demand::UniqueMethod { name: "load".into() };
        assert_eq!(lexicon.candidates(&unique), [0, 1]);
    }
}
