//! The workspace index: facts about items that rules need across files — struct fields,
//! function signatures, statics, type aliases, crate-local types.
//!
//! Built once from every file's HIR, after lowering and before any rule runs.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use crate::fast_hash::{FastMap, FastSet};

use crate::callgraph::BlockingSummary;
use crate::hir::{FileHir, FnOwner, Function};
use crate::source::Span;
use crate::ty::Ty;

/// Where a function is declared, for notes ("`load` is declared `async` at src/db.rs:12").
#[derive(Clone, Debug)]
pub struct FnLocation {
    pub file: usize,
    pub function: usize,
    /// The file's display path (shared by the file's functions).
    pub display: Arc<str>,
    pub name_span: Span,
}

/// A function's signature as the index keeps it.
#[derive(Clone, Debug)]
pub struct FnSig {
    pub path: String,
    pub name: String,
    pub is_async: bool,
    /// `#[tokio::main]`-style: sync for its callers.
    pub is_entry_point: bool,
    /// See [`Function::runtime_entry`].
    pub runtime_entry: Option<String>,
    pub returns: Option<Ty>,
    pub owner: FnOwner,
    pub location: FnLocation,
    /// See [`Function::static_params`].
    pub static_params: Vec<usize>,
}

/// The index does not depend on the order files are added in: it is the same as if they
/// had been added by ascending file id. Where two files define the same path (`cfg`'d
/// alternatives), the later file's item is kept, and lists are kept in file order. So the
/// index the selection grows round by round is the one rules use.
#[derive(Debug, Default)]
pub struct CrateIndex {
    structs: FastMap<String, InFile<Vec<(String, Ty)>>>,
    /// Each path's functions, ordered by file and position.
    functions: FastMap<String, Vec<FnSig>>,
    methods_by_name: FastMap<String, MethodPaths>,
    statics: FastMap<String, InFile<Ty>>,
    aliases: FastMap<String, InFile<Ty>>,
    local_types: FastSet<String>,
    /// Other names of workspace items, from `use` items: `crate::store::Disk` ->
    /// `crate::store::disk::Disk`.
    reexports: FastMap<String, InFile<String>>,
    /// The last segments of the re-exported names: a path prefix can only be one of them if
    /// its last segment is here, which is cheaper to ask than the whole prefix.
    reexport_names: FastSet<String>,
    /// Modules' pub glob `use`s (`pub use self::imp::*;`): the target modules of each module, in
    /// file order; and the crates that have any (only their paths are looked through them).
    glob_reexports: FastMap<String, Vec<InFile<String>>>,
    glob_crates: FastSet<String>,
    /// The crates of the files added: a path into any other crate is outside the workspace.
    crates: FastSet<String>,
    /// `impl Trait for Type` blocks by the type's last segment: `(type path, trait path)`,
    /// in file order. Keyed by name because the impl may name the type through a re-export.
    trait_impls: FastMap<String, Vec<InFile<(String, String)>>>,
    /// The traits' methods by name, with the traits' paths (sorted): most method calls name
    /// none, and need not look through the receiver type's trait impls.
    trait_methods: FastMap<String, Vec<String>>,
    /// Changes (to a value no other index had) whenever a file is added: what
    /// [`CrateIndex::canonical`] remembers is only valid for one generation.
    generation: u64,
    /// Which sync functions block, filled in once the index exists (see `callgraph`).
    blocking: BlockingSummary,
    /// Async fns that run an endless loop (see `tasks`).
    endless_loops: crate::tasks::EndlessLoops,
    /// Functions returning the handle of an endless task they spawn (see `tasks`).
    endless_handles: crate::tasks::EndlessHandles,
    endless_handle_names: HashSet<String>,
    /// Async fns that are not cancel safe (see `tasks`).
    cancel_unsafe_fns: crate::tasks::CancelUnsafeFns,
    /// Names of the functions and methods with a `'static` parameter (see
    /// [`Function::static_params`]): a quick test before a call is resolved.
    static_param_names: HashSet<String>,
    /// Names of the functions with a runtime's `*::main` attribute (see
    /// [`Function::runtime_entry`]): a quick test before a call is resolved.
    runtime_entry_names: HashSet<String>,
    /// Functions that hand a closure parameter to an offloading API (see `offload`).
    offload_wrappers: FastSet<String>,
    /// Names of methods defined in files that were not parsed (see `selection`).
    unparsed_method_names: FastSet<crate::prescan::Name>,
}

/// Gives each change of any index a generation of its own (see [`CrateIndex::canonical`]).
static NEXT_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What one thread remembers of [`CrateIndex::canonical`]'s answers: where each path leads
/// (`None`: nowhere else), for one index generation.
#[derive(Default)]
struct CanonicalMemo {
    generation: u64,
    paths: FastMap<Box<str>, Option<Arc<str>>>,
}

thread_local! {
    static CANONICAL_MEMO: std::cell::RefCell<CanonicalMemo> = std::cell::RefCell::default();
}

/// A value, with the file that defined it.
#[derive(Debug)]
struct InFile<T> {
    file: usize,
    value: T,
}

/// Keeps `value` for `key` unless a later file already defined it (see [`CrateIndex`]).
fn insert_in_file_order<T>(
    map: &mut FastMap<String, InFile<T>>,
    key: &str,
    file: usize,
    value: impl FnOnce() -> T,
) {
    match map.get_mut(key) {
        Some(existing) if existing.file > file => {}
        Some(existing) => *existing = InFile { file, value: value() },
        None => {
            map.insert(key.to_string(), InFile { file, value: value() });
        }
    }
}

/// The canonical paths of the methods of one name, ordered by file and position.
#[derive(Debug, Default)]
struct MethodPaths {
    order: Vec<(usize, usize)>,
    paths: Vec<String>,
}

impl CrateIndex {
    /// Builds the index from the lowered files: `(file id, HIR, display path)`.
    pub fn build<'a>(files: impl IntoIterator<Item = (usize, &'a FileHir, &'a str)>) -> CrateIndex {
        let mut index = CrateIndex::default();
        for (file, hir, display) in files {
            index.add_file(file, hir, display);
        }
        index
    }

    /// Adds one lowered file.
    pub fn add_file(&mut self, file: usize, hir: &FileHir, display: &str) {
        self.generation = NEXT_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for def in &hir.structs {
            insert_in_file_order(&mut self.structs, &def.path, file, || def.fields.clone());
        }
        for def in &hir.statics {
            insert_in_file_order(&mut self.statics, &def.path, file, || def.ty.clone());
        }
        for (path, ty) in &hir.type_aliases {
            insert_in_file_order(&mut self.aliases, path, file, || ty.clone());
            self.local_types.insert(path.clone());
        }
        self.local_types.extend(hir.defined_types.iter().cloned());
        for (alias, target) in &hir.reexports {
            if alias != target {
                let name = alias.rsplit("::").next().unwrap_or(alias);
                self.reexport_names.insert(name.to_string());
                insert_in_file_order(&mut self.reexports, alias, file, || target.clone());
            }
        }
        for (module, target) in &hir.glob_reexports {
            let targets = self.glob_reexports.entry(module.clone()).or_default();
            let at = targets.partition_point(|earlier| earlier.file <= file);
            targets.insert(at, InFile { file, value: target.clone() });
            self.glob_crates.insert(crate_of(module).to_string());
        }
        for (type_path, trait_path) in &hir.trait_impls {
            let name = type_path.rsplit("::").next().unwrap_or(type_path);
            let impls = self.trait_impls.entry(name.to_string()).or_default();
            let at = impls.partition_point(|earlier| earlier.file <= file);
            impls.insert(at, InFile { file, value: (type_path.clone(), trait_path.clone()) });
        }
        if !self.crates.contains(&hir.crate_name) {
            self.crates.insert(hir.crate_name.clone());
        }
        let display: Arc<str> = Arc::from(display);
        for (position, function) in hir.functions.iter().enumerate() {
            let location = FnLocation {
                file,
                function: position,
                display: Arc::clone(&display),
                name_span: function.name_span,
            };
            self.add_function(location, function);
        }
    }

    fn add_function(&mut self, location: FnLocation, function: &Function) {
        let sig = FnSig {
            path: function.path.clone(),
            name: function.name.clone(),
            is_async: function.is_async,
            is_entry_point: function.is_entry_point,
            runtime_entry: function.runtime_entry.clone(),
            returns: function.returns.clone(),
            owner: function.owner.clone(),
            location,
            static_params: function.static_params.clone(),
        };
        if !sig.static_params.is_empty() {
            self.static_param_names.insert(sig.name.clone());
        }
        if sig.runtime_entry.is_some() {
            self.runtime_entry_names.insert(sig.name.clone());
        }
        let order = (sig.location.file, sig.location.function);
        if function.has_self || matches!(function.owner, FnOwner::Impl { .. } | FnOwner::Trait { .. }) {
            // Most names are there already: no key to allocate then.
            if !self.methods_by_name.contains_key(&function.name) {
                self.methods_by_name.insert(function.name.clone(), MethodPaths::default());
            }
            let methods = self.methods_by_name.get_mut(&function.name).expect("inserted above");
            let at = methods.order.partition_point(|earlier| *earlier < order);
            methods.order.insert(at, order);
            methods.paths.insert(at, function.path.clone());
        }
        if let FnOwner::Trait { trait_path, .. } = &function.owner {
            let traits = self.trait_methods.entry(function.name.clone()).or_default();
            if let Err(at) = traits.binary_search(trait_path) {
                traits.insert(at, trait_path.clone());
            }
        }
        let sigs = self.functions.entry(function.path.clone()).or_default();
        let at = sigs.partition_point(|earlier| (earlier.location.file, earlier.location.function) < order);
        sigs.insert(at, sig);
    }

    /// A workspace struct's fields and their declared types.
    pub fn struct_fields(&self, struct_path: &str) -> Option<&[(String, Ty)]> {
        Some(&self.structs.get(self.canonical(struct_path).as_ref())?.value)
    }

    /// The declared type of a struct's field, with placeholders for the struct's type
    /// parameters (see [`Ty::instantiate`]).
    pub fn field_type(&self, struct_path: &str, field: &str) -> Option<&Ty> {
        self.structs
            .get(self.canonical(struct_path).as_ref())?
            .value
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, ty)| ty)
    }

    /// The signature of a crate function by canonical path; `None` when unknown or when
    /// several items share the path (cfg'd alternatives disagree on nothing we can check).
    pub fn function(&self, path: &str) -> Option<&FnSig> {
        self.functions.get(self.canonical(path).as_ref()).and_then(|sigs| sigs.first())
    }

    /// The workspace traits a type implements (`impl Trait for Type`), in file order.
    pub fn traits_implemented_by(&self, type_path: &str) -> Vec<&str> {
        let name = type_path.rsplit("::").next().unwrap_or(type_path);
        let Some(impls) = self.trait_impls.get(name) else { return Vec::new() };
        let wanted = std::cell::OnceCell::new();
        let same_type = |path: &str| {
            path == type_path || self.canonical(path) == *wanted.get_or_init(|| self.canonical(type_path))
        };
        impls.iter().filter(|imp| same_type(&imp.value.0)).map(|imp| imp.value.1.as_str()).collect()
    }

    /// Whether a parsed trait named like `trait_path` (by its last segment) may have a method
    /// of this name: a quick check before the lookup of `trait_path::name`.
    pub fn may_be_trait_method(&self, trait_path: &str, name: &str) -> bool {
        fn last_segment(path: &str) -> &str {
            path.rsplit("::").next().unwrap_or(path)
        }
        let trait_name = last_segment(trait_path);
        self.traits_with_method(name).any(|path| last_segment(path) == trait_name)
    }

    /// The workspace traits with a method of this name (a default one or not): their paths.
    pub fn traits_with_method<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s str> + 's {
        self.trait_methods.get(name).into_iter().flatten().map(String::as_str)
    }

    /// Every crate method with this name (canonical paths); `None` when some file not parsed
    /// defines a function of that name, so the list may be incomplete.
    pub fn methods_named(&self, name: &str) -> Option<&[String]> {
        if !self.unparsed_method_names.is_empty()
            && self.unparsed_method_names.contains(&crate::prescan::ident_hash(name))
        {
            return None;
        }
        Some(self.methods_by_name.get(name).map(|methods| methods.paths.as_slice()).unwrap_or(&[]))
    }

    pub fn set_unparsed_method_names(&mut self, names: FastSet<crate::prescan::Name>) {
        self.unparsed_method_names = names;
    }

    pub fn static_type(&self, path: &str) -> Option<&Ty> {
        self.statics.get(self.canonical(path).as_ref()).map(|s| &s.value)
    }

    /// Expands a crate-local type alias one level, with its arguments in place of its
    /// parameters (`AppResult<u32>` with `type AppResult<T> = Result<T, Error>`).
    pub fn alias(&self, path: &str, args: &[Ty]) -> Option<Ty> {
        if self.aliases.is_empty() {
            return None;
        }
        self.aliases.get(self.canonical(path).as_ref()).map(|a| a.value.instantiate(args))
    }

    /// Every `type` alias: its path and target.
    pub fn aliases(&self) -> impl Iterator<Item = (&str, &Ty)> {
        self.aliases.iter().map(|(path, target)| (path.as_str(), &target.value))
    }

    /// Whether a type is defined at this very path (not reached through a re-export).
    pub fn defines_type_at(&self, path: &str) -> bool {
        self.local_types.contains(path)
    }

    /// Whether a type (struct, enum, union, trait, alias) is defined in the workspace.
    pub fn is_local_type(&self, path: &str) -> bool {
        self.local_types.contains(self.canonical(path).as_ref())
    }

    /// Records which sync functions block (computed from this index by `callgraph`).
    pub fn set_blocking(&mut self, summary: BlockingSummary) {
        self.blocking = summary;
    }

    pub fn blocking(&self) -> &BlockingSummary {
        &self.blocking
    }

    pub fn set_offload_wrappers(&mut self, wrappers: HashSet<String>) {
        self.offload_wrappers = wrappers.into_iter().collect();
    }

    pub fn offload_wrapper_count(&self) -> usize {
        self.offload_wrappers.len()
    }

    pub fn is_offload_wrapper(&self, path: &str) -> bool {
        self.offload_wrappers.contains(self.canonical(path).as_ref())
    }

    pub fn set_endless_loops(&mut self, loops: crate::tasks::EndlessLoops) {
        self.endless_loops = loops;
    }

    /// Whether some workspace function of this name has a runtime's `*::main` attribute.
    pub fn has_runtime_entry_named(&self, name: &str) -> bool {
        self.runtime_entry_names.contains(name)
    }

    /// Whether some workspace function or method of this name has a `'static` parameter.
    pub fn has_static_param_named(&self, name: &str) -> bool {
        self.static_param_names.contains(name)
    }

    pub fn set_cancel_unsafe_fns(&mut self, fns: crate::tasks::CancelUnsafeFns) {
        self.cancel_unsafe_fns = fns;
    }

    pub fn set_endless_handles(&mut self, handles: crate::tasks::EndlessHandles) {
        self.endless_handle_names =
            handles.keys().map(|path| path.rsplit("::").next().unwrap_or(path).to_string()).collect();
        self.endless_handles = handles;
    }

    /// Whether some function returning an endless task's handle has this name: a quick test
    /// before a call is resolved.
    pub fn has_endless_handle_named(&self, name: &str) -> bool {
        self.endless_handle_names.contains(name)
    }

    /// Where the endless task is whose handle a workspace function returns: `(display path, line)`.
    pub fn endless_handle(&self, path: &str) -> Option<&(String, u32)> {
        self.endless_handles.get(self.canonical(path).as_ref())
    }

    pub fn has_cancel_unsafe_fns(&self) -> bool {
        !self.cancel_unsafe_fns.is_empty()
    }

    /// Why a workspace async fn is not cancel safe, if it is not.
    pub fn cancel_unsafe_fn(&self, path: &str) -> Option<&crate::tasks::CancelUnsafeFn> {
        self.cancel_unsafe_fns.get(self.canonical(path).as_ref())
    }

    /// Where a workspace async fn runs an endless loop: `(display path, loop span)`.
    pub fn endless_loop(&self, path: &str) -> Option<&(String, Span)> {
        self.endless_loops.get(self.canonical(path).as_ref())
    }

    /// How many re-exports the index knows: while it does not change, no path leads anywhere
    /// new.
    pub fn reexport_count(&self) -> usize {
        self.reexports.len() + self.glob_reexports.values().map(Vec::len).sum::<usize>()
    }

    /// The defining path of an item reached through `use` re-exports (a few hops at most),
    /// named ones first; a path that still names nothing the index knows is looked for
    /// through the glob re-exports of the modules on it.
    ///
    /// Rules and the selection ask for the same paths over and over, so each thread remembers
    /// the answers for the index's current generation (a cache shared between threads cost
    /// more in contention than it saved).
    pub fn canonical<'p>(&self, path: &'p str) -> Cow<'p, str> {
        if self.reexports.is_empty() && self.glob_reexports.is_empty() {
            return Cow::Borrowed(path);
        }
        let remembered = CANONICAL_MEMO.with_borrow_mut(|memo| {
            if memo.generation != self.generation {
                memo.generation = self.generation;
                memo.paths.clear();
            }
            match memo.paths.get(path) {
                Some(found) => found.clone(),
                None => {
                    let found = self.canonical_uncached(path);
                    memo.paths.insert(path.into(), found.clone());
                    found
                }
            }
        });
        remembered.map_or(Cow::Borrowed(path), |found| Cow::Owned(found.to_string()))
    }

    /// Where `path` leads, if anywhere else (see [`CrateIndex::canonical`]).
    fn canonical_uncached(&self, path: &str) -> Option<Arc<str>> {
        let named = self.follow_named_reexports(Cow::Borrowed(path));
        let through_globs = if !self.glob_crates.contains(crate_of(&named)) || self.knows(&named) {
            None
        } else {
            self.through_glob_reexports(&named)
        };
        match (through_globs, named) {
            (Some(found), _) => Some(Arc::from(found)),
            (None, Cow::Owned(named)) => Some(Arc::from(named)),
            (None, Cow::Borrowed(_)) => None,
        }
    }

    fn follow_named_reexports<'p>(&self, mut current: Cow<'p, str>) -> Cow<'p, str> {
        for _ in 0..4 {
            match self.reexport_step(&current) {
                Some(next) => current = Cow::Owned(next),
                None => break,
            }
        }
        current
    }

    /// `krate::loom::thread::spawn` with `pub use self::std::*;` in `krate::loom` is
    /// `krate::loom::std::thread::spawn`, which a named re-export may lead on from (here to
    /// `std::thread::spawn`). The innermost module with a glob that leads to a known item, or
    /// out of the workspace, wins, and among its globs the first in file order; one glob deep.
    fn through_glob_reexports(&self, path: &str) -> Option<String> {
        self.glob_steps(path)
            .find(|candidate| self.knows(candidate) || !self.crates.contains(crate_of(candidate)))
    }

    /// Each place `path` may lead through one glob re-export of the module holding its item:
    /// its parent (`module::item`) or grandparent (`module::Type::method`), innermost first,
    /// globs in file order. A module further out has its own child on the path, which a glob
    /// does not shadow. A glob never applies to a path already inside its target
    /// (`a::imp::x` through `a`'s `pub use self::imp::*;`): that would only grow.
    fn glob_steps<'s>(&'s self, path: &'s str) -> impl Iterator<Item = String> + 's {
        let prefixes =
            std::iter::successors(last_separator(path), |&end| last_separator(&path[..end])).take(2);
        prefixes.flat_map(move |end| {
            let targets = self.glob_reexports.get(&path[..end]).map(Vec::as_slice).unwrap_or(&[]);
            targets.iter().filter(move |target| !is_inside(path, &target.value)).map(move |target| {
                let candidate = format!("{}{}", target.value, &path[end..]);
                self.follow_named_reexports(Cow::Owned(candidate)).into_owned()
            })
        })
    }

    /// Where `path` may lead through the glob re-exports of the modules on it, known to the
    /// index or not (for the selection, which parses where they lead).
    pub fn glob_candidates(&self, path: &str) -> Vec<String> {
        if !self.glob_crates.contains(crate_of(path)) {
            return Vec::new();
        }
        self.glob_steps(path).collect()
    }

    /// Whether `path` names a workspace item the index has.
    fn knows(&self, path: &str) -> bool {
        self.functions.contains_key(path)
            || self.local_types.contains(path)
            || self.statics.contains_key(path)
            || self.reexports.contains_key(path)
    }

    /// Rewrites the longest prefix of `path` that is a re-exported name.
    fn reexport_step(&self, path: &str) -> Option<String> {
        if self.reexports.is_empty() {
            return None;
        }
        let mut end = path.len();
        loop {
            let prefix = &path[..end];
            let name_start = last_separator(prefix).map_or(0, |at| at + 2);
            if self.reexport_names.contains(&prefix[name_start..]) {
                if let Some(target) = self.reexports.get(prefix) {
                    return Some(format!("{}{}", target.value, &path[end..]));
                }
            }
            end = name_start.checked_sub(2)?;
        }
    }
}

/// Whether `path` is `module` or inside it.
fn is_inside(path: &str, module: &str) -> bool {
    path.strip_prefix(module).is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

/// The first segment of a path: its crate.
pub(crate) fn crate_of(path: &str) -> &str {
    path.find("::").map_or(path, |end| &path[..end])
}

/// Where the last `::` of a path starts (a byte search: this runs for every path lookup).
fn last_separator(path: &str) -> Option<usize> {
    path.as_bytes().windows(2).rposition(|pair| pair == b"::")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::lower_module_for_test as lower_in;

    #[test]
    fn paths_lead_through_glob_reexports() {
        let shim = lower_in(
            "shim",
            "mod real { pub mod thread { pub use std::thread::spawn; } }\n\
             mod mocked { pub mod thread { pub fn spawn() {} } }\n\
             pub use self::real::*;\npub use self::mocked::*;",
        );
        // A trait implemented for a std type gives a method a `std::` path: std stays outside.
        let util = lower_in(
            "util",
            "mod imp { pub fn helper() {} pub struct Conf; }\npub use self::imp::*;\n\
             impl Helper for std::vec::Vec<u8> { fn help(&self) {} }",
        );
        let index = CrateIndex::build([(0, &shim, "shim.rs"), (1, &util, "util.rs")]);
        // Out of the workspace through the first glob (the second leads to a known item too,
        // but the first in file order wins).
        assert_eq!(index.canonical("app::shim::thread::spawn"), "std::thread::spawn");
        // To a known function and type; a name no glob target has stays as it is.
        assert!(index.function("app::util::helper").is_some());
        assert!(index.is_local_type("app::util::Conf"));
        assert_eq!(index.canonical("app::util::missing"), "app::util::missing");
        // Where the selection looks for an item the index does not have yet.
        assert_eq!(index.glob_candidates("app::util::later"), ["app::util::imp::later"]);
    }

    /// Two files for one module (`#[cfg(unix)]` and `#[cfg(windows)]` alternatives).
    fn alternatives() -> Vec<FileHir> {
        let texts = [
            "pub struct Conn { fd: u32 } pub static LIMIT: std::sync::Mutex<u8> = x(); pub fn open() -> u8 { 0 }\n\
             impl Conn { pub fn read(&self) {} }",
            "pub struct Conn { handle: u64 } pub static LIMIT: std::sync::RwLock<u8> = x(); pub async fn open() {}\n\
             impl Conn { pub fn read(&self) {} }",
        ];
        texts.iter().map(|text| lower_in("sys", text)).collect()
    }

    #[test]
    fn the_index_does_not_depend_on_the_order_files_are_added_in() {
        let hirs = alternatives();
        let ascending = CrateIndex::build([(0, &hirs[0], "a.rs"), (1, &hirs[1], "b.rs")]);
        let mut descending = CrateIndex::default();
        descending.add_file(1, &hirs[1], "b.rs");
        descending.add_file(0, &hirs[0], "a.rs");
        for index in [&ascending, &descending] {
            // The later file's struct and static; every function, in file order.
            assert!(index.field_type("app::sys::Conn", "handle").is_some());
            assert!(index.field_type("app::sys::Conn", "fd").is_none());
            assert_eq!(
                index.static_type("app::sys::LIMIT").and_then(Ty::path_str),
                Some("std::sync::RwLock")
            );
            let open = index.function("app::sys::open").unwrap();
            assert_eq!((open.location.file, open.is_async), (0, false));
            let readers = index.functions.get("app::sys::Conn::read").unwrap();
            assert_eq!(readers.iter().map(|sig| sig.location.file).collect::<Vec<_>>(), [0, 1]);
            assert_eq!(
                index.methods_named("read").unwrap(),
                ["app::sys::Conn::read", "app::sys::Conn::read"]
            );
        }
    }
}
