//! Arbitrary bytes as a Rust file, through the whole engine: reading, the nesting check,
//! parsing, lowering, the index and call graph, every rule. Nothing may panic.
#![no_main]

use async_lint_analyzer::catalog::Catalog;
use async_lint_analyzer::source::{CrateId, Edition, SourceFile};
use async_lint_analyzer::{analyze, EngineOptions, Level, LevelConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("async-lint-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("input.rs");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let rules = async_lint_rules::all();
    let mut levels = LevelConfig::new(&rules);
    levels.set_all(Level::Warn);
    let catalog = Catalog::builtin();
    let file = SourceFile {
        path: path.clone(),
        display: "input.rs".into(),
        edition: if data.first().is_some_and(|b| b % 2 == 0) { Edition::E2024 } else { Edition::E2021 },
        krate: CrateId { name: "fuzzed".into(), root: dir.clone() },
        module: Vec::new(),
        is_test_target: false,
        tokio_time: true,
    };
    let options = EngineOptions {
        rules: &rules,
        levels: &levels,
        catalog: &catalog,
        jobs: Some(1),
        rule_options: Default::default(),
        include_tests: true,
        parse_all: data.len() % 3 == 0,
    };
    let analysis = analyze(vec![file], &options);
    let _ = async_lint_analyzer::render::render_human(&analysis, false);
    let _ = async_lint_analyzer::render::render_sarif(&analysis, &async_lint_rules::all_metas(), "fuzz");
});
