//! The fixture harness. Every `fixtures/*.rs` file, and every fixture crate (a directory of
//! `fixtures/` with a `Cargo.toml`, except the `demo`), is analysed with all rules. A line
//! that must be reported ends with `//~ rule_a, rule_b`; every other line must stay silent.
//! The test fails on a missing finding and on an unexpected one, and compares the rendered
//! human output with `tests/snapshots/<fixture>.txt`. Each fixture is analysed twice, with the
//! pre-scan's file selection and with `parse_all`, and both must find the same.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use async_lint_analyzer::render::render_human;
use support::*;

/// One fixture: a single file, or a fixture crate.
struct Fixture {
    name: String,
    path: PathBuf,
}

fn fixtures() -> Vec<Fixture> {
    let mut out: Vec<Fixture> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let is_file = p.extension().is_some_and(|e| e == "rs");
            let is_crate = p.join("Cargo.toml").is_file() && !p.ends_with("demo");
            is_file || is_crate
        })
        .map(|path| Fixture { name: path.file_stem().unwrap().to_string_lossy().into_owned(), path })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

type Expectation = (String, u32, String);

/// `(file, line, rule)` for every `//~ rule` marker in the analysed files.
fn expectations(analysis: &async_lint_analyzer::Analysis) -> BTreeSet<Expectation> {
    let mut out = BTreeSet::new();
    for file in &analysis.files {
        for (index, line) in file.lines.text().lines().enumerate() {
            let Some(at) = line.find("//~") else { continue };
            for rule in line[at + 3..].split(',').map(str::trim).filter(|r| !r.is_empty()) {
                out.insert((file.source.display.clone(), index as u32 + 1, rule.to_string()));
            }
        }
    }
    out
}

fn findings(analysis: &async_lint_analyzer::Analysis) -> BTreeSet<Expectation> {
    analysis
        .diagnostics
        .iter()
        .map(|d| (analysis.files[d.file].source.display.clone(), d.span.start.line, d.rule.to_string()))
        .collect()
}

fn describe(analysis: &async_lint_analyzer::Analysis, items: &BTreeSet<Expectation>) -> String {
    items
        .iter()
        .map(|(file, line, rule)| {
            let text = analysis
                .files
                .iter()
                .find(|f| &f.source.display == file)
                .map(|f| f.lines.line_text(*line).trim().to_string())
                .unwrap_or_default();
            format!("  {file}:{line} [{rule}]  {text}\n")
        })
        .collect()
}

#[test]
fn fixtures_report_exactly_the_marked_lines() {
    let mut failures = String::new();
    let fixtures = fixtures();
    assert!(fixtures.len() >= 3, "fixtures not found");
    for fixture in &fixtures {
        let analysis = analyze_paths(std::slice::from_ref(&fixture.path), &fixtures_dir());
        assert!(!analysis.files.is_empty(), "{}: no files analysed", fixture.name);
        // Markers are read from every file's text: a file the selection skipped keeps none.
        let everything = analyze_paths_with(std::slice::from_ref(&fixture.path), &fixtures_dir(), true);
        let expected = expectations(&everything);
        let actual = findings(&analysis);
        let missing: BTreeSet<_> = expected.difference(&actual).cloned().collect();
        let unexpected: BTreeSet<_> = actual.difference(&expected).cloned().collect();
        if !missing.is_empty() {
            failures += &format!("{}: missing findings:\n{}", fixture.name, describe(&analysis, &missing));
        }
        if !unexpected.is_empty() {
            failures +=
                &format!("{}: unexpected findings:\n{}", fixture.name, describe(&analysis, &unexpected));
        }
        // The pre-scan's selection must not change what is found.
        let without_selection = findings(&everything);
        if without_selection != actual {
            let lost: BTreeSet<_> = without_selection.difference(&actual).cloned().collect();
            let gained: BTreeSet<_> = actual.difference(&without_selection).cloned().collect();
            failures += &format!(
                "{}: selection changed findings; lost:\n{}gained:\n{}",
                fixture.name,
                describe(&everything, &lost),
                describe(&analysis, &gained)
            );
        }
        let snapshot =
            fixtures_dir().parent().unwrap().join("tests/snapshots").join(format!("{}.txt", fixture.name));
        if let Err(diff) = check_or_bless(&snapshot, &render_human(&analysis, false)) {
            failures += &diff;
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}

/// Each rule's own fixture must exercise it: at least 25 must-report lines.
#[test]
fn every_rule_has_a_substantial_fixture() {
    for rule in async_lint_rules::all() {
        let id = rule.meta().id;
        let path = fixtures_dir().join(format!("{id}.rs"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
        let marked = text.lines().filter(|l| l.split("//~").nth(1).is_some_and(|m| m.contains(id))).count();
        assert!(marked >= 25, "{id}: only {marked} must-report lines in {}", path.display());
    }
}

/// The selection crate's `legacy.rs` blocks, but nothing async reaches it: it is not parsed,
/// while every file a finding depends on is.
#[test]
fn selection_skips_only_files_nothing_depends_on() {
    let analysis = analyze_paths(&[fixtures_dir().join("selection_crate")], &fixtures_dir());
    let skipped: Vec<&str> = analysis
        .files
        .iter()
        .filter(|f| f.lines.text().is_empty())
        .map(|f| f.source.display.as_str())
        .collect();
    assert_eq!(skipped, ["selection_crate/src/legacy.rs"]);
    assert_eq!(analysis.parsed_files, analysis.files.len() - 1);
}
