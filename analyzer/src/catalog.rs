//! The catalogs: which external APIs block, which run an executor (`block_on`), which
//! offload a closure to another thread, and what well-known constructors and methods return.
//!
//! They are data (the tables in `catalog/tables.rs`), compiled once into lookup maps. Rules
//! ask questions ("is this call a blocking API?"); they never list paths themselves. User
//! configuration can add entries through [`Catalog::add_blocking_function`].

use std::collections::{HashMap, HashSet};

use crate::resolve::PathKnowledge;
use crate::source::Runtime;
use crate::ty::Ty;

#[path = "catalog/tables.rs"]
mod tables;

/// What happens when the API runs on an executor thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hazard {
    /// Parks the executor thread: every task on it stalls.
    Blocks,
    /// Panics when called inside a tokio runtime (and blocks elsewhere).
    PanicsInRuntime,
}

/// One blocking API and how to replace it.
#[derive(Clone, Debug)]
pub struct BlockingApi {
    /// How the API is shown to users: `std::thread::sleep`, `std::fs::File::read_to_string`.
    pub display: String,
    pub hazard: Hazard,
    /// The `help:` text: what to call instead.
    pub replacement: String,
}

/// How an API is reached from a call site.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Function(String),
    Method { receiver: String, method: String },
}

/// Templates for return types: `$0` is the first argument's type (`*$0` what it points to),
/// `$self` the receiver's, `$self.0` and `$self.1` the receiver's first and second generic
/// arguments.
#[derive(Clone, Debug)]
struct ReturnTemplate(Ty);

/// What kind of guard a type is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GuardKind {
    /// A synchronous lock's guard (std, parking_lot, spin, or a configured guard type).
    Lock,
    /// A reference into a sharded concurrent map that holds its shard's lock (DashMap's
    /// `Ref`, `RefMut`, entries). Unlike a lock guard, it leaves the future `Send`.
    ShardLock,
    /// `stdout().lock()`/`stderr().lock()`: the stream's process-wide lock, which every
    /// `print!` of another task waits for.
    StreamLock,
    /// A borrow of a tokio `watch` channel's value (`watch::Ref`): it holds the channel's
    /// read lock, so the sender's `send` blocks while it lives, and the future is not `Send`.
    WatchBorrow,
    /// A `RefCell` borrow (`Ref`/`RefMut`).
    RefCell,
    /// A type the configuration's `guard-types` names.
    Configured,
}

/// What dropping a spawned task's handle does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpawnKind {
    /// The task keeps running, detached (tokio, async-std `JoinHandle`).
    Detaching,
    /// The task is cancelled (smol, async-executor, async-task `Task`).
    Cancelling,
}

#[derive(Default, Debug)]
pub struct Catalog {
    /// Names of configured blocking functions, for the pre-scan.
    guard_types: HashMap<String, GuardKind>,
    async_apis: HashSet<Key>,
    async_modules: Vec<String>,
    future_types: HashSet<String>,
    /// Future types of other crates whose output does not follow from their arguments
    /// (`tokio_postgres::Connection`: `Result<(), Error>`), as templates over the type.
    future_outputs: HashMap<String, ReturnTemplate>,
    spawns: HashMap<Key, SpawnKind>,
    blocking: Vec<BlockingApi>,
    blocking_keys: HashMap<Key, usize>,
    /// Method names that identify a blocking API by themselves (`blocking_recv`): matched on
    /// receivers of unknown type, never on crate-local types.
    blocking_any_receiver: HashMap<String, usize>,
    /// Trait methods that block, by method name, matched where the trait is imported.
    blocking_trait_methods: HashMap<String, Vec<TraitMethod>>,
    /// Types whose `IntoIterator` blocks (`for msg in rx`).
    blocking_iterables: HashMap<String, usize>,
    /// Functions that block when a stream they are given does (`std::io::copy(&mut file, ..)`).
    blocking_stream_functions: HashMap<String, usize>,
    executors: HashSet<Key>,
    executor_any_receiver: HashSet<String>,
    offload_functions: HashSet<String>,
    offload_methods: HashSet<String>,
    returns: HashMap<Key, ReturnTemplate>,
    /// Public fields of other crates' structs, by struct: (field, type).
    fields: HashMap<String, Vec<(String, Ty)>>,
    known_paths: HashSet<String>,
    aliases: Vec<(String, String)>,
    /// See [`Catalog::is_std_method_name`].
    std_method_names: HashSet<String>,
    /// Blocking APIs' `help:` texts for packages on async-std or smol, by API (see
    /// [`Catalog::replacement`]).
    runtime_replacements: HashMap<(Runtime, String), String>,
}

/// A blocking method of a trait, found where the trait is imported.
#[derive(Debug)]
struct TraitMethod {
    trait_path: String,
    /// Arguments besides the receiver.
    arity: usize,
    /// An extension trait's method that no std type has: matched on typed receivers too.
    any_receiver: bool,
    api: usize,
}

impl Catalog {
    /// The built-in catalog.
    pub fn builtin() -> Catalog {
        let mut catalog = Catalog::default();
        for (from, to) in tables::ALIASES {
            catalog.aliases.push((from.to_string(), to.to_string()));
        }
        for entry in tables::BLOCKING {
            catalog.add_blocking_entry(entry);
        }
        for (runtime, replacements) in [
            (Runtime::AsyncStd, &tables::ASYNC_STD_REPLACEMENTS),
            (Runtime::Smol, &tables::SMOL_REPLACEMENTS),
        ] {
            for (targets, text) in replacements.entries {
                for target in *targets {
                    let name = target.rsplit("::").next().unwrap_or(target);
                    catalog
                        .runtime_replacements
                        .insert((runtime, target.to_string()), text.replace("{name}", name));
                }
            }
        }
        for (owner, field, ty) in tables::FIELDS {
            catalog.fields.entry(owner.to_string()).or_default().push((field.to_string(), parse_ty(ty)));
        }
        for (path, template) in tables::RETURNS {
            let key = parse_key(path);
            catalog.remember_key(&key);
            catalog.returns.insert(key, ReturnTemplate(parse_ty(template)));
        }
        for path in tables::EXECUTORS {
            if let Some(method) = path.strip_prefix("*.") {
                catalog.executor_any_receiver.insert(method.to_string());
            } else {
                let key = parse_key(path);
                catalog.remember_key(&key);
                catalog.executors.insert(key);
            }
        }
        for path in tables::OFFLOADERS {
            if let Some(method) = path.strip_prefix("*.") {
                catalog.offload_methods.insert(method.to_string());
            } else {
                catalog.remember_path(path);
                catalog.offload_functions.insert(path.to_string());
            }
        }
        for path in tables::KNOWN_PATHS {
            catalog.remember_path(path);
        }
        for target in tables::ASYNC_APIS {
            match target.strip_suffix("::*") {
                Some(module) => catalog.async_modules.push(format!("{module}::")),
                None => {
                    let key = parse_key(target);
                    catalog.remember_key(&key);
                    catalog.async_apis.insert(key);
                }
            }
        }
        for (traits, implementors, methods) in tables::ASYNC_EXTENSIONS {
            for receiver in traits.iter().chain(implementors.iter()) {
                for method in methods.iter().flat_map(|method| expand_numeric(method)) {
                    let key = Key::Method { receiver: receiver.to_string(), method };
                    catalog.remember_key(&key);
                    catalog.async_apis.insert(key);
                }
            }
        }
        catalog.future_types.extend(tables::FUTURE_TYPES.iter().map(|p| p.to_string()));
        for (path, output) in tables::FUTURE_OUTPUTS {
            catalog.remember_path(path);
            catalog.future_outputs.insert(path.to_string(), ReturnTemplate(parse_ty(output)));
        }
        catalog.add_io_extension_outputs();
        for (targets, kind) in [
            (tables::DETACHING_SPAWNS, SpawnKind::Detaching),
            (tables::CANCELLING_SPAWNS, SpawnKind::Cancelling),
        ] {
            for target in targets {
                let key = parse_key(target);
                catalog.remember_key(&key);
                catalog.spawns.insert(key, kind);
            }
        }
        for path in tables::LOCK_GUARDS {
            catalog.add_guard_type(path, GuardKind::Lock);
        }
        for path in tables::SHARD_LOCK_GUARDS {
            catalog.add_guard_type(path, GuardKind::ShardLock);
        }
        for path in tables::STREAM_LOCKS {
            catalog.add_guard_type(path, GuardKind::StreamLock);
        }
        for path in tables::WATCH_BORROWS {
            catalog.add_guard_type(path, GuardKind::WatchBorrow);
        }
        for path in tables::REFCELL_GUARDS {
            catalog.add_guard_type(path, GuardKind::RefCell);
        }
        let std_blocking_methods = catalog.blocking_keys.keys().filter_map(|key| match key {
            Key::Method { receiver, method } if receiver.starts_with("std::") => Some(method.clone()),
            _ => None,
        });
        catalog.std_method_names = std_blocking_methods.collect();
        catalog.std_method_names.extend(tables::STD_COMMON_METHODS.iter().map(|m| m.to_string()));
        catalog
    }

    /// Adds a type whose values must not live across `.await` (configuration `guard-types`).
    pub fn add_guard_type(&mut self, path: &str, kind: GuardKind) {
        self.remember_path(path);
        self.guard_types.insert(path.to_string(), kind);
    }

    /// What code calling a catalogued async API has to mention (see `prescan`).
    pub fn async_api_evidence(&self) -> crate::prescan::AsyncApiEvidence {
        let mut evidence = crate::prescan::AsyncApiEvidence::default();
        let mut methods = Vec::new();
        for key in &self.async_apis {
            match key {
                Key::Function(path) => {
                    let krate = path.split("::").next().unwrap_or(path).to_string();
                    let mut segments = path.rsplit("::");
                    let name = segments.next().unwrap_or(path).to_string();
                    let owner = segments.next().filter(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
                    evidence.functions.push((krate, owner.map(str::to_string), name));
                }
                Key::Method { receiver, method } => {
                    let krate = receiver.split("::").next().unwrap_or(receiver);
                    let ty = receiver.rsplit("::").next().unwrap_or(receiver);
                    methods.push((krate, ty, method.as_str()));
                }
            }
        }
        for module in &self.async_modules {
            let segments = module.trim_end_matches("::").split("::").map(str::to_string).collect();
            evidence.modules.push(segments);
        }
        let spawn_crates = self.spawns.keys().map(|key| match key {
            Key::Function(path) | Key::Method { receiver: path, .. } => {
                path.split("::").next().unwrap_or(path)
            }
        });
        evidence.spawn_crates = spawn_crates.map(str::to_string).collect();
        evidence.spawn_crates.sort();
        evidence.spawn_crates.dedup();
        evidence.functions.sort();
        evidence.set_methods(methods);
        evidence
    }

    /// Whether a std type has a method of this name: a catalogued one (`sync_all`, `recv`,
    /// `join`) or an everyday one (`get`, `push`, `next`). A call by that name on a value of
    /// unknown type may well be the std one.
    pub fn is_std_method_name(&self, method: &str) -> bool {
        self.std_method_names.contains(method)
    }

    /// Whether an external function returns a future (`tokio::time::sleep`, `tokio::fs::read`).
    pub fn is_async_function(&self, path: &str) -> bool {
        self.async_apis.contains(&Key::Function(path.to_string()))
            || self.async_modules.iter().any(|module| {
                // `tokio::fs::read`, not `tokio::fs::open_options::Kind::Uring`.
                path.strip_prefix(module.as_str()).is_some_and(|rest| {
                    !rest.contains("::") && rest.starts_with(|c: char| c.is_ascii_lowercase())
                })
            })
    }

    /// The catalogued async methods of a type: `send`, `reserve` ... of tokio's `Sender`.
    pub fn async_methods_of(&self, receiver: &str) -> Vec<&str> {
        let methods = self.async_apis.iter().filter_map(|key| match key {
            Key::Method { receiver: of, method } if of == receiver => Some(method.as_str()),
            _ => None,
        });
        methods.collect()
    }

    /// Whether an external method returns a future on a receiver of this type.
    pub fn is_async_method(&self, receiver: &str, method: &str) -> bool {
        self.async_apis.contains(&Key::Method { receiver: receiver.to_string(), method: method.to_string() })
    }

    /// Whether a type path names a future (`BoxFuture`, the `Future` trait).
    pub fn is_future_type(&self, path: &str) -> bool {
        self.future_types.contains(path)
    }

    /// What awaiting a value of another crate's future type `ty` gives, where the catalog
    /// knows (`JoinHandle<T>`: `Result<T, JoinError>`).
    pub fn fixed_future_output(&self, ty: &Ty) -> Option<Ty> {
        let template = self.future_outputs.get(ty.path_str()?)?;
        Some(instantiate(&template.0, &[], ty))
    }

    /// The async I/O extension methods (`write_all`, `read_exact`, `flush` ..) on the types
    /// that have them give an `io::Result` when awaited, so a task ending in one returns a
    /// `Result`.
    fn add_io_extension_outputs(&mut self) {
        let output = ReturnTemplate(parse_ty("impl std::future::Future<std::io::Result<_>>"));
        for (traits, implementors, methods) in tables::ASYNC_EXTENSIONS {
            let is_io = traits
                .iter()
                .any(|t| t.starts_with("tokio::io::Async") || t.starts_with("futures::io::Async"));
            if !is_io {
                continue;
            }
            for receiver in *implementors {
                for method in methods.iter().flat_map(|method| expand_numeric(method)) {
                    let key = Key::Method { receiver: receiver.to_string(), method };
                    self.returns.entry(key).or_insert_with(|| output.clone());
                }
            }
        }
    }

    /// Whether a function runs a closure on a blocking thread and hands back a `JoinHandle`
    /// (`tokio::task::spawn_blocking`).
    pub fn is_blocking_spawn(&self, path: &str) -> bool {
        tables::BLOCKING_SPAWNS.contains(&path)
    }

    /// What a spawn function does with its task when the handle is dropped.
    pub fn spawn_function(&self, path: &str) -> Option<SpawnKind> {
        self.spawns.get(&Key::Function(path.to_string())).copied()
    }

    pub fn spawn_method(&self, receiver: &str, method: &str) -> Option<SpawnKind> {
        self.spawns.get(&Key::Method { receiver: receiver.to_string(), method: method.to_string() }).copied()
    }

    /// An operation documented as not cancel safe: `(what is lost, what to do instead)`.
    pub fn not_cancel_safe(&self, method: &str) -> Option<(&'static str, &'static str)> {
        tables::NOT_CANCEL_SAFE
            .iter()
            .find(|(name, _, _)| *name == method)
            .map(|(_, lost, instead)| (*lost, *instead))
    }

    /// Whether a not-cancel-safe operation loses data when cancelled (bytes, a message), not
    /// just a place in a queue (a lock, a semaphore, a notification).
    pub fn loses_data_when_cancelled(&self, method: &str) -> bool {
        !tables::LOSES_QUEUE_PLACE_ONLY.contains(&method) && self.not_cancel_safe(method).is_some()
    }

    /// A not-cancel-safe method known only on one receiver type: `Barrier::wait`.
    pub fn not_cancel_safe_on(&self, receiver: &str, method: &str) -> Option<(&'static str, &'static str)> {
        tables::NOT_CANCEL_SAFE_TYPED
            .iter()
            .find(|(name, ty, _, _)| *name == method && *ty == receiver)
            .map(|(_, _, lost, instead)| (*lost, *instead))
    }

    /// A sender whose `send` is sync or cancel safe (broadcast, watch, unbounded, std).
    pub fn is_cancel_safe_sender(&self, path: &str) -> bool {
        tables::CANCEL_SAFE_SENDERS.contains(&path)
    }

    pub fn is_timer(&self, path: &str) -> bool {
        tables::TIMERS.contains(&path)
    }

    /// A timer set to an instant (`sleep_until(deadline)`), not a duration.
    pub fn is_deadline_timer(&self, path: &str) -> bool {
        tables::DEADLINE_TIMERS.contains(&path)
    }

    /// A method or function whose future signals shutdown (`token.cancelled()`, `rx.recv()`).
    pub fn is_shutdown_method(&self, method: &str) -> bool {
        tables::SHUTDOWN_METHODS.contains(&method)
    }

    pub fn is_shutdown_function(&self, path: &str) -> bool {
        tables::SHUTDOWN_FUNCTIONS.contains(&path)
    }

    /// Whether a type (canonical path) is a guard that must not live across `.await`.
    pub fn guard_kind(&self, path: &str) -> Option<GuardKind> {
        self.guard_types.get(path).copied()
    }

    fn add_blocking_entry(&mut self, entry: &tables::BlockingEntry) {
        for target in entry.targets {
            let (_, index) = self.push_api(entry, target);
            let (target, _) = split_shown_name(target);
            if let Some(method) = target.strip_prefix("*.") {
                self.blocking_any_receiver.insert(method.to_string(), index);
            } else if let Some((kind, rest)) =
                target.split_once(' ').filter(|(k, _)| matches!(*k, "trait" | "ext"))
            {
                let (path, arity) = rest.split_once('/').unwrap_or((rest, "0"));
                let (trait_path, method_name) = path.rsplit_once("::").unwrap_or((path, ""));
                self.remember_path(trait_path);
                let method = TraitMethod {
                    trait_path: trait_path.to_string(),
                    arity: arity.parse().unwrap_or(0),
                    any_receiver: kind == "ext",
                    api: index,
                };
                self.blocking_trait_methods.entry(method_name.to_string()).or_default().push(method);
            } else if let Some(ty) = target.strip_prefix("for ") {
                self.remember_path(ty);
                self.blocking_iterables.insert(ty.to_string(), index);
            } else if let Some(path) = target.strip_prefix("io ") {
                self.remember_path(path);
                self.blocking_stream_functions.insert(path.to_string(), index);
            } else {
                let key = parse_key(target);
                self.remember_key(&key);
                if let Key::Method { receiver, method } = &key {
                    // The same method called as a path: `Path::exists(&p)`.
                    self.blocking_keys.insert(Key::Function(format!("{receiver}::{method}")), index);
                }
                self.blocking_keys.insert(key, index);
            }
        }
    }

    fn push_api(&mut self, entry: &tables::BlockingEntry, target: &str) -> (String, usize) {
        let (target, shown_as) = split_shown_name(target);
        let target = target.split('/').next().unwrap_or(target);
        let display = shown_as.map(str::to_string).unwrap_or_else(|| {
            target
                .trim_start_matches("*.")
                .trim_start_matches("trait ")
                .trim_start_matches("ext ")
                .trim_start_matches("for ")
                .trim_start_matches("io ")
                .replace('.', "::")
        });
        let replacement = entry.replacement.replace("{name}", display.rsplit("::").next().unwrap_or(""));
        self.blocking.push(BlockingApi { display: display.clone(), hazard: entry.hazard, replacement });
        (display, self.blocking.len() - 1)
    }

    /// Adds a user-declared blocking function (configuration `blocking-functions`).
    pub fn add_blocking_function(&mut self, path: &str, replacement: &str) {
        self.blocking.push(BlockingApi {
            display: path.to_string(),
            hazard: Hazard::Blocks,
            replacement: replacement.to_string(),
        });
        let key = parse_key(path);
        self.remember_key(&key);
        self.blocking_keys.insert(key, self.blocking.len() - 1);
    }

    /// Applies the configuration's catalog entries.
    pub fn extend_from(&mut self, config: &crate::config::Config) {
        for function in &config.blocking_functions {
            let help = match (&function.replacement, &function.reason) {
                (Some(replacement), _) => format!("use `{replacement}` instead"),
                (None, Some(reason)) => format!("{reason}; run it in `tokio::task::spawn_blocking`"),
                (None, None) => {
                    "run it in `tokio::task::spawn_blocking`, or use an async alternative".to_string()
                }
            };
            self.add_blocking_function(&function.path, &help);
        }
        for path in &config.offload_functions {
            self.add_offload_function(path);
        }
        for path in &config.guard_types {
            self.add_guard_type(path, GuardKind::Configured);
        }
    }

    /// Adds a user-declared offloading function (configuration `offload-functions`).
    pub fn add_offload_function(&mut self, path: &str) {
        self.remember_path(path);
        self.offload_functions.insert(path.to_string());
    }

    fn remember_key(&mut self, key: &Key) {
        match key {
            Key::Function(path) => self.remember_path(&path.clone()),
            Key::Method { receiver, method } => self.remember_path(&format!("{receiver}::{method}")),
        }
    }

    /// Records a path and its prefixes, so glob imports of those modules resolve.
    fn remember_path(&mut self, path: &str) {
        let mut end = 0;
        while let Some(pos) = path[end..].find("::") {
            end += pos;
            self.known_paths.insert(path[..end].to_string());
            end += 2;
        }
        self.known_paths.insert(path.to_string());
    }

    pub fn blocking_api(&self, index: usize) -> &BlockingApi {
        &self.blocking[index]
    }

    /// A free or associated function that blocks: `std::thread::sleep`, `std::fs::File::open`.
    pub fn blocking_function(&self, path: &str) -> Option<&BlockingApi> {
        self.blocking_keys.get(&Key::Function(path.to_string())).map(|&i| &self.blocking[i])
    }

    /// A method that blocks on a receiver of the given (canonical) type path.
    pub fn blocking_method(&self, receiver: &str, method: &str) -> Option<&BlockingApi> {
        let key = Key::Method { receiver: receiver.to_string(), method: method.to_string() };
        self.blocking_keys.get(&key).map(|&i| &self.blocking[i])
    }

    /// A method whose name alone identifies a blocking API (`blocking_recv`).
    pub fn blocking_method_by_name(&self, method: &str) -> Option<&BlockingApi> {
        self.blocking_any_receiver.get(method).map(|&i| &self.blocking[i])
    }

    /// A blocking trait method, if one of `imported` traits provides `method`.
    /// With `typed_receiver`, only an extension trait's method (see `ext` in the tables): a
    /// receiver of a known type may have an inherent method of that name.
    pub fn blocking_trait_method(
        &self,
        method: &str,
        arg_count: usize,
        typed_receiver: bool,
        is_imported: impl Fn(&str) -> bool,
    ) -> Option<&BlockingApi> {
        let candidates = self.blocking_trait_methods.get(method)?;
        candidates
            .iter()
            .filter(|m| m.any_receiver || !typed_receiver)
            .find(|m| m.arity == arg_count && is_imported(&m.trait_path))
            .map(|m| &self.blocking[m.api])
    }

    /// A catalogued trait method called by its path, `Trait::method(receiver, ..)`, with
    /// `arg_count` arguments besides the receiver.
    pub fn blocking_trait_method_by_path(
        &self,
        trait_path: &str,
        method: &str,
        arg_count: usize,
    ) -> Option<&BlockingApi> {
        let candidates = self.blocking_trait_methods.get(method)?;
        candidates
            .iter()
            .find(|m| m.trait_path == trait_path && m.arity == arg_count)
            .map(|m| &self.blocking[m.api])
    }

    /// `std::io::Read` and its kin: their methods block or not by the receiver's type.
    pub fn is_io_trait(&self, path: &str) -> bool {
        tables::IO_TRAITS.contains(&path)
    }

    /// A type whose iteration (`for x in value`) blocks.
    pub fn blocking_iterable(&self, ty: &str) -> Option<&BlockingApi> {
        self.blocking_iterables.get(ty).map(|&i| &self.blocking[i])
    }

    /// The `help:` for a blocking API in a package on `runtime`: the catalog's text names
    /// tokio's replacement; async-std's and smol's are named for their packages.
    pub fn replacement<'c>(&'c self, api: &'c BlockingApi, runtime: Runtime) -> &'c str {
        let offload = match runtime {
            Runtime::Tokio => return &api.replacement,
            Runtime::AsyncStd => tables::ASYNC_STD_REPLACEMENTS.offload,
            Runtime::Smol => tables::SMOL_REPLACEMENTS.offload,
        };
        self.runtime_replacements.get(&(runtime, api.display.clone())).map(String::as_str).unwrap_or(offload)
    }

    /// A function that blocks when one of the streams it reads or writes is blocking I/O
    /// (`std::io::copy`, `serde_json::from_reader`); over bytes in memory it does not.
    pub fn blocking_stream_function(&self, path: &str) -> Option<&BlockingApi> {
        self.blocking_stream_functions.get(path).map(|&i| &self.blocking[i])
    }

    pub fn is_executor_function(&self, path: &str) -> bool {
        self.executors.contains(&Key::Function(path.to_string()))
    }

    pub fn is_executor_method(&self, receiver: &str, method: &str) -> bool {
        self.executors.contains(&Key::Method { receiver: receiver.to_string(), method: method.to_string() })
    }

    /// `block_on`: a method name that runs an executor whatever the receiver.
    pub fn is_executor_method_name(&self, method: &str) -> bool {
        self.executor_any_receiver.contains(method)
    }

    pub fn is_offload_function(&self, path: &str) -> bool {
        self.offload_functions.contains(path)
    }

    /// Whether a function keeps its closure argument for later (see [`tables::CLOSURE_KEEPERS`]).
    pub fn keeps_closure(&self, path: &str) -> bool {
        tables::CLOSURE_KEEPERS.contains(&path)
    }

    pub fn is_offload_method(&self, method: &str) -> bool {
        self.offload_methods.contains(method)
    }

    /// The type of a public field of another crate's struct (`std::process::Child::stdout`).
    pub fn field_type(&self, owner: &str, field: &str) -> Option<Ty> {
        let fields = self.fields.get(owner)?;
        fields.iter().find(|(name, _)| name == field).map(|(_, ty)| ty.clone())
    }

    /// The return type of a known function, given its argument types.
    pub fn function_return(&self, path: &str, args: &[Ty]) -> Option<Ty> {
        let template = self.returns.get(&Key::Function(path.to_string()))?;
        Some(instantiate(&template.0, args, &Ty::Unknown))
    }

    /// The type a macro call evaluates to, for the macros typed as their same-named function.
    pub fn macro_value(&self, path: &str) -> Option<Ty> {
        tables::MACROS_TYPED_AS_FUNCTIONS.contains(&path).then(|| self.function_return(path, &[])).flatten()
    }

    /// The return type of a known method on a receiver of type `receiver` (already dereferenced
    /// to the type that has the method).
    pub fn method_return(&self, receiver: &Ty, method: &str, args: &[Ty]) -> Option<Ty> {
        let path = receiver.path_str()?;
        let key = Key::Method { receiver: path.to_string(), method: method.to_string() };
        let template = self.returns.get(&key)?;
        Some(instantiate(&template.0, args, receiver))
    }

    /// For a buffering wrapper (`std::io::BufReader<R>`, `BufWriter<W>`) and one of the I/O
    /// methods it forwards, the method of the wrapped value whose blocking it inherits.
    pub fn buffered_io_probe(&self, wrapper: &str, method: &str) -> Option<&'static str> {
        tables::BUFFERED_IO
            .iter()
            .find(|(path, _, methods)| *path == wrapper && methods.contains(&method))
            .map(|(_, probe, _)| *probe)
    }

    /// What an `r2d2::PooledConnection<M>` derefs to: the connection manager `M` hands out
    /// (`postgres::Client` for `r2d2_postgres`'s, `C` for diesel's `ConnectionManager<C>`).
    pub fn pooled_connection(&self, path: &str, args: &[Ty]) -> Option<Ty> {
        if path != "r2d2::PooledConnection" {
            return None;
        }
        let manager = args.first()?;
        let (_, connection) = tables::POOLED_CONNECTIONS.iter().find(|(known, _)| manager.is_path(known))?;
        match *connection {
            "$0" => Some(manager.first_arg()).filter(|ty| !ty.is_unknown()),
            connection => Some(Ty::simple(connection)),
        }
    }

    /// What a bounded channel's sender (`crossbeam_channel::BoundedSender`, the type the
    /// catalog gives `bounded(..)`'s sender) derefs to: the general sender, with its arguments,
    /// so that every method other than the blocking `send` is the general type's.
    pub fn bounded_sender_general(&self, path: &str, args: &[Ty]) -> Option<Ty> {
        let (_, general) = tables::BOUNDED_SENDERS.iter().find(|(bounded, _)| *bounded == path)?;
        Some(Ty::Path { path: general.to_string(), args: args.to_vec() })
    }

    /// Whether a type is a smart pointer, guard or extractor that auto-derefs to its first
    /// argument.
    pub fn derefs_to_first_arg(&self, path: &str) -> bool {
        tables::DEREF_WRAPPERS.contains(&path) || self.is_extractor(path)
    }

    /// Whether a type is a web framework extractor: its field `.0` is its first argument.
    pub fn is_extractor(&self, path: &str) -> bool {
        tables::EXTRACTOR_WRAPPERS.contains(&path)
    }
}

impl PathKnowledge for Catalog {
    fn canonicalize(&self, path: String) -> String {
        for (from, to) in &self.aliases {
            if path == *from {
                return to.clone();
            }
            if let Some(rest) = path.strip_prefix(from.as_str()) {
                if from.ends_with("::") {
                    return format!("{to}{rest}");
                }
            }
        }
        path
    }

    fn is_known_path(&self, path: &str) -> bool {
        self.known_paths.contains(path)
    }
}

/// `read_{n}` -> `read_u8` .. `read_f64` and `read_u16_le` .. `read_f64_le`; any other name
/// as it is.
fn expand_numeric(method: &str) -> Vec<String> {
    let Some(prefix) = method.strip_suffix("{n}") else { return vec![method.to_string()] };
    let mut out = Vec::new();
    for ty in tables::NUMERIC_IO_TYPES {
        out.push(format!("{prefix}{ty}"));
        if !matches!(*ty, "u8" | "i8") {
            out.push(format!("{prefix}{ty}_le"));
        }
    }
    out
}

/// `std::fs::File::open` -> function; `std::fs::File.read` -> method `read` on `std::fs::File`.
/// A catalog target and the name its findings show, when that differs from the target:
/// `"crossbeam_channel::BoundedSender.send as crossbeam_channel::Sender::send"`.
fn split_shown_name(target: &str) -> (&str, Option<&str>) {
    match target.split_once(" as ") {
        Some((target, shown)) => (target, Some(shown)),
        None => (target, None),
    }
}

fn parse_key(text: &str) -> Key {
    match text.rsplit_once('.') {
        Some((receiver, method)) => {
            Key::Method { receiver: receiver.to_string(), method: method.to_string() }
        }
        None => Key::Function(text.to_string()),
    }
}

/// Parses the catalog's type templates: `std::io::Result<std::fs::File>`, `(A, B)`, `&T`, `$0`.
pub fn parse_ty(text: &str) -> Ty {
    let mut parser = TyParser { text: text.as_bytes(), pos: 0 };
    parser.ty()
}

struct TyParser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl TyParser<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos] == b' ' {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        if self.text.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ty(&mut self) -> Ty {
        self.skip_ws();
        if self.eat(b'&') {
            return Ty::Ref(Box::new(self.ty()));
        }
        if self.text[self.pos..].starts_with(b"impl ") {
            self.pos += 5;
            return Ty::Bounds(vec![self.ty()]);
        }
        if self.eat(b'(') {
            let mut items = Vec::new();
            while !self.eat(b')') {
                items.push(self.ty());
                self.eat(b',');
                if self.pos >= self.text.len() {
                    break;
                }
            }
            return Ty::Tuple(items);
        }
        let start = self.pos;
        while self.pos < self.text.len() && !b"<>(), ".contains(&self.text[self.pos]) {
            self.pos += 1;
        }
        let path = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
        let mut args = Vec::new();
        if self.eat(b'<') {
            while !self.eat(b'>') {
                args.push(self.ty());
                self.eat(b',');
                if self.pos >= self.text.len() {
                    break;
                }
            }
        }
        if path == "_" {
            return Ty::Unknown;
        }
        Ty::Path { path, args }
    }
}

fn instantiate(template: &Ty, args: &[Ty], receiver: &Ty) -> Ty {
    match template {
        Ty::Path { path, args: targs } => match path.as_str() {
            "$0" => args.first().cloned().unwrap_or(Ty::Unknown),
            // What the first argument points to: `std::mem::take(&mut slot)` gives the slot's type.
            "*$0" => match args.first() {
                Some(Ty::Ref(inner)) => (**inner).clone(),
                _ => Ty::Unknown,
            },
            "$1" => args.get(1).cloned().unwrap_or(Ty::Unknown),
            "$self" => receiver.clone(),
            "$self.0" => receiver.first_arg(),
            "$self.1" => receiver.args().get(1).cloned().unwrap_or(Ty::Unknown),
            _ => Ty::Path {
                path: path.clone(),
                args: targs.iter().map(|t| instantiate(t, args, receiver)).collect(),
            },
        },
        Ty::Ref(inner) => Ty::Ref(Box::new(instantiate(inner, args, receiver))),
        Ty::Tuple(items) => Ty::Tuple(items.iter().map(|t| instantiate(t, args, receiver)).collect()),
        Ty::Bounds(bounds) => Ty::Bounds(bounds.iter().map(|t| instantiate(t, args, receiver)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_templates_parse() {
        assert_eq!(
            parse_ty("std::io::Result<std::fs::File>"),
            Ty::path("std::io::Result", vec![Ty::simple("std::fs::File")])
        );
        assert_eq!(
            parse_ty("(std::sync::mpsc::Sender<$0>, &std::path::Path)"),
            Ty::Tuple(vec![
                Ty::path("std::sync::mpsc::Sender", vec![Ty::simple("$0")]),
                Ty::Ref(Box::new(Ty::simple("std::path::Path")))
            ])
        );
    }

    #[test]
    fn builtin_catalog_answers() {
        let catalog = Catalog::builtin();
        assert!(catalog.blocking_function("std::thread::sleep").is_some());
        assert!(catalog.blocking_method("std::fs::File", "read_to_string").is_some());
        assert!(catalog.blocking_function("tokio::time::sleep").is_none());
        assert!(catalog.is_executor_function("futures::executor::block_on"));
        assert!(catalog.is_offload_function("tokio::task::spawn_blocking"));
        assert!(catalog.is_known_path("std::fs"));
        assert_eq!(catalog.canonicalize("core::mem::drop".into()), "std::mem::drop");
        let arc = catalog.function_return("std::sync::Arc::new", &[Ty::simple("x::Y")]);
        assert_eq!(arc, Some(Ty::path("std::sync::Arc", vec![Ty::simple("x::Y")])));
    }
}
