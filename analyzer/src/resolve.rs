//! Syntactic name resolution: turns a path as written (`sleep`, `fs::read`, `self::db::load`)
//! into a canonical path (`std::thread::sleep`, `std::fs::read`, `my_crate::db::load`).
//!
//! What it knows: `use` items (renames, groups, `self`/`super`/`crate`, nested and inline
//! modules, globs of modules it can see), items defined in a module or block shadowing
//! imports, `extern crate x as y`, leading `::`, `Self`, and the std prelude; functions,
//! statics and constants in a namespace of their own (they never start a longer path).
//! What it does not know (written down in ARCHITECTURE.md): macro-generated items, `#[path]`
//! attributes, re-exports inside external crates beyond the catalog's aliases, and crate
//! renames in Cargo.toml.

use crate::ty::Ty;
use std::collections::HashMap;

/// How a name was brought into a scope.
#[derive(Clone, Debug)]
enum Entry {
    /// An item defined here: its canonical path.
    Defined(String),
    /// An import, as written in the `use` tree (resolved lazily, in its own scope).
    Import { segments: Vec<String>, leading_colon: bool },
}

/// The names of one module (or one block of a function body).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Canonical path of the module; for a block, the module it is in.
    path: String,
    names: HashMap<String, Entry>,
    /// Functions, statics and constants defined here: the value namespace, apart, since a
    /// path through a name (`redis::Client`) never goes through a function of that name.
    values: HashMap<String, String>,
    /// `use x::*` targets, as written.
    globs: Vec<(Vec<String>, bool)>,
    parent: Option<usize>,
    children: HashMap<String, usize>,
}

/// All module scopes of one file, indexed by module id (0 is the file's own module).
#[derive(Clone, Debug)]
pub struct ModuleTree {
    modules: Vec<Scope>,
    crate_name: String,
    root: usize,
    /// The file's `macro_rules!` definitions at item level, by name: where their bodies are
    /// in the file's text (token streams cannot move between threads, and most are never
    /// invoked in a body that is lowered); `None` for a name defined twice (`#[cfg]` variants).
    macro_rules: HashMap<String, Option<crate::source::Span>>,
}

/// Canonical-path facts the resolver needs from outside: which external paths exist
/// (for glob imports of external modules) and how re-exports are spelled canonically.
pub trait PathKnowledge {
    /// Rewrites an external path to its canonical spelling (`core::` -> `std::`, re-exports).
    fn canonicalize(&self, path: String) -> String;
    /// Whether an external path is known to exist (used to resolve glob imports).
    fn is_known_path(&self, path: &str) -> bool;
}

impl ModuleTree {
    /// Collects the names of every module in `file` (the file's own module plus inline `mod`s).
    pub fn build(file: &syn::File, crate_name: &str, module_path: &[String]) -> ModuleTree {
        let mut path = crate_name.to_string();
        for segment in module_path {
            path.push_str("::");
            path.push_str(segment);
        }
        let mut tree = ModuleTree {
            modules: Vec::new(),
            crate_name: crate_name.to_string(),
            root: 0,
            macro_rules: HashMap::new(),
        };
        let parent_path = module_path.split_last().map(|(_, parents)| {
            let mut p = crate_name.to_string();
            for s in parents {
                p.push_str("::");
                p.push_str(s);
            }
            p
        });
        // A file module's parent lives in another file: a pseudo-scope carries its path so
        // `super::x` still resolves to a canonical path.
        let parent = parent_path.map(|p| {
            tree.modules.push(Scope { path: p, ..Scope::default() });
            0
        });
        let root = tree.modules.len();
        tree.root = root;
        tree.modules.push(Scope { path, parent, ..Scope::default() });
        tree.collect_items(root, &file.items);
        tree
    }

    /// The id of the file's own module.
    pub fn root(&self) -> usize {
        self.root
    }

    pub fn module_path(&self, module: usize) -> &str {
        &self.modules[module].path
    }

    pub fn crate_name(&self) -> &str {
        &self.crate_name
    }

    /// Where the body of the file's one `macro_rules! name` is, if it has exactly one.
    pub fn macro_rules(&self, name: &str) -> Option<crate::source::Span> {
        *self.macro_rules.get(name)?
    }

    /// The child module `name` of `module`, if it is inline in this file.
    pub fn child(&self, module: usize, name: &str) -> Option<usize> {
        self.modules[module].children.get(name).copied()
    }

    fn collect_items(&mut self, module: usize, items: &[syn::Item]) {
        for item in items {
            if let syn::Item::Mod(item_mod) = item {
                let name = item_mod.ident.to_string();
                let path = format!("{}::{}", self.modules[module].path, name);
                self.define(module, &name, path.clone());
                if let Some((_, content)) = &item_mod.content {
                    let child = self.modules.len();
                    self.modules.push(Scope { path, parent: Some(module), ..Scope::default() });
                    self.modules[module].children.insert(name, child);
                    self.collect_items(child, content);
                }
                continue;
            }
            if let syn::Item::Macro(m) = item {
                if let (Some(name), true) = (&m.ident, m.mac.path.is_ident("macro_rules")) {
                    let delimiters = m.mac.delimiter.span();
                    let body = crate::source::Span {
                        start: crate::source::Span::from_pm2(delimiters.open()).end,
                        end: crate::source::Span::from_pm2(delimiters.close()).start,
                    };
                    self.macro_rules
                        .entry(name.to_string())
                        .and_modify(|seen| *seen = None)
                        .or_insert(Some(body));
                }
                if let Some(items) = crate::macro_items::items_in_macro(m) {
                    self.collect_items(module, &items);
                    continue;
                }
            }
            let base = self.modules[module].path.clone();
            add_item_names(&mut self.modules[module], &base, item);
        }
    }

    fn define(&mut self, module: usize, name: &str, path: String) {
        self.modules[module].names.insert(name.to_string(), Entry::Defined(path));
    }
}

/// Adds the names an item brings into `scope` (definitions and imports).
fn add_item_names(scope: &mut Scope, base: &str, item: &syn::Item) {
    let defined = |ident: &syn::Ident| format!("{base}::{}", ident.unraw());
    let value = match item {
        syn::Item::Fn(f) => Some(&f.sig.ident),
        syn::Item::Static(s) => Some(&s.ident),
        syn::Item::Const(c) => Some(&c.ident),
        _ => None,
    };
    if let Some(ident) = value {
        scope.values.insert(ident.unraw().to_string(), defined(ident));
        return;
    }
    let ident = match item {
        syn::Item::Struct(s) => Some(&s.ident),
        syn::Item::Enum(e) => Some(&e.ident),
        syn::Item::Union(u) => Some(&u.ident),
        syn::Item::Trait(t) => Some(&t.ident),
        syn::Item::TraitAlias(t) => Some(&t.ident),
        syn::Item::Type(t) => Some(&t.ident),
        syn::Item::Mod(m) => Some(&m.ident),
        syn::Item::Macro(m) => {
            // `lazy_static! { static ref X: T = ..; }` and `thread_local!` declare items.
            let name = m.mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            if name == "lazy_static" || name == "thread_local" {
                if let Ok(decls) = m.mac.parse_body_with(crate::lower::parse_static_decls) {
                    for (ident, _) in decls {
                        scope.values.insert(ident.unraw(), defined(&ident));
                    }
                }
            }
            m.ident.as_ref()
        }
        syn::Item::ExternCrate(e) => {
            let name = e.rename.as_ref().map(|(_, r)| r).unwrap_or(&e.ident).unraw().to_string();
            if name != "_" {
                let target = e.ident.unraw().to_string();
                let target = if target == "self" { base.to_string() } else { target };
                scope.names.insert(name, Entry::Defined(target));
            }
            None
        }
        syn::Item::Use(u) => {
            let leading = u.leading_colon.is_some();
            collect_use_tree(scope, &u.tree, Vec::new(), leading);
            None
        }
        _ => None,
    };
    if let Some(ident) = ident {
        scope.names.insert(ident.unraw().to_string(), Entry::Defined(defined(ident)));
    }
}

fn collect_use_tree(scope: &mut Scope, tree: &syn::UseTree, prefix: Vec<String>, leading: bool) {
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.unraw().to_string());
            collect_use_tree(scope, &p.tree, next, leading);
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.unraw().to_string();
            if name == "self" {
                if let Some(last) = prefix.last().cloned() {
                    scope.names.insert(last, Entry::Import { segments: prefix, leading_colon: leading });
                }
            } else {
                let mut segments = prefix;
                segments.push(name.clone());
                scope.names.insert(name, Entry::Import { segments, leading_colon: leading });
            }
        }
        syn::UseTree::Rename(r) => {
            let alias = r.rename.unraw().to_string();
            let name = r.ident.unraw().to_string();
            let segments = if name == "self" {
                prefix
            } else {
                let mut s = prefix;
                s.push(name);
                s
            };
            if alias != "_" {
                scope.names.insert(alias, Entry::Import { segments, leading_colon: leading });
            }
        }
        syn::UseTree::Glob(_) => scope.globs.push((prefix, leading)),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                collect_use_tree(scope, item, prefix.clone(), leading);
            }
        }
    }
}

/// Names of the std prelude that matter to rules and type derivation.
fn prelude(name: &str) -> Option<&'static str> {
    Some(match name {
        "drop" => "std::mem::drop",
        "Box" => "std::boxed::Box",
        "Vec" => "std::vec::Vec",
        "String" => "std::string::String",
        "Option" => "std::option::Option",
        "Some" => "std::option::Option::Some",
        "None" => "std::option::Option::None",
        "Result" => "std::result::Result",
        "Ok" => "std::result::Result::Ok",
        "Err" => "std::result::Result::Err",
        "Iterator" => "std::iter::Iterator",
        "IntoIterator" => "std::iter::IntoIterator",
        "Default" => "std::default::Default",
        "Clone" => "std::clone::Clone",
        "ToString" => "std::string::ToString",
        "From" => "std::convert::From",
        "Into" => "std::convert::Into",
        "Send" => "std::marker::Send",
        "Sync" => "std::marker::Sync",
        "Fn" => "std::ops::Fn",
        "FnMut" => "std::ops::FnMut",
        "FnOnce" => "std::ops::FnOnce",
        _ => return None,
    })
}

/// Scopes of the blocks enclosing the current position in a function body, innermost last.
#[derive(Clone, Debug, Default)]
pub struct BlockScopes {
    blocks: Vec<Scope>,
}

impl BlockScopes {
    /// Opens a block scope holding the items and `use`s declared directly in `stmts`.
    /// Items in a block are named under `item_base` (the enclosing function's path).
    pub fn push(&mut self, stmts: &[syn::Stmt], item_base: &str) {
        let mut scope = Scope { path: item_base.to_string(), ..Scope::default() };
        for stmt in stmts {
            if let syn::Stmt::Item(item) = stmt {
                add_item_names(&mut scope, item_base, item);
            }
        }
        self.blocks.push(scope);
    }

    pub fn pop(&mut self) {
        self.blocks.pop();
    }
}

/// Resolves paths at one position: a module of a file, the blocks around, and `Self`.
pub struct Resolver<'a> {
    pub tree: &'a ModuleTree,
    pub module: usize,
    pub blocks: &'a BlockScopes,
    pub self_ty: Option<&'a str>,
    pub knowledge: &'a dyn PathKnowledge,
    /// The type parameters in scope that stand for a known type (see [`TypeParams`]).
    pub type_params: &'a TypeParams,
}

/// Type parameters in scope, by name, with the type each stands for: a bounded parameter of a
/// function or `impl` stands for its bounds (`S: Store` as `impl Store`), a struct's `i`-th
/// parameter in its field types for the placeholder `$i`, replaced by the argument where
/// the field is read.
pub type TypeParams = Vec<(String, Ty)>;

const MAX_DEPTH: u8 = 12;

/// How deep in one resolution glob imports are still consulted (see `lookup_globs`).
const MAX_GLOB_DEPTH: u8 = 2;

impl Resolver<'_> {
    /// Resolves a path in the value or type namespace. Returns `None` for a single name
    /// nothing defines (a glob import from a module the resolver cannot see, a macro-made item).
    pub fn resolve(&self, segments: &[String], leading_colon: bool) -> Option<String> {
        self.resolve_at(Place::Block(self.blocks.blocks.len()), segments, leading_colon, 0)
    }

    fn resolve_at(&self, place: Place, segments: &[String], leading: bool, depth: u8) -> Option<String> {
        let (first, rest) = segments.split_first()?;
        if depth > MAX_DEPTH {
            return None;
        }
        if leading {
            return Some(self.knowledge.canonicalize(segments.join("::")));
        }
        let module = self.module_of(place);
        match first.as_str() {
            "crate" => return Some(join(self.tree.crate_name(), rest)),
            "self" => return self.resolve_in_module_only(module, rest, depth),
            "super" => {
                let parent = self.tree.modules[module].parent.unwrap_or(module);
                return self.resolve_in_module_only(parent, rest, depth);
            }
            "Self" => {
                if let Some(self_ty) = self.self_ty {
                    return Some(join(self_ty, rest));
                }
            }
            _ => {}
        }
        let leads = !rest.is_empty();
        if let Some(found) = self.lookup_scoped(place, first, leads, depth) {
            return Some(self.finish(join(&found, rest)));
        }
        if let Some(found) = self.lookup_globs(place, first, leads, depth) {
            return Some(self.finish(join(&found, rest)));
        }
        if let Some(prelude_path) = prelude(first) {
            // `Box::pin`, `Vec::new`, `Option::Some`: prelude names lead longer paths too.
            return Some(join(prelude_path, rest));
        }
        if rest.is_empty() {
            return None;
        }
        // An extern crate (`tokio::spawn`): taken as written.
        Some(self.knowledge.canonicalize(segments.join("::")))
    }

    fn finish(&self, path: String) -> String {
        if path.starts_with(self.tree.crate_name()) {
            path
        } else {
            self.knowledge.canonicalize(path)
        }
    }

    fn module_of(&self, place: Place) -> usize {
        match place {
            Place::Module(m) => m,
            Place::Block(_) => self.module,
        }
    }

    /// `self::x` / `super::x`: only names of that module, then its canonical path.
    fn resolve_in_module_only(&self, module: usize, rest: &[String], depth: u8) -> Option<String> {
        let Some((first, tail)) = rest.split_first() else {
            return Some(self.tree.modules[module].path.clone());
        };
        let leads = !tail.is_empty();
        if let Some(found) =
            self.lookup_in_scope(&self.tree.modules[module], Place::Module(module), first, leads, depth)
        {
            return Some(self.finish(join(&found, tail)));
        }
        if let Some(found) = self.lookup_globs(Place::Module(module), first, leads, depth) {
            return Some(self.finish(join(&found, tail)));
        }
        Some(join(&self.tree.modules[module].path, rest))
    }

    /// Innermost blocks first, then the module. `leads`: the name is followed by more segments,
    /// so it is a module, type or crate, never a function or static.
    fn lookup_scoped(&self, place: Place, name: &str, leads: bool, depth: u8) -> Option<String> {
        if let Place::Block(count) = place {
            for index in (0..count).rev() {
                let scope = &self.blocks.blocks[index];
                if let Some(found) = self.lookup_in_scope(scope, Place::Block(index), name, leads, depth) {
                    return Some(found);
                }
            }
        }
        let module = self.module_of(place);
        self.lookup_in_scope(&self.tree.modules[module], Place::Module(module), name, leads, depth)
    }

    fn lookup_in_scope(
        &self,
        scope: &Scope,
        place: Place,
        name: &str,
        leads: bool,
        depth: u8,
    ) -> Option<String> {
        if !leads {
            if let Some(path) = scope.values.get(name) {
                return Some(path.clone());
            }
        }
        match scope.names.get(name)? {
            Entry::Defined(path) => Some(path.clone()),
            Entry::Import { segments, leading_colon } => {
                // An import resolves in the scope that declares it, minus itself (a `use`
                // cannot name itself), which the depth bound guarantees.
                self.resolve_at(place, segments, *leading_colon, depth + 1)
                    .or_else(|| Some(segments.join("::")))
            }
        }
    }

    fn lookup_globs(&self, place: Place, name: &str, leads: bool, depth: u8) -> Option<String> {
        // Globs are consulted only near the top of a resolution: a glob's own prefix may go
        // through one more glob, no further. Unbounded, each level multiplies the work by the
        // number of globs in scope, which is exponential on glob-heavy files.
        if depth >= MAX_GLOB_DEPTH {
            return None;
        }
        let mut scopes: Vec<(&Scope, Place)> = Vec::new();
        if let Place::Block(count) = place {
            for index in (0..count).rev() {
                scopes.push((&self.blocks.blocks[index], Place::Block(index)));
            }
        }
        let module = self.module_of(place);
        scopes.push((&self.tree.modules[module], Place::Module(module)));
        for (scope, scope_place) in scopes {
            for (prefix, leading) in &scope.globs {
                let Some(target) = self.resolve_at(scope_place, prefix, *leading, depth + 1) else {
                    continue;
                };
                if let Some(found) = self.lookup_in_glob_target(&target, name, leads, depth) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Looks `name` up in the module a glob names: a module of this file by its scope, an
    /// external module by the catalog's knowledge of its paths.
    fn lookup_in_glob_target(&self, target: &str, name: &str, leads: bool, depth: u8) -> Option<String> {
        if let Some(module) = self.tree.modules.iter().position(|m| m.path == target) {
            let scope = &self.tree.modules[module];
            return self
                .lookup_in_scope(scope, Place::Module(module), name, leads, depth + 1)
                .or_else(|| self.lookup_globs(Place::Module(module), name, leads, depth + 1));
        }
        let candidate = self.knowledge.canonicalize(format!("{target}::{name}"));
        self.knowledge.is_known_path(&candidate).then_some(candidate)
    }
}

#[derive(Clone, Copy, Debug)]
enum Place {
    Module(usize),
    /// A position inside the first `n` block scopes.
    Block(usize),
}

fn join(base: &str, rest: &[String]) -> String {
    let mut out = base.to_string();
    for segment in rest {
        out.push_str("::");
        out.push_str(segment);
    }
    out
}

/// Identifiers written as `r#type` resolve as `type`.
pub(crate) trait Unraw {
    fn unraw(&self) -> String;
}

impl Unraw for syn::Ident {
    fn unraw(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("r#").map(str::to_string).unwrap_or(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoKnowledge;

    impl PathKnowledge for NoKnowledge {
        fn canonicalize(&self, path: String) -> String {
            path
        }
        fn is_known_path(&self, _: &str) -> bool {
            false
        }
    }

    /// Many modules that glob-import each other (this shape made resolution exponential before
    /// glob lookups were bounded): names still resolve, through a glob too.
    #[test]
    fn glob_heavy_files_resolve_quickly() {
        let mut text = String::new();
        for i in 0..30 {
            text += &format!("mod m{i} {{ ");
            for j in 0..30 {
                text += &format!("use super::m{j}::*; ");
            }
            text += "pub fn f() {} }\n";
        }
        let file: syn::File = syn::parse_str(&text).unwrap();
        let tree = ModuleTree::build(&file, "k", &[]);
        let blocks = BlockScopes::default();
        let resolver = Resolver {
            tree: &tree,
            module: tree.child(tree.root(), "m0").unwrap(),
            blocks: &blocks,
            self_ty: None,
            knowledge: &NoKnowledge,
            type_params: &Vec::new(),
        };
        assert_eq!(resolver.resolve(&["unknown_name".to_string()], false), None);
        assert_eq!(resolver.resolve(&["f".to_string()], false).as_deref(), Some("k::m0::f"));
        let other = Resolver { module: tree.child(tree.root(), "m1").unwrap(), ..resolver };
        assert_eq!(other.resolve(&["f".to_string()], false).as_deref(), Some("k::m1::f"));
    }
    /// A function, static or constant never starts a longer path: `redis::Client` in a crate
    /// with `fn redis()` is the `redis` crate's, and `mod io` beside `fn io()` keeps both.
    #[test]
    fn values_do_not_lead_paths() {
        let text = "fn redis() {} mod io { pub fn read() {} } fn io() {} static CONFIG: u8 = 0;";
        let file: syn::File = syn::parse_str(text).unwrap();
        let tree = ModuleTree::build(&file, "k", &[]);
        let blocks = BlockScopes::default();
        let resolver = Resolver {
            tree: &tree,
            module: tree.root(),
            blocks: &blocks,
            self_ty: None,
            knowledge: &NoKnowledge,
            type_params: &Vec::new(),
        };
        let resolve = |path: &str| {
            let segments: Vec<String> = path.split("::").map(str::to_string).collect();
            resolver.resolve(&segments, false)
        };
        assert_eq!(resolve("redis").as_deref(), Some("k::redis"));
        assert_eq!(resolve("redis::Client").as_deref(), Some("redis::Client"));
        assert_eq!(resolve("io").as_deref(), Some("k::io"));
        assert_eq!(resolve("io::read").as_deref(), Some("k::io::read"));
        assert_eq!(resolve("CONFIG").as_deref(), Some("k::CONFIG"));
    }
}
