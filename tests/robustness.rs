//! Hostile inputs and generated programs: every one gives a clear diagnostic or nothing, never
//! a panic or a hang, and the other files are still reported.

mod support;

use std::fmt::Write as _;
use std::path::Path;

use support::*;

const GOOD: &str = "async fn ok() {\n    std::thread::sleep(std::time::Duration::ZERO);\n}\n";

fn rules_and_files(run: &Run) -> Vec<(String, String)> {
    json_lines(&run.stdout)
        .iter()
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["rule"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn hostile_inputs_each_get_a_clear_diagnostic() {
    let dir = scratch_dir("hostile");
    let deep_parens = format!("fn f() {{ let x = {}1{}; }}\n", "(".repeat(100_000), ")".repeat(100_000));
    let deep_blocks = format!("async fn g() {{ {} }}\n", "{".repeat(100_000) + &"}".repeat(100_000));
    // Nested as deep as the parser takes: `json!` values and `stream!` bodies are read
    // recursively, and the blocking call at the bottom is still found.
    let deep_json = format!(
        "async fn j() {{ let _ = serde_json::json!({}std::fs::read(\"x\").unwrap(){}); }}\n",
        "[".repeat(450),
        "]".repeat(450)
    );
    let deep_stream = format!(
        "use async_stream::stream;\nfn s(i: S) -> impl Stream {{ stream! {{ {}for await x in i {{ std::thread::sleep(x); }}{} }} }}\n",
        "{".repeat(450),
        "}".repeat(450)
    );
    write_files(
        &dir,
        &[
            ("good.rs", GOOD),
            ("deep_parens.rs", &deep_parens),
            ("deep_blocks.rs", &deep_blocks),
            ("deep_json.rs", &deep_json),
            ("deep_stream.rs", &deep_stream),
            ("empty.rs", ""),
            // Balanced, with no async code, but not Rust: still reported without `--parse-all`.
            ("prose.rs", "This file is notes, not code.\n"),
            ("template.rs", "{{#each methods}}\npub fn {{name}}() {}\n{{/each}}\n"),
            // The error is in a sync body no rule needs: still found, and the file's only finding.
            ("sync_error.rs", "async fn a() { std::thread::sleep(d); }\nfn helper() { let = 5; }\n"),
            // Expanded naively, ten invocations per level for eight levels: 10^8 invocations.
            ("macro_bomb.rs", MACRO_BOMB),
        ],
    );
    std::fs::write(dir.join("latin1.rs"), b"async fn f() { let s = \"caf\xe9\"; }\n").unwrap();
    let mut huge = String::with_capacity(50 << 20);
    while huge.len() < 50 << 20 {
        huge.push_str("// generated line of a very large file, padding it out to fifty megabytes\n");
    }
    std::fs::write(dir.join("huge.rs"), huge).unwrap();
    std::fs::create_dir_all(dir.join("loop")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop"), dir.join("loop/back")).unwrap();
    std::os::unix::fs::symlink("self.rs", dir.join("self.rs")).unwrap();
    std::fs::create_dir_all(dir.join("dir.rs")).unwrap();

    // A symlink loop found by walking is skipped (as ripgrep does); named explicitly, it is reported.
    let run = run_tool(&dir, &[".", "missing.rs", "self.rs", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = rules_and_files(&run);
    let expect = |file: &str, rule: &str| (file.to_string(), rule.to_string());
    for item in [
        expect("deep_blocks.rs", "syntax_error"),
        expect("deep_parens.rs", "syntax_error"),
        expect("deep_json.rs", "blocking_call"),
        expect("deep_stream.rs", "blocking_call"),
        expect("good.rs", "blocking_call"),
        expect("macro_bomb.rs", "blocking_call"),
        expect("huge.rs", "syntax_error"),
        expect("latin1.rs", "syntax_error"),
        expect("missing.rs", "syntax_error"),
        expect("prose.rs", "syntax_error"),
        expect("self.rs", "syntax_error"),
        expect("sync_error.rs", "syntax_error"),
        expect("template.rs", "syntax_error"),
    ] {
        assert!(found.contains(&item), "{item:?} missing from {found:?}");
    }
    let in_sync_error: Vec<_> = found.iter().filter(|(file, _)| file == "sync_error.rs").collect();
    assert_eq!(in_sync_error.len(), 1, "{found:?}");
    assert!(!found.iter().any(|(f, _)| f == "empty.rs"), "an empty file is fine");
    let messages: Vec<String> =
        json_lines(&run.stdout).iter().map(|d| d["message"].as_str().unwrap().to_string()).collect();
    assert!(messages.iter().any(|m| m.contains("nest") && m.contains("levels deep")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("over the 16 MiB limit")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("not valid UTF-8")), "{messages:?}");
}

const MACRO_BOMB: &str = "macro_rules! boom {
    () => { boom!(); boom!(); boom!(); boom!(); boom!(); boom!(); boom!(); boom!(); boom!(); boom!(); };
}
async fn bomb(d: std::time::Duration) {
    boom!();
    std::thread::sleep(d);
}
macro_rules! item_boom {
    () => { item_boom!(); item_boom!(); item_boom!(); item_boom!(); async fn generated() {} };
}
item_boom!();
";

/// A small deterministic generator (xorshift), so failures reproduce from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const STATEMENTS: &[&str] = &[
    "let g = m.lock().unwrap();",
    "drop(g);",
    "io().await;",
    "std::thread::sleep(d);",
    "let _ = io();",
    "io();",
    "if flag { return; }",
    "tokio::spawn(async move { loop { io().await; } });",
    "let r = cell.borrow_mut();",
    "tokio::select! { _ = rx.recv() => {}, _ = tokio::time::sleep(d) => break, }",
    "for x in m.lock().unwrap().iter() { io().await; }",
    "match m.lock().unwrap().pop() { Some(_) => io().await, None => {} }",
    "let c = || std::fs::read(\"x\");",
    "tokio::task::spawn_blocking(move || helper());",
    "futures::executor::block_on(io());",
    "while let Some(x) = rx.recv().await { let _ = x; }",
    "helper();",
    "println!(\"{g:?}\");",
];

fn generated_program(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = String::from(
        "use std::sync::Mutex;\nuse std::cell::RefCell;\nasync fn io() {}\nfn helper() { std::thread::sleep(std::time::Duration::ZERO); }\n",
    );
    for f in 0..4 {
        let _ = writeln!(out, "async fn f{f}(m: &Mutex<Vec<u32>>, cell: &RefCell<u32>, flag: bool, d: std::time::Duration, mut rx: tokio::sync::mpsc::Receiver<u8>) {{");
        let depth = rng.next() % 3;
        let opener = ["", "loop {", "if flag {"][depth as usize];
        out.push_str(opener);
        for _ in 0..(rng.next() % 8) {
            let _ = writeln!(out, "    {}", rng.pick(STATEMENTS));
        }
        if !opener.is_empty() {
            out.push_str("break; }");
        }
        out.push_str("}\n");
    }
    out
}

fn analyse(dir: &Path, threads: &str) -> String {
    let run = run_tool(dir, &[".", "--format", "json", "-q", "-j", threads]);
    assert!(run.code == 0 || run.code == 1, "exit {}: {}", run.code, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stdout
}

#[test]
fn generated_programs_never_crash_and_give_the_same_answer_every_time() {
    let dir = scratch_dir("generated");
    for seed in 0..60 {
        std::fs::write(dir.join(format!("p{seed}.rs")), generated_program(seed)).unwrap();
    }
    let first = analyse(&dir, "2");
    assert!(json_lines(&first).len() > 60, "the generator exercises the rules");
    assert_eq!(first, analyse(&dir, "1"), "output depends on thread count");
    assert_eq!(first, analyse(&dir, "2"), "output is not deterministic");
}

#[test]
fn mutated_fixtures_never_crash() {
    let dir = scratch_dir("mutated");
    let sources: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut rng = Rng(0x5EED);
    for (index, source) in sources.iter().enumerate() {
        for round in 0..8 {
            let mut bytes = source.clone().into_bytes();
            for _ in 0..(1 + rng.next() % 6) {
                let at = (rng.next() % bytes.len() as u64) as usize;
                match rng.next() % 3 {
                    0 => bytes.truncate(at),
                    1 => bytes[at] = b"{}()[];,.<>'\"#!&|"[(rng.next() % 17) as usize],
                    _ => {
                        let from = (rng.next() % bytes.len().max(1) as u64) as usize;
                        let piece: Vec<u8> = bytes[from..(from + 40).min(bytes.len())].to_vec();
                        let at = at.min(bytes.len());
                        bytes.splice(at..at, piece);
                    }
                }
                if bytes.is_empty() {
                    break;
                }
            }
            std::fs::write(dir.join(format!("m{index}_{round}.rs")), &bytes).unwrap();
        }
    }
    analyse(&dir, "2");
}
