//! The analysis pipeline:
//! 1. read and pre-scan every file, then parse and lower the roots and, round by round, the
//!    files they need ([`crate::selection`]; every file with `parse_all`), in parallel (a
//!    failure becomes `syntax_error`);
//! 2. build the workspace index from all lowered files;
//! 3. run the enabled rules on every file, in parallel;
//! 4. drop suppressed findings, assign severities, sort.
//!
//! **Architecture invariant:** the engine never prints or exits; output order depends only
//! on the input (file, line, column, rule), never on thread scheduling.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::callgraph::BlockingSummary;
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Finding, Level, Severity};
use crate::fast_hash::{FastMap, FastSet};
use crate::hir::FileHir;
use crate::index::CrateIndex;
use crate::lower::{lower_file, lower_skeleton, DeferredBody, LateBody, PendingBodies};
use crate::parse::{parse_lazily, parse_skeleton, parse_source, read_source, ParseFailure};
use crate::prescan::{self, AsyncApiEvidence, RootFile, Scan};
use crate::rule::{Rule, RuleContext, RuleOptions, SYNTAX_ERROR};
use crate::selection::{self, AsyncAlias, Demand, Examine, FnKey, FutureCallees, Lexicon};
use crate::semantics::Semantics;
use crate::source::{LineIndex, SourceFile};
use crate::suppress::Suppressions;
use crate::ty::Ty;

/// Each worker thread's stack: deep but legal nesting must not overflow it.
const WORKER_STACK_BYTES: usize = 256 << 20;

/// The level of every rule after defaults, configuration and command-line flags.
#[derive(Clone, Debug, Default)]
pub struct LevelConfig {
    levels: HashMap<String, Level>,
    /// `-D warnings`: every finding at warn level is reported as an error.
    pub deny_warnings: bool,
}

impl LevelConfig {
    pub fn new(rules: &[&dyn Rule]) -> LevelConfig {
        let mut levels: HashMap<String, Level> =
            rules.iter().map(|r| (r.meta().id.to_string(), r.meta().default_level)).collect();
        levels.insert(SYNTAX_ERROR.id.to_string(), SYNTAX_ERROR.default_level);
        LevelConfig { levels, deny_warnings: false }
    }

    pub fn set(&mut self, rule: &str, level: Level) {
        self.levels.insert(rule.to_string(), level);
    }

    pub fn set_all(&mut self, level: Level) {
        for value in self.levels.values_mut() {
            *value = level;
        }
    }

    pub fn is_known(&self, rule: &str) -> bool {
        self.levels.contains_key(rule)
    }

    pub fn level(&self, rule: &str) -> Level {
        let level = self.levels.get(rule).copied().unwrap_or(Level::Allow);
        if self.deny_warnings && level == Level::Warn {
            Level::Deny
        } else {
            level
        }
    }
}

/// A file as analysed: its source, text and line index (empty when it could not be read).
#[derive(Debug)]
pub struct LoadedFile {
    pub source: SourceFile,
    pub lines: LineIndex,
}

#[derive(Debug)]
pub struct Analysis {
    pub files: Vec<LoadedFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Wall time of each pipeline phase, in order (for the benchmark).
    pub phases: Vec<(&'static str, Duration)>,
    /// How many files were parsed (see [`EngineOptions::parse_all`]).
    pub parsed_files: usize,
}

impl Analysis {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

pub struct EngineOptions<'a> {
    pub rules: &'a [&'a dyn Rule],
    pub levels: &'a LevelConfig,
    pub catalog: &'a Catalog,
    /// Worker threads; `None` uses every core.
    pub jobs: Option<usize>,
    pub rule_options: RuleOptions,
    /// Whether test code (`#[cfg(test)]` modules, `#[test]` functions) is analysed.
    pub include_tests: bool,
    /// Parse every file, not only the pre-scan's roots and what they depend on.
    pub parse_all: bool,
}

struct Lowered {
    lines: LineIndex,
    hir: Option<FileHir>,
    failure: Option<ParseFailure>,
    suppressions: Suppressions,
    /// The functions whose bodies are not lowered yet (in a root or a file parsed for its
    /// definitions).
    pending: Option<PendingBodies>,
    /// Parsed for its definitions only: no rule reports here.
    for_definitions: bool,
    /// A root's identifiers, until the roots' future callers are found.
    root_file: Option<RootFile>,
}

/// Analyses `files` (which should be sorted by path for stable output).
pub fn analyze(files: Vec<SourceFile>, options: &EngineOptions<'_>) -> Analysis {
    let started = Instant::now();
    let (files, diagnostics, clock, parsed_files) = in_workers(options.jobs, || run_pipeline(files, options));
    Analysis { files, diagnostics, elapsed: started.elapsed(), phases: clock.0, parsed_files }
}

/// Runs `work` on a pool of `jobs` worker threads (`None`: one per core) with large stacks;
/// rayon's parallel iterators inside it use those threads. Discovery runs this way too, so
/// that `--jobs 1` means one thread throughout.
pub fn in_workers<R: Send>(jobs: Option<usize>, work: impl FnOnce() -> R + Send) -> R {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_BYTES);
    if let Some(jobs) = jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    match builder.build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// Records how long each phase took.
struct PhaseClock(Vec<(&'static str, Duration)>, Instant);

impl PhaseClock {
    fn start() -> PhaseClock {
        PhaseClock(Vec::new(), Instant::now())
    }

    fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.0.push((phase, now - self.1));
        self.1 = now;
    }
}

fn run_pipeline(
    files: Vec<SourceFile>,
    options: &EngineOptions<'_>,
) -> (Vec<LoadedFile>, Vec<Diagnostic>, PhaseClock, usize) {
    let mut clock = PhaseClock::start();
    let (lowered, unparsed_method_names, selection_index) = load_files(&files, options);
    let parsed_files = lowered.iter().filter(|l| l.hir.is_some() || l.failure.is_some()).count();
    clock.lap("read, parse, lower");
    let hirs: Vec<(usize, &FileHir, &str)> = lowered
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.hir.as_ref().map(|h| (i, h, files[i].display.as_str())))
        .collect();
    // The selection's index already holds every lowered file (it does not depend on the order
    // they came in); only `parse_all` builds one here.
    let mut index = selection_index.unwrap_or_else(|| CrateIndex::build(hirs.iter().copied()));
    index.set_unparsed_method_names(unparsed_method_names);
    crate::offload::find_offload_wrappers(&hirs, &mut index, options.catalog);
    clock.lap("index, offload wrappers");
    let blocking = BlockingSummary::compute(&hirs, &index, options.catalog);
    index.set_blocking(blocking);
    let endless = crate::tasks::endless_async_fns(&hirs, &index, options.catalog);
    index.set_endless_loops(endless);
    let endless_handles = crate::tasks::endless_handle_fns(&hirs, &index, options.catalog);
    index.set_endless_handles(endless_handles);
    let cancel_unsafe = crate::tasks::cancel_unsafe_async_fns(&hirs, &index, options.catalog);
    index.set_cancel_unsafe_fns(cancel_unsafe);
    clock.lap("call graph, task summaries");
    let enabled: Vec<&dyn Rule> =
        options.rules.iter().copied().filter(|r| options.levels.level(r.meta().id) != Level::Allow).collect();
    let mut diagnostics: Vec<Diagnostic> = files
        .par_iter()
        .zip(lowered.par_iter())
        .enumerate()
        .with_max_len(1)
        .flat_map_iter(|(file_id, (file, lowered))| {
            check_file(file_id, file, lowered, &index, &enabled, options)
        })
        .collect();
    diagnostics.sort_by(|a, b| (a.file, a.span.start, a.rule).cmp(&(b.file, b.span.start, b.rule)));
    clock.lap("rules");
    // Freeing thousands of trees and the index is work too: on all threads, not one.
    let (lines, ()) =
        rayon::join(|| lowered.into_par_iter().map(|l| l.lines).collect::<Vec<_>>(), || drop(index));
    let loaded = files.into_iter().zip(lines).map(|(source, lines)| LoadedFile { source, lines }).collect();
    (loaded, diagnostics, clock, parsed_files)
}

/// A file's text, or why it could not be read.
type ReadResult = Result<String, ParseFailure>;

/// Reads, parses and lowers the files: all of them with `parse_all`, else the pre-scan's roots
/// and, round by round, the files they depend on (see [`crate::selection`]). A file that is not
/// selected keeps neither text nor tree. Also returns the (hashed) names of the methods
/// defined in files that were not parsed, and the index of the lowered files, if the
/// selection built one.
fn load_files(
    files: &[SourceFile],
    options: &EngineOptions<'_>,
) -> (Vec<Lowered>, FastSet<prescan::Name>, Option<CrateIndex>) {
    if options.parse_all {
        let all = files
            .par_iter()
            .with_max_len(1)
            .map(|file| load(file, read_source(&file.path), options, ParseMode::Whole))
            .collect();
        return (all, FastSet::default(), None);
    }
    let evidence = options.catalog.async_api_evidence();
    let (scans, mut texts) = prescan_files(files, &evidence);
    let modules: Vec<String> = files.iter().map(SourceFile::module_path).collect();
    let lexicon = Lexicon::new(&scans, &modules);
    let roles =
        scans.iter().map(|s| if s.as_ref().is_none_or(|s| s.root) { Role::Root } else { Role::Dependency });
    let mut rounds = Rounds {
        lowered: files.iter().map(|_| None).collect(),
        roles: roles.collect(),
        index: CrateIndex::default(),
        seen: FastSet::default(),
        keys: FastSet::default(),
        new_keys: FastSet::default(),
        reexports_followed: 0,
        unknown_items: Vec::new(),
        reached_through_globs: FastSet::default(),
        held_dispatches: BTreeSet::new(),
        files_defining: FastMap::default(),
    };
    let mut wanted: Vec<usize> = (0..files.len()).filter(|&i| rounds.roles[i] == Role::Root).collect();
    let mut callers_found = false;
    while !wanted.is_empty() || !rounds.new_keys.is_empty() {
        wanted.sort_unstable();
        wanted.dedup();
        rounds.load(&wanted, &mut texts, files, options, &evidence);
        let mut callers = Vec::new();
        if !callers_found {
            // Sync code dropping a future the roots define is reported too: in other files,
            // parsed whole; in the roots, the bodies calling one, which are examined with
            // their async code.
            callers_found = true;
            let roots: Vec<(usize, &FileHir)> =
                wanted.iter().filter_map(|&i| Some((i, rounds.hir(i)?))).collect();
            let callees = lexicon.future_callees(&roots, &rounds.index, options.catalog);
            callers = callees.non_root_callers();
            let aliases: Vec<AsyncAlias<'_>> =
                lexicon.async_aliases().chain(root_async_aliases(&rounds.index, options.catalog)).collect();
            callers.extend(lexicon.alias_users(&aliases));
            let root_bodies = rounds.root_bodies_calling(&callees, &wanted, &lexicon);
            drop(callees);
            let late_bodies = rounds.lower_bodies(root_bodies, options.catalog);
            rounds.add_late_bodies(late_bodies);
        }
        let demands = rounds.fresh_demands(&wanted, options.catalog, &lexicon);
        let mut next: Vec<usize> = demands.iter().flat_map(|demand| lexicon.candidates(demand)).collect();
        for caller in callers {
            rounds.roles[caller] = Role::Whole;
            next.push(caller);
        }
        next.retain(|&i| rounds.lowered[i].is_none());
        wanted = next;
    }
    rounds.check_unlowered_root_bodies();
    let unparsed_method_names = lexicon.unparsed_method_names(|i| rounds.lowered[i].is_some());
    let lowered = rounds.lowered.into_iter().map(|l| l.unwrap_or_else(Lowered::not_selected)).collect();
    (lowered, unparsed_method_names, Some(rounds.index))
}

/// The `type` aliases of async API types the roots define (`type EventTx =
/// Arc<Sender<Event>>;`): the alias's target, through references and smart pointers, is a
/// type with catalogued async methods.
fn root_async_aliases<'i>(index: &'i CrateIndex, catalog: &Catalog) -> Vec<AsyncAlias<'i>> {
    let mut out = Vec::new();
    for (path, target) in index.aliases() {
        let Some(receiver) = pointee(target, catalog).path_str() else { continue };
        let methods = catalog.async_methods_of(receiver);
        if methods.is_empty() {
            continue;
        }
        let krate = path.split("::").next().unwrap_or(path);
        let name = prescan::ident_hash(path.rsplit("::").next().unwrap_or(path));
        out.push(AsyncAlias { krate, name, methods: methods.into_iter().map(prescan::ident_hash).collect() });
    }
    out
}

/// The type a value of `ty` auto-derefs to through references and smart pointers.
fn pointee<'t>(ty: &'t Ty, catalog: &Catalog) -> &'t Ty {
    match ty {
        Ty::Ref(inner) => pointee(inner, catalog),
        Ty::Path { path, args } if catalog.derefs_to_first_arg(path) && !args.is_empty() => {
            pointee(&args[0], catalog)
        }
        _ => ty,
    }
}

/// Reads and pre-scans every file, in parallel; keeps the text of the roots (an unreadable
/// file is reported, so it is a root too).
fn prescan_files(
    files: &[SourceFile],
    evidence: &AsyncApiEvidence,
) -> (Vec<Option<Scan>>, Vec<Option<ReadResult>>) {
    files
        .par_iter()
        .with_max_len(1)
        .map(|file| match read_source(&file.path) {
            Ok(text) => {
                let scan = prescan::scan(&text, evidence);
                let keep = scan.root.then_some(Ok(text));
                (Some(scan), keep)
            }
            Err(failure) => (None, Some(Err(failure))),
        })
        .unzip()
}

/// The length of a text read already; 0 for one not read yet (a dependency is read where it
/// is parsed) or unreadable.
fn known_length(read: &Option<ReadResult>) -> usize {
    match read {
        Some(Ok(text)) => text.len(),
        _ => 0,
    }
}

/// Why a file is parsed, which says which of its functions demands are taken from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Rules report here: its async code, and any function demanded.
    Root,
    /// Calls a future the roots define: every function.
    Whole,
    /// Parsed for its definitions: only the functions demanded.
    Dependency,
}

/// The state of the selection's rounds.
struct Rounds {
    lowered: Vec<Option<Lowered>>,
    roles: Vec<Role>,
    /// Everything parsed so far, for resolving the demands.
    index: CrateIndex,
    seen: FastSet<Demand>,
    /// The functions demanded so far, and those first demanded in the last round.
    keys: FastSet<FnKey>,
    new_keys: FastSet<FnKey>,
    /// The index's re-export count when demands were last followed through re-exports.
    reexports_followed: usize,
    /// Items demanded by a path the index does not know yet: a re-export parsed later may
    /// lead elsewhere.
    unknown_items: Vec<Demand>,
    /// Item demands reached through a glob re-export: never kept as unknown items.
    reached_through_globs: FastSet<Demand>,
    /// Demands of a trait method's implementations whose trait the index does not have yet
    /// (see [`Demand::dispatch_ready`]).
    held_dispatches: BTreeSet<Demand>,
    /// The parsed files defining a function, by each key naming it (see
    /// [`selection::keys_naming`]): where a demanded function is looked for.
    files_defining: FastMap<FnKey, Vec<usize>>,
}

impl Rounds {
    fn hir(&self, file: usize) -> Option<&FileHir> {
        self.lowered[file].as_ref()?.hir.as_ref()
    }

    /// Parses and lowers `wanted` in parallel, and adds them to the index.
    fn load(
        &mut self,
        wanted: &[usize],
        texts: &mut [Option<ReadResult>],
        files: &[SourceFile],
        options: &EngineOptions<'_>,
        evidence: &AsyncApiEvidence,
    ) {
        let mut reads: Vec<(usize, Option<ReadResult>)> =
            wanted.iter().map(|&i| (i, texts[i].take())).collect();
        // Largest first, one file per task: a large file parsed last would leave the other
        // threads idle until it is done.
        reads.sort_by_key(|(_, read)| std::cmp::Reverse(known_length(read)));
        let roles = &self.roles;
        // Each file joins the index as soon as it is lowered, under a lock: adding it after the
        // whole round left the other threads idle while it ran (half a second of a corpus run).
        // The index does not depend on the order files are added in, and `files_defining` is
        // only read as a set.
        let index = Mutex::new((&mut self.index, &mut self.files_defining));
        let batch: Vec<(usize, Lowered)> = reads
            .into_par_iter()
            .with_max_len(1)
            .map(|(i, read)| {
                let read = read.unwrap_or_else(|| read_source(&files[i].path));
                let mode = match roles[i] {
                    Role::Root => ParseMode::Lazily(evidence),
                    Role::Whole => ParseMode::Whole,
                    Role::Dependency => ParseMode::Skeleton,
                };
                let lowered = load(&files[i], read, options, mode);
                if let Some(hir) = &lowered.hir {
                    let keys: Vec<FnKey> =
                        hir.functions.iter().flat_map(selection::keys_naming).flatten().collect();
                    let mut guard = index.lock().unwrap_or_else(PoisonError::into_inner);
                    let (index, files_defining) = &mut *guard;
                    index.add_file(i, hir, &files[i].display);
                    for key in keys {
                        let defining = files_defining.entry(key).or_default();
                        if defining.last() != Some(&i) {
                            defining.push(i);
                        }
                    }
                }
                (i, lowered)
            })
            .collect();
        for (i, lowered) in batch {
            self.lowered[i] = Some(lowered);
        }
    }

    /// The demands not seen before: from the files just parsed (`fresh`), as their role says,
    /// and from the functions of earlier files that the last round demanded.
    fn fresh_demands(&mut self, fresh: &[usize], catalog: &Catalog, lexicon: &Lexicon<'_>) -> Vec<Demand> {
        // Earlier files only for the functions first demanded in the last round.
        let mut earlier: Vec<usize> = self
            .new_keys
            .iter()
            .flat_map(|key| self.files_defining.get(key).into_iter().flatten().copied())
            .filter(|i| fresh.binary_search(i).is_err())
            .collect();
        earlier.sort_unstable();
        earlier.dedup();
        let late_bodies = self.lower_demanded_bodies(fresh, &earlier, catalog);
        self.add_late_bodies(late_bodies);
        let mut to_examine: Vec<(&FileHir, Examine<'_>)> = Vec::new();
        for &i in fresh {
            let Some(hir) = self.hir(i) else { continue };
            let examine = match self.roles[i] {
                // Its bodies parsed with it are the ones rules may report in (see
                // `RootFile::needs_body`).
                Role::Root => Examine::All,
                Role::Whole => Examine::All,
                Role::Dependency => Examine::Demanded(&self.keys),
            };
            to_examine.push((hir, examine));
        }
        for &i in &earlier {
            if let Some(hir) = self.hir(i) {
                to_examine.push((hir, Examine::Demanded(&self.new_keys)));
            }
        }
        let mut demanded = selection::demands(&to_examine, &self.index, catalog, lexicon);
        // A path demanded before may now lead, through a re-export just parsed, elsewhere.
        if self.index.reexport_count() != self.reexports_followed {
            self.reexports_followed = self.index.reexport_count();
            let index = &self.index;
            // Each unknown item is followed once: what it leads to is a demand of its own.
            let steps: Vec<((Vec<Demand>, bool), bool)> = self
                .unknown_items
                .par_iter()
                .map(|d| {
                    let next = d.follow_reexport(index);
                    let known = next.0.is_empty() && d.is_known(index);
                    (next, known)
                })
                .collect();
            let mut still_unknown = Vec::new();
            for (demand, ((next, via_glob), known)) in
                std::mem::take(&mut self.unknown_items).into_iter().zip(steps)
            {
                if via_glob {
                    self.reached_through_globs.extend(next.iter().cloned());
                }
                if !next.is_empty() {
                    demanded.extend(next);
                } else if !known {
                    still_unknown.push(demand);
                }
            }
            self.unknown_items = still_unknown;
        }
        let demanded = self.ready_demands(demanded);
        let fresh_demands: Vec<Demand> =
            demanded.into_iter().filter(|d| self.seen.insert(d.clone())).collect();
        let index = &self.index;
        // A place a glob may lead is demanded once and never followed on: most lead nowhere
        // (following them again each round was a sizeable share of the run), and mutual globs
        // would make paths grow. One glob deep, as `CrateIndex::canonical` follows them.
        let through_globs = &self.reached_through_globs;
        let unknown = fresh_demands
            .par_iter()
            .filter(|d| !through_globs.contains(*d) && !d.is_known(index))
            .cloned()
            .collect::<Vec<_>>();
        self.unknown_items.extend(unknown);
        self.new_keys =
            fresh_demands.iter().filter_map(Demand::key).filter(|k| !self.keys.contains(k)).collect();
        self.keys.extend(self.new_keys.iter().cloned());
        fresh_demands
    }

    /// The demands to follow now: a trait method's implementations wait until the index has
    /// the trait (which is demanded with them), and are dropped unless the call graph follows
    /// the method. Every other demand is ready.
    fn ready_demands(&mut self, demanded: BTreeSet<Demand>) -> BTreeSet<Demand> {
        let (dispatches, mut ready): (BTreeSet<Demand>, BTreeSet<Demand>) =
            demanded.into_iter().partition(|d| matches!(d, Demand::Implementations { .. }));
        self.held_dispatches.extend(dispatches.into_iter().filter(|d| !self.seen.contains(d)));
        let (index, seen) = (&self.index, &mut self.seen);
        self.held_dispatches.retain(|demand| match demand.dispatch_ready(index) {
            None => true,
            Some(true) => {
                ready.insert(demand.clone());
                false
            }
            Some(false) => {
                // Never followed: not worth asking about again.
                seen.insert(demand.clone());
                false
            }
        });
        ready
    }
}

/// A deferred function's body, lowered, or why it could not be parsed.
type LateResult = (usize, Result<LateBody, ParseFailure>);

impl Rounds {
    /// Parses and lowers, in parallel, the deferred bodies of the demanded functions: in the
    /// files just parsed, of every function demanded so far; in `earlier` files, of those
    /// first demanded in the last round.
    fn lower_demanded_bodies(
        &mut self,
        fresh: &[usize],
        earlier: &[usize],
        catalog: &Catalog,
    ) -> Vec<(usize, Vec<LateResult>)> {
        let fresh_dependencies = fresh.iter().filter(|&&i| self.roles[i] == Role::Dependency);
        let wanted =
            fresh_dependencies.map(|&i| (i, &self.keys)).chain(earlier.iter().map(|&i| (i, &self.new_keys)));
        let mut work: Vec<(usize, Vec<DeferredBody>)> = Vec::new();
        for (i, keys) in wanted {
            let Some(Lowered { hir: Some(hir), pending: Some(pending), .. }) = &mut self.lowered[i] else {
                continue;
            };
            let (demanded, rest) = std::mem::take(&mut pending.bodies)
                .into_iter()
                .partition(|body| selection::is_demanded(&hir.functions[body.function], keys));
            pending.bodies = rest;
            if !demanded.is_empty() {
                work.push((i, demanded));
            }
        }
        self.lower_bodies(work, catalog)
    }

    /// The sync functions of the roots (`roots`) whose deferred bodies may call one of
    /// `callees`: they may drop its future, so rules look into them.
    fn root_bodies_calling(
        &mut self,
        callees: &FutureCallees<'_, '_>,
        roots: &[usize],
        lexicon: &Lexicon<'_>,
    ) -> Vec<(usize, Vec<DeferredBody>)> {
        let mut work = Vec::new();
        for &i in roots {
            let Some(lowered) = &mut self.lowered[i] else { continue };
            let Some(root_file) = lowered.root_file.take() else { continue };
            let Some(pending) = &mut lowered.pending else { continue };
            let krate = lexicon.crate_of(i);
            let lines = &lowered.lines;
            let (calling, rest): (Vec<DeferredBody>, Vec<DeferredBody>) =
                std::mem::take(&mut pending.bodies).into_iter().partition(|body| {
                    callees.is_called(
                        &prescan::calls_in(body.text(lines)),
                        |name| root_file.mentions(name),
                        krate,
                    )
                });
            pending.bodies = rest;
            if !calling.is_empty() {
                work.push((i, calling));
            }
        }
        work
    }

    /// Parses, in parallel, the bodies of the roots that were never lowered, for their syntax
    /// errors only: a file rules report on has its syntax error reported, as when it was
    /// parsed whole. (Files parsed for their definitions are only checked where they are
    /// parsed, like files not parsed at all.)
    fn check_unlowered_root_bodies(&mut self) {
        let roles = &self.roles;
        let failures: Vec<(usize, ParseFailure)> = self
            .lowered
            .par_iter()
            .enumerate()
            .with_max_len(1)
            .filter(|(i, _)| roles[*i] == Role::Root)
            .filter_map(|(i, lowered)| {
                let lowered = lowered.as_ref()?;
                let pending = lowered.pending.as_ref()?;
                let failure = pending.bodies.iter().find_map(|body| body.check_syntax(&lowered.lines).err());
                proc_macro2::extra::invalidate_current_thread_spans();
                Some((i, failure?))
            })
            .collect();
        for (i, failure) in failures {
            if let Some(lowered) = &mut self.lowered[i] {
                lowered.failure.get_or_insert(failure);
            }
        }
    }

    /// Parses and lowers, in parallel, deferred bodies of parsed files. One body per task: a
    /// late round often demands many bodies of a few files, which per file left a thread idle.
    fn lower_bodies(
        &self,
        work: Vec<(usize, Vec<DeferredBody>)>,
        catalog: &Catalog,
    ) -> Vec<(usize, Vec<LateResult>)> {
        let lowered = &self.lowered;
        let bodies: Vec<(usize, DeferredBody)> =
            work.into_iter().flat_map(|(i, bodies)| bodies.into_iter().map(move |body| (i, body))).collect();
        let late: Vec<(usize, LateResult)> = bodies
            .into_par_iter()
            .with_max_len(1)
            .map(|(i, body)| {
                let file = lowered[i].as_ref().expect("only parsed files have pending bodies");
                let late = file.lower_late(&body, catalog);
                proc_macro2::extra::invalidate_current_thread_spans();
                (i, (body.function, late))
            })
            .collect();
        // Back to one list per file, in the order the bodies came in.
        let mut by_file: Vec<(usize, Vec<LateResult>)> = Vec::new();
        for (i, result) in late {
            match by_file.last_mut() {
                Some((last, results)) if *last == i => results.push(result),
                _ => by_file.push((i, vec![result])),
            }
        }
        by_file
    }

    fn add_late_bodies(&mut self, late_bodies: Vec<(usize, Vec<LateResult>)>) {
        for (i, bodies) in late_bodies {
            let Some(lowered) = &mut self.lowered[i] else { continue };
            let Some(hir) = &mut lowered.hir else { continue };
            for (function, late) in bodies {
                match late {
                    Ok(late) => {
                        hir.functions[function].params = late.params;
                        hir.functions[function].body = Some(late.body);
                        hir.allowed_regions.extend(late.allowed_regions);
                    }
                    Err(failure) => {
                        lowered.failure.get_or_insert(failure);
                    }
                }
            }
        }
    }
}

impl Lowered {
    /// Parses and lowers one deferred body of this file.
    fn lower_late(&self, body: &DeferredBody, catalog: &Catalog) -> Result<LateBody, ParseFailure> {
        let (Some(hir), Some(pending)) = (&self.hir, &self.pending) else {
            unreachable!("deferred bodies belong to lowered files")
        };
        pending.parse_and_lower(body, &self.lines, &hir.functions[body.function].path, catalog)
    }

    /// A file no rule needs: neither text nor tree is kept.
    fn not_selected() -> Lowered {
        Lowered {
            lines: LineIndex::new(Arc::from("")),
            hir: None,
            failure: None,
            suppressions: Suppressions::default(),
            pending: None,
            for_definitions: false,
            root_file: None,
        }
    }
}

/// How much of a file to parse at once.
#[derive(Clone, Copy)]
enum ParseMode<'e> {
    /// Every body.
    Whole,
    /// A root: the bodies that may hold code a rule reports on by itself (see
    /// [`RootFile::needs_body`]); the others when demanded.
    Lazily(&'e AsyncApiEvidence),
    /// Only its definitions (see [`parse_skeleton`]); bodies when demanded.
    Skeleton,
}

/// Reads, parses and lowers one file, as much of it as `mode` says.
fn load(
    file: &SourceFile,
    read: Result<String, ParseFailure>,
    options: &EngineOptions<'_>,
    mode: ParseMode<'_>,
) -> Lowered {
    let text = match read {
        Ok(text) => text,
        Err(failure) => return Lowered { failure: Some(failure), ..Lowered::not_selected() },
    };
    let (catalog, include_tests) = (options.catalog, options.include_tests);
    let suppressions = Suppressions::parse(&text);
    let root_file = matches!(mode, ParseMode::Lazily(_)).then(|| RootFile::lex(&text));
    let parsed = match (mode, &root_file) {
        (ParseMode::Lazily(evidence), Some(root)) => parse_lazily(&text, |f| root.needs_body(f, evidence)),
        (ParseMode::Skeleton, _) => parse_skeleton(&text),
        _ => parse_source(&text).map(|file| (file, Vec::new())),
    };
    let mut item_expansions = Vec::new();
    let parsed = parsed.map(|(mut syntax, blanked)| {
        item_expansions = crate::macro_items::expand_own_macros(&mut syntax, &text);
        (syntax, blanked)
    });
    let (mut hir, pending, failure) = match parsed {
        Ok((syntax, blanked)) if !matches!(mode, ParseMode::Whole) => {
            let (hir, pending) = lower_skeleton(&syntax, &text, file, catalog, include_tests, &blanked);
            (Some(hir), Some(pending), None)
        }
        Ok((syntax, _)) => (Some(lower_file(&syntax, &text, file, catalog, include_tests)), None, None),
        Err(failure) => (None, None, Some(failure)),
    };
    if let Some(hir) = &mut hir {
        hir.item_expansions = item_expansions;
    }
    // Spans were turned into positions during lowering; free proc-macro2's per-thread
    // source map so memory stays flat over thousands of files.
    proc_macro2::extra::invalidate_current_thread_spans();
    Lowered {
        lines: LineIndex::new(Arc::from(text)),
        hir,
        failure,
        suppressions,
        pending,
        for_definitions: matches!(mode, ParseMode::Skeleton),
        root_file,
    }
}

fn check_file(
    file_id: usize,
    file: &SourceFile,
    lowered: &Lowered,
    index: &CrateIndex,
    rules: &[&dyn Rule],
    options: &EngineOptions<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(failure) = &lowered.failure {
        let level = options.levels.level(SYNTAX_ERROR.id);
        if level != Level::Allow
            && !lowered.suppressions.is_suppressed(SYNTAX_ERROR.id, failure.span.start.line)
        {
            let finding = Finding::new(failure.span, failure.message.clone()).primary_label("not analysed");
            out.push(to_diagnostic(SYNTAX_ERROR.id, level, file_id, finding, None));
        }
    }
    // A file parsed for its definitions has no async code (it is not a root): no rule reports
    // there, and most of its bodies were never lowered. A file with a syntax error (found in
    // a body parsed later) gets that one finding, as when it is parsed whole.
    let rules_look_here = !lowered.for_definitions && lowered.failure.is_none();
    let Some(hir) = lowered.hir.as_ref().filter(|_| rules_look_here) else { return out };
    let sem = Semantics::new(options.catalog, index, hir);
    let cx = RuleContext { file, hir, sem: &sem, lines: &lowered.lines, options: &options.rule_options };
    for rule in rules {
        let id = rule.meta().id;
        let mut findings = Vec::new();
        rule.check(&cx, &mut findings);
        remove_repeats(&mut findings);
        let level = options.levels.level(id);
        for finding in findings {
            if lowered.suppressions.is_suppressed(id, finding.span.start.line) {
                continue;
            }
            let enclosing = enclosing_function(hir, finding.span);
            let equivalents = rule.meta().equivalent_lints;
            let allows = |lints: &[String]| equivalents.iter().any(|lint| lints.iter().any(|a| a == lint));
            let in_allowed_statement = hir.allowed_regions.iter().any(|(region, lints)| {
                region.start <= finding.span.start && finding.span.start <= region.end && allows(lints)
            });
            let acknowledged = in_allowed_statement || enclosing.is_some_and(|f| allows(&f.allowed_lints));
            if !acknowledged {
                let path = enclosing.map(|f| f.path.clone());
                let finding = placed_in_expansion(hir, enclosing, finding);
                out.push(to_diagnostic(id, level, file_id, finding, path));
            }
        }
    }
    out
}

/// Keeps one of a rule's findings with the same span and message: a macro argument its
/// expansion uses twice is lowered twice, with its own span both times.
fn remove_repeats(findings: &mut Vec<Finding>) {
    let mut reported: Vec<(crate::source::Span, String)> = Vec::new();
    findings.retain(|f| {
        let key = (f.span, f.message.clone());
        let first = !reported.contains(&key);
        if first {
            reported.push(key);
        }
        first
    });
}

/// A finding inside the expansion of one of the file's macros is reported at the invocation,
/// says so, and carries no fix: the code to change is in the macro's definition.
/// Items an item-level invocation generates are all placed on it.
fn placed_in_expansion(
    hir: &FileHir,
    function: Option<&crate::hir::Function>,
    mut finding: Finding,
) -> Finding {
    let in_body = function
        .and_then(|f| f.body.as_ref())
        // What the definition wrote starts where the invocation does; what the arguments
        // wrote starts inside it.
        .and_then(|body| body.expansions.iter().find(|(span, _)| span.start == finding.span.start));
    let in_items = || hir.item_expansions.iter().find(|(span, _)| span.start == finding.span.start);
    if let Some((_, name)) = in_body.or_else(in_items) {
        finding.notes.push(format!("in this expansion of `{name}!`, a `macro_rules!` macro of this file"));
        finding.fix = None;
    }
    finding
}

/// The innermost function whose item contains `span`.
fn enclosing_function(hir: &FileHir, span: crate::source::Span) -> Option<&crate::hir::Function> {
    hir.functions
        .iter()
        .filter(|f| f.item_span.start <= span.start && span.start <= f.item_span.end)
        .max_by_key(|f| f.item_span.start)
}

fn to_diagnostic(
    rule: &'static str,
    level: Level,
    file: usize,
    finding: Finding,
    enclosing_item: Option<String>,
) -> Diagnostic {
    Diagnostic {
        rule,
        severity: if level == Level::Deny { Severity::Error } else { Severity::Warning },
        message: finding.message,
        file,
        span: finding.span,
        primary_label: finding.primary_label,
        labels: finding.labels,
        notes: finding.notes,
        help: finding.help,
        enclosing_item,
        fix: finding.fix,
    }
}
