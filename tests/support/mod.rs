//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use async_lint_analyzer::catalog::Catalog;
use async_lint_analyzer::discovery::{discover, Target};
use async_lint_analyzer::{analyze, Analysis, EngineOptions, Level, LevelConfig};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures_dir() -> PathBuf {
    repo_root().join("fixtures")
}

/// Whether expected files should be rewritten (`BLESS=1 cargo test`).
pub fn blessing() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| v != "0")
}

/// Analyses `paths` with every rule enabled (allow-by-default rules too), as seen from `cwd`.
pub fn analyze_paths(paths: &[PathBuf], cwd: &Path) -> Analysis {
    analyze_paths_with(paths, cwd, false)
}

/// As [`analyze_paths`]; `parse_all` turns the pre-scan's file selection off.
pub fn analyze_paths_with(paths: &[PathBuf], cwd: &Path, parse_all: bool) -> Analysis {
    let rules = async_lint_rules::all();
    let mut levels = LevelConfig::new(&rules);
    for rule in &rules {
        if rule.meta().default_level == Level::Allow {
            levels.set(rule.meta().id, Level::Warn);
        }
    }
    let catalog = Catalog::builtin();
    let discovered = discover(&Target::Paths(paths.to_vec()), cwd).expect("discovery");
    let options = EngineOptions {
        rules: &rules,
        levels: &levels,
        catalog: &catalog,
        jobs: Some(2),
        rule_options: Default::default(),
        include_tests: true,
        parse_all,
    };
    analyze(discovered.files, &options)
}

/// Compares `actual` with the file at `path`, or rewrites it when blessing.
pub fn check_or_bless(path: &Path, actual: &str) -> Result<(), String> {
    if blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "{} is out of date (run `BLESS=1 cargo test` to update it)\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        ))
    }
}

/// A scratch directory under the target dir, emptied on creation.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = repo_root().join("target/test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `files` (relative path, contents) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

/// The result of running the built binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cargo-async-lint` with `args` in `cwd`.
pub fn run_tool(cwd: &Path, args: &[&str]) -> Run {
    run_tool_with_env(cwd, args, &[])
}

pub fn run_tool_with_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-async-lint"));
    command.args(args).current_dir(cwd).env_remove("CARGO_TERM_COLOR");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run cargo-async-lint");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Parses `--format json` output into one value per line.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}
