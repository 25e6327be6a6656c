//! End-to-end tests of the configuration file and its precedence.

mod support;

use support::*;

const PACKAGE: &str = "[workspace]\n\n[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

const LIB: &str = r#"
pub mod db {
    pub fn query_sync() -> u32 { 0 }
}
pub mod my_rt {
    pub fn run_blocking<F: FnOnce()>(f: F) { f() }
}

pub async fn handler() {
    let _ = db::query_sync();
    my_rt::run_blocking(|| std::thread::sleep(std::time::Duration::ZERO));
}

pub async fn traced(span: tracing::Span) {
    let _entered: tracing::span::Entered<'_> = span.enter();
    io().await;
}

async fn io() {}

pub async fn race(mut rx: tokio::sync::mpsc::Receiver<u8>, tx: tokio::sync::mpsc::Sender<u8>) {
    tokio::select! {
        _ = tx.send(1) => {}
        _ = rx.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn slow() {
        std::thread::sleep(std::time::Duration::ZERO);
    }
}
"#;

fn project(name: &str, config: Option<&str>) -> std::path::PathBuf {
    let dir = scratch_dir(name);
    write_files(
        &dir,
        &[
            ("Cargo.toml", PACKAGE),
            ("src/lib.rs", LIB),
            ("src/generated/big.rs", "async fn g() { std::thread::sleep(std::time::Duration::ZERO); }\n"),
            ("tests/it.rs", "async fn t() { std::thread::sleep(std::time::Duration::ZERO); }\n"),
        ],
    );
    if let Some(config) = config {
        std::fs::write(dir.join("async-lint.toml"), config).unwrap();
    }
    dir
}

fn found(run: &Run) -> Vec<(String, String, u64)> {
    json_lines(&run.stdout)
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap().to_string();
            (file, d["rule"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn without_configuration() {
    let dir = project("config-none", None);
    let run = run_tool(&dir, &["--format", "json"]);
    let rules: Vec<String> = found(&run).into_iter().map(|(_, rule, _)| rule).collect();
    // The generated file, the closure handed to an unconfigured wrapper, the test module, tests/.
    assert_eq!(rules, ["blocking_call", "blocking_call", "blocking_call", "blocking_call"], "{}", run.stdout);
}

#[test]
fn every_key_takes_effect() {
    let config = r#"
tests = false
exclude = ["src/generated/**"]
select-outside-loops = true
offload-functions = ["app::my_rt::run_blocking"]
guard-types = ["tracing::span::Entered"]
blocking-functions = [{ path = "app::db::query_sync", reason = "sync driver", replacement = "app::db::query" }]

[rules]
blocking_call = "deny"
"#;
    let dir = project("config-all", Some(config));
    let run = run_tool(&dir, &["--format", "json"]);
    let found = found(&run);
    assert_eq!(
        found,
        [
            ("src/lib.rs".to_string(), "blocking_call".to_string(), 10),
            ("src/lib.rs".to_string(), "lock_across_await".to_string(), 15),
            ("src/lib.rs".to_string(), "cancel_unsafe_select".to_string(), 23),
        ],
        "{}",
        run.stdout
    );
    let blocking = &json_lines(&run.stdout)[0];
    assert_eq!(blocking["level"], "error");
    assert_eq!(blocking["help"], "use `app::db::query` instead");
    assert_eq!(run.code, 1);
}

#[test]
fn command_line_overrides_the_file() {
    let dir = project("config-override", Some("[rules]\nblocking_call = \"deny\"\n"));
    let run = run_tool(&dir, &["--format", "json", "-W", "blocking_call"]);
    assert_eq!(run.code, 0);
    assert!(json_lines(&run.stdout).iter().all(|d| d["level"] == "warning"));
}

#[test]
fn found_by_walking_up_and_hidden_name() {
    let dir = project("config-walk", None);
    let parent = dir.parent().unwrap().join("config-walk-parent");
    let _ = std::fs::remove_dir_all(&parent);
    std::fs::create_dir_all(&parent).unwrap();
    let nested = parent.join("crate");
    std::fs::rename(&dir, &nested).unwrap();
    std::fs::write(parent.join(".async-lint.toml"), "[rules]\nblocking_call = \"allow\"\n").unwrap();
    let run = run_tool(&nested, &["--format", "json"]);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn cargo_metadata_table() {
    let dir = project("config-metadata", None);
    let manifest = format!(
        "{PACKAGE}\n[package.metadata.async-lint]\ntests = false\nexclude = [\"src/generated/**\"]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let run = run_tool(&dir, &["--format", "json"]);
    let files: Vec<String> = found(&run).into_iter().map(|(file, _, _)| file).collect();
    assert_eq!(files, ["src/lib.rs"], "{}", run.stdout);
}

#[test]
fn explicit_config_path() {
    let dir = project("config-explicit", None);
    std::fs::write(dir.join("strict.toml"), "[rules]\nblocking_call = \"deny\"\n").unwrap();
    assert_eq!(run_tool(&dir, &["--config", "strict.toml"]).code, 1);
}

#[test]
fn errors_name_file_line_and_key() {
    let dir = project("config-errors", Some("tests = true\n\n[rules]\nblocking_cal = \"deny\"\n"));
    let run = run_tool(&dir, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("async-lint.toml:4: unknown rule `blocking_cal`; did you mean `blocking_call`?"),
        "{}",
        run.stderr
    );

    std::fs::write(dir.join("async-lint.toml"), "exclud = []\n").unwrap();
    let run = run_tool(&dir, &[]);
    assert!(
        run.stderr.contains("async-lint.toml:1: unknown key `exclud`; did you mean `exclude`?"),
        "{}",
        run.stderr
    );

    std::fs::write(dir.join("async-lint.toml"), "[rules]\nblocking_call = \"loud\"\n").unwrap();
    let run = run_tool(&dir, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(":2: `blocking_call` must be \"allow\", \"warn\" or \"deny\""),
        "{}",
        run.stderr
    );

    std::fs::write(dir.join("async-lint.toml"), "tests = [\n").unwrap();
    let run = run_tool(&dir, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid TOML"), "{}", run.stderr);
}
