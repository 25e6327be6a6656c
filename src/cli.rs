//! Arguments, level flags, output selection and exit codes, in one place.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use async_lint_analyzer::baseline::{self, Baseline};
use async_lint_analyzer::catalog::Catalog;
use async_lint_analyzer::config::{self, Config};
use async_lint_analyzer::discovery::{discover, Target};
use async_lint_analyzer::fix;
use async_lint_analyzer::render::{
    render_cargo_json, render_github, render_human, render_json, render_sarif,
};
use async_lint_analyzer::rule::RuleOptions;
use async_lint_analyzer::source::SourceFile;
use async_lint_analyzer::{analyze, in_workers, Analysis, EngineOptions, Level, LevelConfig, Severity};
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};

/// Nothing at `deny` level was reported.
pub const EXIT_CLEAN: u8 = 0;
/// Something at `deny` level was reported (with `-D warnings`, any warning).
pub const EXIT_FINDINGS: u8 = 1;
/// Usage or internal error.
pub const EXIT_USAGE: u8 = 2;

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  nothing at deny level was reported
  1  something at deny level was reported (with -D warnings, any warning)
  2  usage error, or the workspace could not be read

Suppress a finding with `// async-lint: allow(rule)` at the end of its line or on the line above, or a whole
file with `// async-lint: allow-file(rule)`. `--explain RULE` prints a rule's documentation.";

#[derive(Parser, Debug)]
#[command(
    name = "cargo-async-lint",
    bin_name = "cargo async-lint",
    version,
    about = "Finds blocking calls, nested runtimes and other async hazards in Rust code, from the source alone.",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    /// Files or directories to analyse instead of the cargo package.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Path to the Cargo.toml of the package or workspace to analyse.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,

    /// Analyse every member of the workspace.
    #[arg(long)]
    workspace: bool,

    /// Analyse only this package (repeatable).
    #[arg(short = 'p', long = "package", value_name = "SPEC")]
    packages: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// cargo-compatible output selection: `json` prints cargo's compiler-message stream
    /// (for editors, through rust-analyzer's `check.overrideCommand`).
    #[arg(long, value_enum, value_name = "FMT")]
    message_format: Option<MessageFormat>,

    /// Apply machine-applicable fixes (`std::thread::sleep(d)` -> `tokio::time::sleep(d).await`,
    /// a missing `.await`), then report what remains.
    #[arg(long)]
    fix: bool,

    /// With --fix: print the fixes as a unified diff instead of writing them.
    #[arg(long, requires = "fix")]
    dry_run: bool,

    /// Record the current findings in FILE; nothing is reported, exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

    /// Report only findings that FILE (written by --write-baseline) does not record.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,

    /// When to color human output.
    #[arg(long, value_enum, env = "CARGO_TERM_COLOR", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// Set a rule's level to allow (`all` for every rule).
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    allow: Vec<String>,

    /// Set a rule's level to warn (`all` for every rule).
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    warn: Vec<String>,

    /// Set a rule's level to deny (`all` for every rule, `warnings` to fail on any warning).
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    deny: Vec<String>,

    /// List the rules with their default levels and exit.
    #[arg(long)]
    list_rules: bool,

    /// Print a rule's documentation and exit.
    #[arg(long, value_name = "RULE")]
    explain: Option<String>,

    /// Read the configuration from this file instead of searching for `async-lint.toml`.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,

    /// Parse every file. By default only the files a rule can report on (found by a
    /// byte-level pre-scan) and the files their calls and types lead to are parsed; with this
    /// flag a syntax error is also reported in a file that nothing else depends on.
    #[arg(long)]
    parse_all: bool,

    /// Number of threads (default: every core).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,

    /// Do not print the summary line on stderr.
    #[arg(short = 'q', long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc-style diagnostics.
    Human,
    /// One JSON object per finding, per line.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions annotations (`::warning file=..::message`).
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    /// Same as `--format human`.
    Human,
    /// cargo's `compiler-message` JSON stream, for rust-analyzer's `check.overrideCommand`.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What `main` prints and how it exits.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

impl Outcome {
    fn print(stdout: String) -> Outcome {
        Outcome { stdout, stderr: String::new(), code: EXIT_CLEAN }
    }
}

pub fn run(args: Vec<OsString>) -> Result<Outcome, String> {
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_USAGE } else { EXIT_CLEAN };
            // Styled only for a terminal: piped help and usage errors stay plain text.
            let terminal = if code == EXIT_CLEAN {
                std::io::stdout().is_terminal()
            } else {
                std::io::stderr().is_terminal()
            };
            let text = if terminal { error.render().ansi().to_string() } else { error.render().to_string() };
            return Ok(if code == EXIT_CLEAN {
                Outcome::print(text)
            } else {
                Outcome { stdout: String::new(), stderr: text, code }
            });
        }
    };
    let cli = Cli::from_arg_matches(&matches).map_err(|e| e.to_string())?;
    let rules = async_lint_rules::all();

    if cli.list_rules {
        return Ok(Outcome::print(list_rules()));
    }
    if let Some(id) = &cli.explain {
        let meta = async_lint_rules::meta(id).ok_or_else(|| unknown_rule(id))?;
        return Ok(Outcome::print(meta.render_markdown()));
    }

    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let target = if cli.paths.is_empty() {
        Target::Cargo {
            manifest_path: cli.manifest_path.clone(),
            workspace: cli.workspace,
            packages: cli.packages.clone(),
        }
    } else {
        Target::Paths(cli.paths.clone())
    };
    let discovered = in_workers(cli.jobs, || discover(&target, &cwd)).map_err(|e| e.to_string())?;
    let known_rules: Vec<&str> = async_lint_rules::all_metas().iter().map(|m| m.id).collect();
    let config = match &cli.config {
        Some(path) => config::load_file(path, &known_rules),
        None => config::load(&discovered.root, &known_rules),
    }
    .map_err(|e| e.to_string())?;

    let mut levels = LevelConfig::new(&rules);
    for (rule, level) in &config.rules {
        levels.set(rule, *level);
    }
    apply_level_flags(&matches, &mut levels)?;
    let mut catalog = Catalog::builtin();
    catalog.extend_from(&config);
    let discovered_root = discovered.root.clone();
    let files = select_files(discovered.files, &config);
    let options = EngineOptions {
        rules: &rules,
        levels: &levels,
        catalog: &catalog,
        jobs: cli.jobs,
        rule_options: RuleOptions { select_outside_loops: config.select_outside_loops },
        include_tests: config.tests,
        parse_all: cli.parse_all,
    };
    let mut analysis = analyze(files.clone(), &options);

    if let Some(path) = &cli.write_baseline {
        std::fs::write(path, baseline::to_json(&analysis))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let stderr =
            format!("async-lint: recorded {} findings in {}\n", analysis.diagnostics.len(), path.display());
        return Ok(Outcome { stdout: String::new(), stderr, code: EXIT_CLEAN });
    }
    let mut baselined = 0;
    if let Some(path) = &cli.baseline {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let recorded = Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        baselined = recorded.retain_new(&mut analysis);
    }
    let mut fix_report = String::new();
    if cli.fix {
        let changes = fixed_files(&analysis);
        let fixes: usize = changes.iter().map(|c| c.applied).sum();
        if cli.dry_run {
            let diff: String =
                changes.iter().map(|c| fix::unified_diff(&c.display, &c.old, &c.new)).collect();
            let note = format!("async-lint: {fixes} fixes available in {} files (dry run)\n", changes.len());
            return Ok(Outcome { stdout: diff, stderr: note, code: EXIT_CLEAN });
        }
        for change in &changes {
            std::fs::write(&change.path, &change.new)
                .map_err(|e| format!("cannot write {}: {e}", change.path.display()))?;
        }
        fix_report = format!("async-lint: applied {fixes} fixes in {} files\n", changes.len());
        if !changes.is_empty() {
            analysis = analyze(files, &options);
        }
    }

    let stdout = match (cli.message_format, cli.format) {
        (Some(MessageFormat::Json), _) => render_cargo_json(&analysis, &discovered_root),
        (_, Format::Human) => render_human(&analysis, use_color(cli.color)),
        (_, Format::Json) => render_json(&analysis),
        (_, Format::Sarif) => {
            let metas = async_lint_rules::all_metas();
            render_sarif(&analysis, &metas, env!("CARGO_PKG_VERSION"))
        }
        (_, Format::Github) => render_github(&analysis),
    };
    let mut stderr = if cli.quiet { fix_report } else { fix_report + &summary(&analysis) };
    if baselined > 0 && !cli.quiet {
        stderr.push_str(&format!("async-lint: {baselined} known findings hidden by the baseline\n"));
    }
    let code = if analysis.count(Severity::Error) > 0 { EXIT_FINDINGS } else { EXIT_CLEAN };
    Ok(Outcome { stdout, stderr, code })
}

/// One file's text before and after its fixes.
struct FixedFile {
    path: PathBuf,
    display: String,
    old: String,
    new: String,
    applied: usize,
}

/// The files the reported findings' fixes change.
fn fixed_files(analysis: &Analysis) -> Vec<FixedFile> {
    let mut out = Vec::new();
    for (index, file) in analysis.files.iter().enumerate() {
        let edits: Vec<fix::Edit> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.file == index)
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.iter().cloned())
            .collect();
        if edits.is_empty() {
            continue;
        }
        let (new, applied) = fix::apply_edits(&file.lines, &edits);
        // Two edits make one `sleep` fix; count findings, not edits.
        let findings = analysis.diagnostics.iter().filter(|d| d.file == index && d.fix.is_some()).count();
        out.push(FixedFile {
            path: file.source.path.clone(),
            display: file.source.display.clone(),
            old: file.lines.text().to_string(),
            new,
            applied: findings.min(applied),
        });
    }
    out
}

/// Drops the files the configuration excludes, and test targets when `tests = false`.
fn select_files(files: Vec<SourceFile>, config: &Config) -> Vec<SourceFile> {
    files
        .into_iter()
        .filter(|file| config.tests || !file.is_test_target)
        .filter(|file| {
            let relative = file.path.strip_prefix(&config.root).unwrap_or(&file.path);
            let relative = relative.to_string_lossy().replace('\\', "/");
            !config.exclude.iter().any(|glob| config::glob_matches(glob, &relative))
        })
        .collect()
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal(),
    }
}

fn list_rules() -> String {
    let metas = async_lint_rules::all_metas();
    let width = metas.iter().map(|m| m.id.len()).max().unwrap_or(0);
    metas
        .iter()
        .map(|m| format!("{:width$}  {:5}  {}\n", m.id, m.default_level.as_str(), m.summary))
        .collect()
}

/// Applies `-A`/`-W`/`-D` in the order they were written, as rustc does; `-D warnings`
/// applies last whatever its position.
fn apply_level_flags(matches: &ArgMatches, levels: &mut LevelConfig) -> Result<(), String> {
    let mut flags: Vec<(usize, Level, String)> = Vec::new();
    for (id, level) in [("allow", Level::Allow), ("warn", Level::Warn), ("deny", Level::Deny)] {
        if let (Some(indices), Some(values)) = (matches.indices_of(id), matches.get_many::<String>(id)) {
            flags.extend(indices.zip(values).map(|(i, v)| (i, level, v.clone())));
        }
    }
    flags.sort_by_key(|(index, _, _)| *index);
    for (_, level, name) in flags {
        match name.as_str() {
            "all" => levels.set_all(level),
            "warnings" => match level {
                Level::Deny => levels.deny_warnings = true,
                Level::Allow => {
                    for meta in async_lint_rules::all_metas() {
                        if levels.level(meta.id) == Level::Warn {
                            levels.set(meta.id, Level::Allow);
                        }
                    }
                }
                Level::Warn => {}
            },
            rule if levels.is_known(rule) => levels.set(rule, level),
            rule => return Err(unknown_rule(rule)),
        }
    }
    Ok(())
}

fn unknown_rule(name: &str) -> String {
    let ids: Vec<&str> = async_lint_rules::all_metas().iter().map(|m| m.id).collect();
    format!("unknown rule `{name}`{} (see --list-rules)", config::did_you_mean(name, &ids))
}

fn summary(analysis: &Analysis) -> String {
    let errors = analysis.count(Severity::Error);
    let warnings = analysis.count(Severity::Warning);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let findings = if errors + warnings == 0 {
        "no findings".to_string()
    } else {
        format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
    };
    format!(
        "async-lint: {findings} in {} ({:.2}s)\n",
        plural(analysis.files.len(), "file"),
        analysis.elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_suggests_close_rule_ids() {
        assert!(unknown_rule("blocking_cal").contains("did you mean `blocking_call`?"));
        assert!(!unknown_rule("zzzz").contains("did you mean"));
    }
}
