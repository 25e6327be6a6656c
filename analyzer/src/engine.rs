//! The analysis pipeline:
//! 1. read, parse and lower every file, in parallel (a failure becomes `syntax_error`);
//! 2. build the workspace index from all lowered files;
//! 3. run the enabled rules on every file, in parallel;
//! 4. drop suppressed findings, assign severities, sort.
//!
//! **Architecture invariant:** the engine never prints or exits; output order depends only
//! on the input (file, line, column, rule), never on thread scheduling.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::callgraph::BlockingSummary;
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Finding, Level, Severity};
use crate::hir::FileHir;
use crate::index::CrateIndex;
use crate::lower::lower_file;
use crate::parse::{parse_source, read_source, ParseFailure};
use crate::prescan::{self, Scan};
use crate::rule::{Rule, RuleContext, RuleOptions, SYNTAX_ERROR};
use crate::semantics::Semantics;
use crate::source::{LineIndex, SourceFile};
use crate::suppress::Suppressions;

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
    /// Parse only the files a rule could report on (see [`crate::prescan`]).
    pub prescan: bool,
}

struct Lowered {
    lines: LineIndex,
    hir: Option<FileHir>,
    failure: Option<ParseFailure>,
    suppressions: Suppressions,
}

/// Analyses `files` (which should be sorted by path for stable output).
pub fn analyze(files: Vec<SourceFile>, options: &EngineOptions<'_>) -> Analysis {
    let started = Instant::now();
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_BYTES);
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    let run = || run_pipeline(files, options);
    let (files, diagnostics) = match builder.build() {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    };
    Analysis { files, diagnostics, elapsed: started.elapsed() }
}

fn run_pipeline(files: Vec<SourceFile>, options: &EngineOptions<'_>) -> (Vec<LoadedFile>, Vec<Diagnostic>) {
    let lowered = load_files(&files, options);
    let hirs: Vec<(usize, &FileHir, &str)> = lowered
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.hir.as_ref().map(|h| (i, h, files[i].display.as_str())))
        .collect();
    let mut index = CrateIndex::build(hirs.iter().copied());
    crate::offload::find_offload_wrappers(&hirs, &mut index, options.catalog);
    let blocking = BlockingSummary::compute(&hirs, &index, options.catalog);
    index.set_blocking(blocking);
    let endless = crate::tasks::endless_async_fns(&hirs, &index, options.catalog);
    index.set_endless_loops(endless);
    let enabled: Vec<&dyn Rule> =
        options.rules.iter().copied().filter(|r| options.levels.level(r.meta().id) != Level::Allow).collect();
    let mut diagnostics: Vec<Diagnostic> = files
        .par_iter()
        .zip(lowered.par_iter())
        .enumerate()
        .flat_map_iter(|(file_id, (file, lowered))| {
            check_file(file_id, file, lowered, &index, &enabled, options)
        })
        .collect();
    diagnostics.sort_by(|a, b| (a.file, a.span.start, a.rule).cmp(&(b.file, b.span.start, b.rule)));
    let loaded =
        files.into_iter().zip(lowered).map(|(source, l)| LoadedFile { source, lines: l.lines }).collect();
    (loaded, diagnostics)
}

/// A file's text, or why it could not be read.
type ReadResult = Result<String, ParseFailure>;

/// Reads every file; with the pre-scan on, parses and lowers only the files that matter (see
/// [`crate::prescan`]), keeping neither text nor tree of the others.
fn load_files(files: &[SourceFile], options: &EngineOptions<'_>) -> Vec<Lowered> {
    if !options.prescan {
        return files.par_iter().map(|file| load(file, read_source(&file.path), options)).collect();
    }
    let names = options.catalog.prescan_names();
    let first_pass: Vec<(Option<Scan>, Option<ReadResult>)> = files
        .par_iter()
        .map(|file| match read_source(&file.path) {
            Ok(text) => {
                let scan = prescan::scan(&text, &names);
                let keep = scan.triggered.then_some(Ok(text));
                (Some(scan), keep)
            }
            Err(failure) => (None, Some(Err(failure))),
        })
        .collect();
    let scans: Vec<Option<Scan>> = first_pass.iter().map(|(scan, _)| scan.clone()).collect();
    let parse = prescan::files_to_parse(&scans);
    files
        .par_iter()
        .zip(first_pass.into_par_iter())
        .zip(parse.into_par_iter())
        .map(|((file, (_, kept)), wanted)| match (kept, wanted) {
            (Some(read), _) => load(file, read, options),
            (None, true) => load(file, read_source(&file.path), options),
            (None, false) => Lowered {
                lines: LineIndex::new(Arc::from("")),
                hir: None,
                failure: None,
                suppressions: Suppressions::default(),
            },
        })
        .collect()
}

fn load(file: &SourceFile, read: Result<String, ParseFailure>, options: &EngineOptions<'_>) -> Lowered {
    let text = match read {
        Ok(text) => text,
        Err(failure) => {
            return Lowered {
                lines: LineIndex::new(Arc::from("")),
                hir: None,
                failure: Some(failure),
                suppressions: Suppressions::default(),
            }
        }
    };
    let (catalog, include_tests) = (options.catalog, options.include_tests);
    let suppressions = Suppressions::parse(&text);
    let (hir, failure) = match parse_source(&text) {
        Ok(syntax) => {
            let hir = lower_file(&syntax, file, catalog, include_tests);
            drop(syntax);
            (Some(hir), None)
        }
        Err(failure) => (None, Some(failure)),
    };
    // Spans were turned into positions during lowering; free proc-macro2's per-thread
    // source map so memory stays flat over thousands of files.
    proc_macro2::extra::invalidate_current_thread_spans();
    Lowered { lines: LineIndex::new(Arc::from(text)), hir, failure, suppressions }
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
    let Some(hir) = &lowered.hir else { return out };
    let sem = Semantics::new(options.catalog, index, hir);
    let cx = RuleContext { file, hir, sem: &sem, lines: &lowered.lines, options: &options.rule_options };
    for rule in rules {
        let id = rule.meta().id;
        let mut findings = Vec::new();
        rule.check(&cx, &mut findings);
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
                out.push(to_diagnostic(id, level, file_id, finding, path));
            }
        }
    }
    out
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
