//! `--fix`: fixes only what is certain, never adds a finding, and the fixed crate builds.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use support::*;

fn copy_fixture(name: &str) -> std::path::PathBuf {
    let dir = scratch_dir(name);
    let source = fixtures_dir().join("fix_crate");
    for file in ["Cargo.toml", "src/lib.rs"] {
        std::fs::create_dir_all(dir.join(file).parent().unwrap()).unwrap();
        std::fs::copy(source.join(file), dir.join(file)).unwrap();
    }
    dir
}

fn findings(dir: &Path) -> BTreeSet<(String, u64)> {
    let run = run_tool(dir, &["--format", "json", "-q"]);
    json_lines(&run.stdout)
        .iter()
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap()))
        .collect()
}

#[test]
fn dry_run_shows_a_diff_and_writes_nothing() {
    let dir = copy_fixture("fix-dry-run");
    let before = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    let run = run_tool(&dir, &["--fix", "--dry-run"]);
    assert_eq!(run.code, 0);
    assert_eq!(std::fs::read_to_string(dir.join("src/lib.rs")).unwrap(), before);
    assert!(run.stdout.starts_with("--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ "), "{}", run.stdout);
    for line in [
        "-    std::thread::sleep(Duration::from_millis(10)); //~ blocking_call",
        "+    tokio::time::sleep(Duration::from_millis(10)).await; //~ blocking_call",
        "+    notify(\"ops\").await; //~ unawaited_future",
        "+    let _ = flush().await; //~ unawaited_future",
        "+    tokio::time::sleep(pause).await; //~ blocking_call",
        "+        tokio::time::sleep(Duration::from_millis(1)).await; //~ blocking_call",
    ] {
        assert!(run.stdout.lines().any(|l| l == line), "missing {line:?} in\n{}", run.stdout);
    }
    assert!(run.stderr.contains("5 fixes available in 1 files"), "{}", run.stderr);
}

#[test]
fn fixes_apply_add_no_finding_and_build() {
    let dir = copy_fixture("fix-apply");
    let before = findings(&dir);
    let run = run_tool(&dir, &["--fix", "--format", "json"]);
    assert!(run.stderr.contains("applied 5 fixes in 1 files"), "{}", run.stderr);
    let after = findings(&dir);
    assert!(after.is_subset(&before), "a fix introduced a finding: {:?}", after.difference(&before));
    let remaining: Vec<(String, u64)> = after.into_iter().collect();
    assert_eq!(
        remaining,
        [
            ("blocking_call".to_string(), 20),
            ("blocking_call".to_string(), 42),
            ("unawaited_future".to_string(), 25)
        ],
        "only the unfixable findings remain"
    );
    let build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", repo_root().join("target/fix-check"))
        .output()
        .expect("run cargo check");
    assert!(
        build.status.success(),
        "the fixed crate does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

#[test]
fn no_fix_without_tokio_time() {
    let dir = copy_fixture("fix-no-tokio-time");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap().replace("\"time\", ", "");
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let run = run_tool(&dir, &["--fix", "--dry-run"]);
    assert!(!run.stdout.contains("tokio::time::sleep"), "{}", run.stdout);
    assert!(
        run.stdout.contains("notify(\"ops\").await"),
        "the .await fixes do not need tokio: {}",
        run.stdout
    );
}
