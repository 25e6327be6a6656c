//! Arbitrary bytes as a Rust file, through the whole engine: reading, the nesting check,
//! parsing, lowering, the index and call graph, every rule. Then as a file parsed for its
//! definitions (a skeleton), with every deferred body parsed and lowered. Nothing may panic.
#![no_main]

use async_lint_analyzer::catalog::Catalog;
use async_lint_analyzer::source::{CrateId, Edition, LineIndex, SourceFile};
use async_lint_analyzer::{analyze, EngineOptions, Level, LevelConfig};
use async_lint_analyzer::{lower, parse};
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
        runtime: async_lint_analyzer::source::Runtime::Tokio,
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
    if let Ok(text) = std::str::from_utf8(data) {
        lower_every_deferred_body(text, &file_for_skeleton(&dir), &catalog);
    }
});

fn file_for_skeleton(dir: &std::path::Path) -> SourceFile {
    SourceFile {
        path: dir.join("input.rs"),
        display: "input.rs".into(),
        edition: Edition::E2021,
        krate: CrateId { name: "fuzzed".into(), root: dir.to_path_buf() },
        module: Vec::new(),
        is_test_target: false,
        tokio_time: true,
        runtime: async_lint_analyzer::source::Runtime::Tokio,
    }
}

fn lower_every_deferred_body(text: &str, file: &SourceFile, catalog: &Catalog) {
    if text.len() > parse::MAX_FILE_BYTES as usize {
        return;
    }
    let Ok((syntax, blanked)) = parse::parse_skeleton(text) else { return };
    let (hir, pending) = lower::lower_skeleton(&syntax, text, file, catalog, true, &blanked);
    let lines = LineIndex::new(std::sync::Arc::from(text));
    for deferred in &pending.bodies {
        let _ = pending.parse_and_lower(deferred, &lines, &hir.functions[deferred.function].path, catalog);
    }
}
