//! Output formats checked against their real consumers: SARIF against Microsoft's SARIF
//! validator (with its GitHub code scanning rules), cargo's JSON stream against what cargo
//! itself emits, GitHub annotations against the workflow-command syntax; and baselines.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::*;

/// Installs `@microsoft/sarif-multitool` from npm under `target/tools` (once) and returns the
/// validator binary.
fn sarif_validator() -> PathBuf {
    let prefix = repo_root().join("target/tools/sarif-multitool");
    let binary = prefix.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if !binary.is_file() {
        std::fs::create_dir_all(&prefix).unwrap();
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg("@microsoft/sarif-multitool@5.7.0")
            .status()
            .expect("npm is needed to install the SARIF validator");
        assert!(status.success(), "npm could not install @microsoft/sarif-multitool");
    }
    binary
}

#[test]
fn sarif_passes_the_sarif_and_github_validation_rules() {
    let out_dir = scratch_dir("sarif");
    let run =
        run_tool(&repo_root(), &["--manifest-path", "fixtures/demo/Cargo.toml", "--format", "sarif", "-q"]);
    let log: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let sarif = out_dir.join("demo.sarif");
    std::fs::write(&sarif, &run.stdout).unwrap();

    let report = out_dir.join("validation.sarif");
    let status = Command::new(sarif_validator())
        .args(["validate", "--rule-kind", "Sarif;Gh", "--output"])
        .arg(&report)
        .arg(&sarif)
        .status()
        .expect("run the SARIF validator");
    assert!(status.success());
    let validation: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let problems = &validation["runs"][0]["results"];
    assert_eq!(problems.as_array().map(Vec::len), Some(0), "validator findings: {problems:#}");

    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), async_lint_rules::all_metas().len());
    assert!(rules
        .iter()
        .all(|r| r["helpUri"].as_str().unwrap().ends_with(&format!("{}.md", r["id"].as_str().unwrap()))));
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(result["partialFingerprints"]["asyncLintFingerprint/v1"].as_str().unwrap().len(), 16);
        assert!(!result["relatedLocations"].as_array().unwrap().is_empty());
    }
}

#[test]
fn github_annotations() {
    let run =
        run_tool(&repo_root(), &["--manifest-path", "fixtures/demo/Cargo.toml", "--format", "github", "-q"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 7);
    let error = lines.iter().find(|l| l.starts_with("::error ")).expect("the nested_runtime finding");
    assert!(error.starts_with("::error file=fixtures/demo/src/handlers.rs,line="), "{error}");
    assert!(error.contains(",title=nested_runtime::"), "{error}");
    assert!(error.contains("%0Ahelp: "), "multi-line messages are escaped: {error}");
    for line in &lines {
        let (properties, message) = line.split_once("::").unwrap().1.split_once("::").unwrap();
        assert!(!message.contains('\n'));
        for key in ["file=", "line=", "col=", "endLine=", "endColumn=", "title="] {
            assert!(properties.contains(key), "{line}");
        }
    }
}

/// The keys of every object in a JSON value, with their paths (`message.spans[].text[].text`).
fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = format!("{prefix}.{key}");
                out.insert(path.clone());
                key_paths(child, &path, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| key_paths(item, &format!("{prefix}[]"), out)),
        _ => {}
    }
}

fn scratch_crate(name: &str, lib: &str) -> PathBuf {
    let dir = scratch_dir(name);
    write_files(
        &dir,
        &[
            (
                "Cargo.toml",
                "[workspace]\n\n[package]\nname = \"shape\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", lib),
        ],
    );
    dir
}

fn compiler_messages(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-message")
        .collect()
}

#[test]
fn message_format_json_has_the_shape_cargo_emits() {
    let source = "pub async fn handler() {\n    let unused = 1;\n    std::thread::sleep(std::time::Duration::ZERO);\n}\n";
    let dir = scratch_crate("cargo-shape", source);
    let cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--message-format", "json", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("run cargo check");
    let cargo_messages = compiler_messages(&String::from_utf8_lossy(&cargo.stdout));
    let from_cargo = cargo_messages
        .iter()
        .find(|m| m["message"]["code"]["code"] == "unused_variables")
        .expect("rustc warns");

    let ours = run_tool(&dir, &["--message-format", "json", "-q"]);
    let stream: Vec<Value> = ours.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(stream.last().unwrap()["reason"], "build-finished");
    let messages = compiler_messages(&ours.stdout);
    assert_eq!(messages.len(), 1);
    let finding = &messages[0];

    let mut expected = BTreeSet::new();
    key_paths(from_cargo, "", &mut expected);
    let mut actual = BTreeSet::new();
    key_paths(finding, "", &mut actual);
    let missing: Vec<_> = expected.difference(&actual).collect();
    assert!(missing.is_empty(), "keys cargo emits that we do not: {missing:?}");

    let message = &finding["message"];
    assert_eq!(message["code"]["code"], "async_lint::blocking_call");
    assert_eq!(message["level"], "warning");
    let primary = &message["spans"][0];
    assert_eq!(primary["file_name"], "src/lib.rs", "relative to the workspace root, like cargo");
    assert_eq!((primary["line_start"].as_u64(), primary["column_start"].as_u64()), (Some(3), Some(5)));
    assert_eq!(primary["is_primary"], true);
    let text = &primary["text"][0];
    assert_eq!(text["text"], "    std::thread::sleep(std::time::Duration::ZERO);");
    assert_eq!(text["highlight_start"], 5);
    let byte_start = primary["byte_start"].as_u64().unwrap() as usize;
    assert_eq!(&source[byte_start..byte_start + 18], "std::thread::sleep");
    assert!(message["children"].as_array().unwrap().iter().any(|c| c["level"] == "help"));
    assert!(message["rendered"].as_str().unwrap().starts_with("warning[blocking_call]"));
}

fn baseline_project(dir: &Path, extra_lines: &str, extra_finding: bool) {
    let mut lib = String::from(extra_lines);
    lib.push_str("pub async fn old() {\n    std::thread::sleep(std::time::Duration::ZERO);\n}\n");
    if extra_finding {
        lib.push_str("pub async fn new() {\n    let _ = std::fs::read(\"x\");\n}\n");
    }
    write_files(dir, &[("src/lib.rs", &lib)]);
}

#[test]
fn baseline_hides_known_findings_even_when_lines_move() {
    let dir = scratch_crate("baseline", "");
    baseline_project(&dir, "", false);
    let write = run_tool(&dir, &["--write-baseline", "baseline.json"]);
    assert_eq!(write.code, 0);
    assert!(write.stdout.is_empty());
    assert!(write.stderr.contains("recorded 1 findings"), "{}", write.stderr);

    baseline_project(&dir, "// a new header\n// that moves every line\n\n", true);
    let run = run_tool(&dir, &["--baseline", "baseline.json", "--format", "json"]);
    let found = json_lines(&run.stdout);
    assert_eq!(found.len(), 1, "{}", run.stdout);
    assert!(found[0]["message"].as_str().unwrap().contains("std::fs::read"));
    assert!(run.stderr.contains("1 known findings hidden by the baseline"), "{}", run.stderr);

    std::fs::write(dir.join("bad.json"), "{}").unwrap();
    let bad = run_tool(&dir, &["--baseline", "bad.json"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a baseline file"), "{}", bad.stderr);
}
