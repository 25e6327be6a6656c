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
