//! The corpus benchmark. `cargo run --release -p async-lint-bench` fetches the corpus (the
//! crates in `bench/corpus/Cargo.toml` and everything they depend on) into a local cargo home,
//! then measures, over every `.rs` file of that registry:
//! - a parse-only baseline: read every file and `syn::parse_file` it, in parallel;
//! - async-lint with every rule on (call graph included), on 2 threads and on 1;
//! - async-lint with `--parse-all`, whose findings the default run must match;
//!
//! each phase in its own process, so peak RSS is per phase, three times, keeping the fastest
//! (all times are recorded). The baseline and the two async-lint runs take turns, so that a
//! slow spell of the machine weighs on all three. Prints a table and writes `bench/results/latest.json`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{json, Value};

// Parsing and lowering make millions of small allocations that live until the run ends;
// mimalloc serves them about a quarter faster (wall time) than the system allocator (built
// without transparent huge pages, see the workspace manifest).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--phase") => {
            let phase = args.get(2).expect("phase name").clone();
            let threads: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(2);
            let root = PathBuf::from(args.get(4).expect("corpus root"));
            let result = match phase.as_str() {
                "parse" => parse_only(&root, threads),
                "parse-all" => lint(&root, threads, true),
                _ => lint(&root, threads, false),
            };
            println!("{result}");
        }
        _ => run_benchmark(args.iter().any(|a| a == "--no-fetch")),
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `cargo fetch` the corpus into `bench/corpus/target/cargo-home`; returns its registry sources.
fn fetch_corpus(skip_fetch: bool) -> PathBuf {
    let corpus = repo_root().join("bench/corpus");
    let cargo_home = corpus.join("target/cargo-home");
    if !skip_fetch {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["fetch", "--manifest-path"])
            .arg(corpus.join("Cargo.toml"))
            .env("CARGO_HOME", &cargo_home)
            .status()
            .expect("run cargo fetch");
        assert!(status.success(), "cargo fetch failed");
    }
    let src = cargo_home.join("registry/src");
    std::fs::read_dir(&src)
        .expect("the registry was fetched")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .expect("a registry source directory")
}

fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Peak resident memory of this process, from /proc (Linux), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).stack_size(256 << 20).build().unwrap()
}

fn parse_only(root: &Path, threads: usize) -> Value {
    use rayon::prelude::*;
    let files = rust_files(root);
    let started = Instant::now();
    let (bytes, failed) = pool(threads).install(|| {
        files
            .par_iter()
            .map(|path| {
                let Ok(text) = std::fs::read_to_string(path) else { return (0, 1) };
                let ok = syn::parse_file(&text).is_ok();
                proc_macro2::extra::invalidate_current_thread_spans();
                (text.len(), usize::from(!ok))
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    json!({ "files": files.len(), "bytes": bytes, "seconds": started.elapsed().as_secs_f64(),
            "unparsable": failed, "peak_rss_mib": peak_rss_mib() })
}

fn lint(root: &Path, threads: usize, parse_all: bool) -> Value {
    use async_lint_analyzer::catalog::Catalog;
    use async_lint_analyzer::discovery::{discover, Target};
    use async_lint_analyzer::{analyze, in_workers, EngineOptions, Level, LevelConfig};
    let rules = async_lint_rules::all();
    let mut levels = LevelConfig::new(&rules);
    levels.set_all(Level::Warn);
    let catalog = Catalog::builtin();
    let started = Instant::now();
    let discovered = in_workers(Some(threads), || discover(&Target::Paths(vec![root.to_path_buf()]), root))
        .expect("discover");
    let discovery_seconds = started.elapsed().as_secs_f64();
    let options = EngineOptions {
        rules: &rules,
        levels: &levels,
        catalog: &catalog,
        jobs: Some(threads),
        rule_options: Default::default(),
        include_tests: true,
        parse_all,
    };
    let analysis = analyze(discovered.files, &options);
    let seconds = started.elapsed().as_secs_f64();
    let mut per_rule = serde_json::Map::new();
    for d in &analysis.diagnostics {
        let count = per_rule.entry(d.rule.to_string()).or_insert(json!(0));
        *count = json!(count.as_u64().unwrap_or(0) + 1);
    }
    let phases: serde_json::Map<String, Value> =
        analysis.phases.iter().map(|(name, d)| (name.to_string(), json!(d.as_secs_f64()))).collect();
    // `file:line:rule` of every finding, to compare the selection with a full parse.
    let keys: Vec<String> = analysis
        .diagnostics
        .iter()
        .map(|d| format!("{}:{}:{}", analysis.files[d.file].source.display, d.span.start.line, d.rule))
        .collect();
    json!({ "files": analysis.files.len(), "parsed_files": analysis.parsed_files,
            "discovery_seconds": discovery_seconds, "seconds": seconds, "phases": phases,
            "findings": per_rule, "findings_total": analysis.diagnostics.len(), "finding_keys": keys,
            "peak_rss_mib": peak_rss_mib() })
}

/// Runs each phase `REPEATS` times in fresh processes and keeps each one's fastest run: on a
/// shared machine a slow run measures the neighbours, not the program. The phases take turns
/// (one run of each per round), so a spell of slowness falls on all of them alike and the
/// ratios between them stay fair.
fn interleaved_phases(phases: &[(&str, usize)], root: &Path) -> Vec<Value> {
    let mut runs: Vec<Vec<Value>> = vec![Vec::new(); phases.len()];
    for _ in 0..REPEATS {
        for (runs, (name, threads)) in runs.iter_mut().zip(phases) {
            runs.push(phase_once(name, *threads, root));
        }
    }
    let seconds = |v: &Value| v["seconds"].as_f64().unwrap_or(f64::INFINITY);
    runs.into_iter()
        .map(|runs| {
            let mut best =
                runs.iter().min_by(|a, b| seconds(a).total_cmp(&seconds(b))).cloned().expect("runs");
            best["all_seconds"] = json!(runs.iter().map(seconds).collect::<Vec<_>>());
            best
        })
        .collect()
}

const REPEATS: usize = 3;

fn phase_once(name: &str, threads: usize, root: &Path) -> Value {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--phase", name, &threads.to_string()])
        .arg(root)
        .output()
        .expect("run a benchmark phase");
    assert!(output.status.success(), "phase {name} failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("phase output")
}

/// `file:line:rule` keys one phase found and the other did not.
fn finding_difference(a: &Value, b: &Value) -> Vec<String> {
    let keys = |v: &Value| -> std::collections::BTreeSet<String> {
        v["finding_keys"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str().map(String::from))
            .collect()
    };
    keys(a).difference(&keys(b)).cloned().collect()
}

fn run_benchmark(skip_fetch: bool) {
    let root = fetch_corpus(skip_fetch);
    let crates = std::fs::read_dir(&root).map(|d| d.count()).unwrap_or(0);
    eprintln!("corpus: {} ({crates} crates)", root.display());
    let mut bests = interleaved_phases(&[("parse", 2), ("lint", 2), ("lint", 1)], &root).into_iter();
    let (parse, lint2, lint1) = (bests.next().unwrap(), bests.next().unwrap(), bests.next().unwrap());
    let all = interleaved_phases(&[("parse-all", 2)], &root).remove(0);
    let mb = parse["bytes"].as_f64().unwrap_or(0.0) / 1e6;
    let seconds = |v: &Value| v["seconds"].as_f64().unwrap_or(f64::NAN);
    let (parse_s, lint_s, lint1_s, all_s) =
        (seconds(&parse), seconds(&lint2), seconds(&lint1), seconds(&all));
    // What the selection changes: findings only a full parse has, and the other way round.
    let lost = finding_difference(&all, &lint2);
    let gained = finding_difference(&lint2, &all);
    let results = json!({
        "corpus": { "crates": crates, "files": parse["files"], "megabytes": mb, "unparsable_files": parse["unparsable"] },
        "parse_only": { "seconds": parse_s, "mb_per_second": mb / parse_s, "peak_rss_mib": parse["peak_rss_mib"],
                        "all_runs": parse["all_seconds"] },
        "async_lint": {
            "seconds_2_threads": lint_s, "seconds_1_thread": lint1_s, "mb_per_second": mb / lint_s,
            "all_runs_2_threads": lint2["all_seconds"], "all_runs_1_thread": lint1["all_seconds"],
            "peak_rss_mib": lint2["peak_rss_mib"], "parsed_files": lint2["parsed_files"],
            "phases_2_threads": lint2["phases"], "findings_total": lint2["findings_total"], "findings": lint2["findings"],
        },
        "async_lint_parse_all": {
            "seconds_2_threads": all_s, "peak_rss_mib": all["peak_rss_mib"],
            "findings_total": all["findings_total"], "findings": all["findings"],
            "only_with_parse_all": lost, "only_without": gained,
        },
        "ratio_lint_to_parse": lint_s / parse_s,
        "speedup_2_threads": lint1_s / lint_s,
    });
    let rss = |v: &Value| v["peak_rss_mib"].as_f64().unwrap_or(0.0);
    println!(
        "corpus            {crates} crates, {} files, {mb:.0} MB, {} files syn cannot parse",
        parse["files"], parse["unparsable"]
    );
    println!(
        "parse-only        {parse_s:>7.2} s  {:>6.1} MB/s  peak RSS {:.0} MiB",
        mb / parse_s,
        rss(&parse)
    );
    println!(
        "async-lint (2 th) {lint_s:>7.2} s  {:>6.1} MB/s  peak RSS {:.0} MiB  ({} files parsed)",
        mb / lint_s,
        rss(&lint2),
        lint2["parsed_files"]
    );
    println!("async-lint (1 th) {lint1_s:>7.2} s");
    println!("--parse-all (2 th){all_s:>7.2} s  peak RSS {:.0} MiB", rss(&all));
    println!("lint / parse-only {:>7.3}x   (target <= 0.3x)", lint_s / parse_s);
    println!("peak RSS          {:>7.0} MiB (target < 1024)", rss(&lint2));
    println!("2-thread speedup  {:>7.2}x   (target >= 1.7x)", lint1_s / lint_s);
    println!("findings          {} {}", lint2["findings_total"], lint2["findings"]);
    println!("only with --parse-all: {lost:?}");
    println!("only without:          {gained:?}");
    let out = repo_root().join("bench/results");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("latest.json"), serde_json::to_string_pretty(&results).unwrap() + "\n").unwrap();
    eprintln!("written: {}", out.join("latest.json").display());
}
