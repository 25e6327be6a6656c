//! Integrations with their real counterparts: the pre-commit hook through `pre-commit
//! try-repo` (pre-commit installed from PyPI), and the GitHub Action's run script.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

use support::*;

/// A virtualenv under `target/tools` with pre-commit from PyPI (created once).
fn pre_commit() -> PathBuf {
    // Tests run in parallel: two creating the same virtualenv at once break each other's pip.
    static CREATING: Mutex<()> = Mutex::new(());
    let _creating = CREATING.lock().unwrap_or_else(PoisonError::into_inner);
    let venv = repo_root().join("target/tools/pre-commit-venv");
    let binary = venv.join("bin/pre-commit");
    if !binary.is_file() {
        let made =
            Command::new("python3").arg("-m").arg("venv").arg(&venv).status().expect("python3 -m venv");
        assert!(made.success(), "could not create a virtualenv for pre-commit");
        let pip = venv.join("bin/pip");
        let installed =
            Command::new(pip).args(["install", "--quiet", "pre-commit==4.7.0"]).status().expect("pip");
        assert!(installed.success(), "pip could not install pre-commit from PyPI");
    }
    binary
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git").args(args).current_dir(dir).status().expect("git");
    assert!(status.success(), "git {args:?} failed");
}

fn try_repo(repo: &Path) -> (i32, String) {
    let tools = repo_root().join("target/tools");
    let output = Command::new(pre_commit())
        .args(["try-repo"])
        .arg(repo_root())
        .args(["async-lint", "--files", "src/lib.rs"])
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", tools.join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", tools.join("pre-commit-build"))
        .output()
        .expect("run pre-commit");
    let text =
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn pre_commit_hook_fails_on_a_finding_and_passes_once_fixed() {
    let repo = scratch_dir("pre-commit-repo");
    git(&repo, &["init", "--quiet"]);
    let blocking =
        "pub async fn handler() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n";
    write_files(&repo, &[("src/lib.rs", blocking)]);
    git(&repo, &["add", "src/lib.rs"]);
    let (code, output) = try_repo(&repo);
    assert_ne!(code, 0, "the hook must fail:\n{output}");
    assert!(output.contains("async-lint....") && output.contains("Failed"), "{output}");
    assert!(output.contains("error[blocking_call]"), "{output}");

    let fixed =
        "pub async fn handler() {\n    tokio::time::sleep(std::time::Duration::from_secs(1)).await;\n}\n";
    write_files(&repo, &[("src/lib.rs", fixed)]);
    git(&repo, &["add", "src/lib.rs"]);
    let (code, output) = try_repo(&repo);
    assert_eq!(code, 0, "the hook must pass:\n{output}");
    assert!(output.contains("Passed"), "{output}");
}

fn action(args: &str, fail_on: &str, output_file: &Path) -> (i32, String) {
    let out = Command::new(repo_root().join("ci/action.sh"))
        .current_dir(repo_root())
        .env("ASYNC_LINT", env!("CARGO_BIN_EXE_cargo-async-lint"))
        .env("INPUT_ARGS", args)
        .env("INPUT_SARIF_FILE", output_file.with_extension("sarif"))
        .env("INPUT_FAIL_ON", fail_on)
        .env("GITHUB_OUTPUT", output_file)
        .output()
        .expect("run ci/action.sh");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn github_action_script_writes_sarif_annotations_and_outputs() {
    let dir = scratch_dir("action");
    let outputs = dir.join("github-output");
    let (code, stdout) = action("--manifest-path fixtures/demo/Cargo.toml", "error", &outputs);
    assert_eq!(code, 1, "the demo has a deny-level finding:\n{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::warning ") || l.starts_with("::error ")).count(),
        7
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(outputs.with_extension("sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let recorded = std::fs::read_to_string(&outputs).unwrap();
    assert!(recorded.contains("findings=7"), "{recorded}");
    assert!(recorded.contains("sarif-file="), "{recorded}");

    std::fs::remove_file(&outputs).unwrap();
    assert_eq!(action("--manifest-path fixtures/demo/Cargo.toml", "never", &outputs).0, 0);
    let clean = "--manifest-path fixtures/demo/Cargo.toml -A all";
    assert_eq!(action(clean, "warning", &outputs).0, 0);
    assert_eq!(
        action("--manifest-path fixtures/demo/Cargo.toml -A nested_runtime", "warning", &outputs).0,
        1
    );
    assert_eq!(action("--manifest-path fixtures/demo/Cargo.toml", "sometimes", &outputs).0, 2);
    assert_eq!(action("--manifest-path nowhere/Cargo.toml", "never", &outputs).0, 2);
}

#[test]
fn action_definition_runs_the_script_with_every_input() {
    let action: serde_json::Value = yaml_as_json(&repo_root().join("action.yml"));
    let inputs = action["inputs"].as_object().unwrap();
    for input in ["args", "working-directory", "sarif-file", "upload-sarif", "fail-on"] {
        assert!(inputs.contains_key(input), "input {input} missing");
    }
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["run"].as_str().is_some_and(|r| r.contains("ci/action.sh"))));
    assert!(steps
        .iter()
        .any(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))));
    let hooks = yaml_as_json(&repo_root().join(".pre-commit-hooks.yaml"));
    assert_eq!(hooks[0]["id"], "async-lint");
    assert_eq!(hooks[0]["entry"], "cargo-async-lint");
}

/// Parses YAML with PyYAML from the pre-commit virtualenv (pre-commit depends on it).
fn yaml_as_json(path: &Path) -> serde_json::Value {
    let python = pre_commit().parent().unwrap().join("python");
    let script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
    let out = Command::new(python).args(["-c", script]).arg(path).output().expect("python");
    assert!(
        out.status.success(),
        "{} is not valid YAML: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
