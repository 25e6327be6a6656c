//! End-to-end tests of the built binary: cargo and path modes, output formats, levels,
//! suppression, exit codes, bad input.

mod support;

use support::*;

const BLOCKING: &str =
    "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n";
const NESTED: &str = "async fn handler() {\n    futures::executor::block_on(async {});\n}\n";
const CLEAN: &str =
    "async fn handler() {\n    tokio::time::sleep(std::time::Duration::from_secs(1)).await;\n}\n";

fn rules_of(run: &Run) -> Vec<String> {
    json_lines(&run.stdout).iter().map(|d| d["rule"].as_str().unwrap().to_string()).collect()
}

#[test]
fn cargo_mode_on_the_demo_crate() {
    let run = run_tool(&repo_root(), &["--manifest-path", "fixtures/demo/Cargo.toml", "--format", "json"]);
    assert_eq!(run.code, 1, "the demo has a deny-level finding\n{}", run.stderr);
    let diagnostics = json_lines(&run.stdout);
    let files: Vec<&str> = diagnostics.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert!(files.contains(&"fixtures/demo/src/config.rs"), "{files:?}");
    assert!(files.contains(&"fixtures/demo/src/handlers.rs"), "{files:?}");
    assert!(rules_of(&run).contains(&"nested_runtime".to_string()));
    for rule in ["blocking_call", "lock_across_await", "detached_task_error", "transitive_blocking_call"] {
        assert!(rules_of(&run).contains(&rule.to_string()), "{rule} missing");
    }
    assert!(run.stderr.contains("1 error, 6 warnings in 3 files"), "{}", run.stderr);
}

#[test]
fn cargo_subcommand_form_and_current_directory() {
    // `cargo async-lint` runs the binary with `async-lint` as its first argument.
    let run = run_tool(&fixtures_dir().join("demo/src"), &["async-lint", "--format", "json", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(json_lines(&run.stdout).len(), 7);
    assert!(run.stderr.is_empty(), "-q prints no summary: {}", run.stderr);
    let first = &json_lines(&run.stdout)[0];
    assert_eq!(first["file"], "config.rs", "paths are relative to the working directory when under it");
}

#[test]
fn workspace_and_package_selection() {
    let dir = scratch_dir("workspace");
    write_files(
        &dir,
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"alpha\", \"beta\"]\nresolver = \"2\"\n"),
            ("alpha/Cargo.toml", "[package]\nname = \"alpha\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
            ("alpha/src/lib.rs", BLOCKING),
            ("beta/Cargo.toml", "[package]\nname = \"beta\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
            ("beta/src/lib.rs", NESTED),
            ("beta/target/skipped.rs", BLOCKING),
            ("beta/.hidden/skipped.rs", BLOCKING),
        ],
    );
    let all = run_tool(&dir, &["--format", "json"]);
    assert_eq!(rules_of(&all), ["blocking_call", "nested_runtime"], "{}", all.stderr);
    let workspace = run_tool(&dir.join("alpha"), &["--workspace", "--format", "json"]);
    assert_eq!(rules_of(&workspace), ["blocking_call", "nested_runtime"]);
    let alpha_only = run_tool(&dir.join("alpha"), &["--format", "json"]);
    assert_eq!(rules_of(&alpha_only), ["blocking_call"]);
    let beta = run_tool(&dir, &["-p", "beta", "--format", "json"]);
    assert_eq!(rules_of(&beta), ["nested_runtime"]);
    let unknown = run_tool(&dir, &["-p", "gamma"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("package `gamma` is not a member"), "{}", unknown.stderr);
}

#[test]
fn path_mode_files_and_directories() {
    let dir = scratch_dir("paths");
    let skipped = [("sub/target/c.rs", BLOCKING), ("target/d.rs", BLOCKING), (".hidden/e.rs", BLOCKING)];
    write_files(&dir, &[("a.rs", BLOCKING), ("sub/b.rs", NESTED)]);
    write_files(&dir, &skipped);
    let files_reported = |args: &[&str]| -> Vec<String> {
        let run = run_tool(&dir, args);
        json_lines(&run.stdout).iter().map(|d| d["file"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(files_reported(&["a.rs", "sub", "--format", "json"]), ["a.rs", "sub/b.rs"]);
    // The directory's own entries are filtered like deeper ones.
    assert_eq!(files_reported(&[".", "--format", "json"]), ["a.rs", "sub/b.rs"]);
}

#[test]
fn json_has_exactly_the_documented_keys() {
    let dir = scratch_dir("json");
    write_files(&dir, &[("a.rs", BLOCKING)]);
    let run = run_tool(&dir, &["a.rs", "--format", "json"]);
    let diagnostics = json_lines(&run.stdout);
    assert_eq!(diagnostics.len(), 1);
    let d = diagnostics[0].as_object().unwrap();
    let mut keys: Vec<&str> = d.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "column",
            "end_column",
            "end_line",
            "file",
            "help",
            "labels",
            "level",
            "line",
            "message",
            "notes",
            "rule"
        ]
    );
    assert_eq!(d["rule"], "blocking_call");
    assert_eq!(d["level"], "warning");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(2), Some(5)));
    assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(2), Some(58)));
    let label = d["labels"][0].as_object().unwrap();
    let mut label_keys: Vec<&str> = label.keys().map(String::as_str).collect();
    label_keys.sort();
    assert_eq!(label_keys, ["column", "end_column", "end_line", "file", "line", "message"]);
    assert_eq!(label["line"], 1);
    assert!(d["help"].as_str().unwrap().contains("tokio::time::sleep"));
    assert!(d["notes"].is_array());
}

#[test]
fn columns_count_characters_not_bytes() {
    let dir = scratch_dir("unicode");
    let source = "async fn é() { let _ß = \"ü\"; std::thread::sleep(std::time::Duration::ZERO); }\n";
    write_files(&dir, &[("u.rs", source)]);
    let run = run_tool(&dir, &["u.rs", "--format", "json"]);
    let d = &json_lines(&run.stdout)[0];
    let expected = source.chars().take_while(|_| true).collect::<String>().find("std::").unwrap();
    let chars_before = source[..expected].chars().count() as u64;
    assert_eq!(d["column"].as_u64(), Some(chars_before + 1));
}

#[test]
fn exit_codes() {
    let dir = scratch_dir("exit");
    write_files(&dir, &[("clean.rs", CLEAN), ("warn.rs", BLOCKING), ("deny.rs", NESTED)]);
    assert_eq!(run_tool(&dir, &["clean.rs"]).code, 0);
    assert_eq!(run_tool(&dir, &["warn.rs"]).code, 0, "warnings alone pass");
    assert_eq!(run_tool(&dir, &["deny.rs"]).code, 1, "nested_runtime is deny by default");
    assert_eq!(run_tool(&dir, &["warn.rs", "-D", "warnings"]).code, 1);
    assert_eq!(run_tool(&dir, &["warn.rs", "-D", "blocking_call"]).code, 1);
    assert_eq!(run_tool(&dir, &["deny.rs", "-W", "nested_runtime"]).code, 0);
    assert_eq!(run_tool(&dir, &["deny.rs", "-A", "all"]).code, 0);
    let unknown = run_tool(&dir, &["warn.rs", "-D", "blocking_cal"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("did you mean `blocking_call`"), "{}", unknown.stderr);
    assert_eq!(run_tool(&dir, &["--no-such-flag"]).code, 2);
    let missing_manifest = run_tool(&dir, &["--manifest-path", "nope/Cargo.toml"]);
    assert_eq!(missing_manifest.code, 2);
    assert!(missing_manifest.stderr.contains("cargo metadata failed"), "{}", missing_manifest.stderr);
    let help = run_tool(&dir, &["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Exit codes:"));
    assert!(!help.stdout.contains('\x1b'), "piped help is plain text");
}

#[test]
fn level_flags_apply_in_order() {
    let dir = scratch_dir("levels");
    write_files(&dir, &[("a.rs", &format!("{BLOCKING}{NESTED}").replace("fn handler", "fn h"))]);
    let allowed = run_tool(&dir, &["a.rs", "--format", "json", "-A", "blocking_call"]);
    assert_eq!(rules_of(&allowed), ["nested_runtime"]);
    let all_then_one = run_tool(&dir, &["a.rs", "--format", "json", "-A", "all", "-W", "blocking_call"]);
    assert_eq!(rules_of(&all_then_one), ["blocking_call"]);
    assert_eq!(all_then_one.code, 0);
    let denied = run_tool(&dir, &["a.rs", "--format", "json", "-D", "blocking_call"]);
    let levels: Vec<String> =
        json_lines(&denied.stdout).iter().map(|d| d["level"].as_str().unwrap().to_string()).collect();
    assert_eq!(levels, ["error", "error"]);
}

#[test]
fn suppression_comments() {
    let dir = scratch_dir("suppress");
    let source = "\
async fn a() {
    // async-lint: allow(blocking_call)
    std::thread::sleep(std::time::Duration::ZERO);
    std::thread::sleep(std::time::Duration::ZERO); // async-lint: allow(nested_runtime, blocking_call)
    std::thread::sleep(std::time::Duration::ZERO);
    futures::executor::block_on(async {}); // async-lint: allow(blocking_call)
}
";
    write_files(
        &dir,
        &[("s.rs", source), ("f.rs", &format!("// async-lint: allow-file(nested_runtime)\n{NESTED}"))],
    );
    let run = run_tool(&dir, &["s.rs", "f.rs", "--format", "json"]);
    let found: Vec<(String, u64)> = json_lines(&run.stdout)
        .iter()
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(found, [("blocking_call".to_string(), 5), ("nested_runtime".to_string(), 6)]);
}

#[test]
fn a_broken_file_does_not_hide_the_others() {
    let dir = scratch_dir("syntax");
    write_files(&dir, &[("bad.rs", "async fn broken() {\n    let = ;\n}\n"), ("good.rs", BLOCKING)]);
    std::fs::write(dir.join("latin1.rs"), b"fn f() { let s = \"caf\xe9\"; }\n").unwrap();
    std::fs::write(dir.join("empty.rs"), b"").unwrap();
    let run = run_tool(&dir, &[".", "missing.rs", "--format", "json"]);
    assert_eq!(run.code, 1, "syntax_error is an error");
    let found: Vec<(String, String, u64)> = json_lines(&run.stdout)
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap().to_string();
            (file, d["rule"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("bad.rs".to_string(), "syntax_error".to_string(), 2),
            ("good.rs".to_string(), "blocking_call".to_string(), 2),
            ("latin1.rs".to_string(), "syntax_error".to_string(), 1),
            ("missing.rs".to_string(), "syntax_error".to_string(), 1),
        ]
    );
    let human = run_tool(&dir, &["bad.rs", "--color", "never"]);
    assert!(human.stdout.contains("error[syntax_error]: could not parse file"), "{}", human.stdout);
}

#[test]
fn human_output_is_rustc_like_and_colors_on_request() {
    let dir = scratch_dir("human");
    write_files(&dir, &[("a.rs", BLOCKING)]);
    let plain = run_tool(&dir, &["a.rs"]);
    assert!(plain.stdout.starts_with("warning[blocking_call]: blocking call to `std::thread::sleep`"));
    assert!(plain.stdout.contains("--> a.rs:2:5"), "{}", plain.stdout);
    assert!(plain.stdout.contains("the async fn `handler` runs on an executor thread"));
    assert!(plain.stdout.contains("= help: use `tokio::time::sleep(duration).await`"));
    assert!(!plain.stdout.contains('\x1b'), "not a terminal: no color");
    assert!(plain.stderr.contains("0 errors, 1 warning in 1 file"), "{}", plain.stderr);
    let colored = run_tool_with_env(&dir, &["a.rs"], &[("CARGO_TERM_COLOR", "always")]);
    assert!(colored.stdout.contains('\x1b'));
    let flag_wins = run_tool_with_env(&dir, &["a.rs", "--color", "never"], &[("CARGO_TERM_COLOR", "always")]);
    assert!(!flag_wins.stdout.contains('\x1b'));
}

#[test]
fn list_rules_and_explain() {
    let root = repo_root();
    let list = run_tool(&root, &["--list-rules"]);
    assert_eq!(list.code, 0);
    assert!(list.stdout.lines().any(|l| l.starts_with("blocking_call") && l.contains("warn")));
    assert!(list.stdout.lines().any(|l| l.starts_with("nested_runtime") && l.contains("deny")));
    let explain = run_tool(&root, &["--explain", "nested_runtime"]);
    let page = std::fs::read_to_string(root.join("docs/rules/nested_runtime.md")).unwrap();
    assert_eq!(explain.stdout, page);
    assert_eq!(run_tool(&root, &["--explain", "nope"]).code, 2);
}

#[test]
fn output_is_deterministic_across_thread_counts() {
    let one = run_tool(&repo_root(), &["fixtures", "--format", "json", "-j", "1", "-q"]);
    let two = run_tool(&repo_root(), &["fixtures", "--format", "json", "-j", "2", "-q"]);
    assert!(json_lines(&one.stdout).len() > 60);
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn readme_shows_a_real_diagnostic_from_the_demo() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme.find("```text\n").expect("README has a text block") + "```text\n".len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let run = run_tool(&repo_root(), &["--manifest-path", "fixtures/demo/Cargo.toml", "--color", "never"]);
    assert!(run.stdout.contains(shown.trim_end()), "README's example is not current:\n{shown}");
}
