//! The pre-scan: decides, from a byte-level pass over each file, which files must be parsed.
//!
//! Most files of a large codebase contain no async code at all. A file is parsed when it
//! mentions something a rule could report on (`async`, `await`, `Future`, `poll*`, spawns,
//! selects, executors, or a name from the blocking catalog), when its delimiters do not
//! balance (so its syntax error is reported), and, to a fixpoint, when it defines a function
//! that parsed code calls (blocking chains run through plain helpers) or calls an `async fn`
//! that parsed code defines (a future dropped in sync code). Everything else is read once,
//! scanned, and dropped.

use std::collections::HashSet;

use crate::lex::{
    skip_block_comment, skip_char_or_lifetime, skip_raw_string, skip_string, starts_raw_string,
};

/// What the pre-scan learns about one file.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    /// Mentions a trigger name, or has unbalanced delimiters.
    pub triggered: bool,
    /// Names of the functions it defines (`fn NAME`).
    pub defines: Vec<String>,
    /// Names of the `async fn`s it defines.
    pub async_defines: Vec<String>,
    /// Names it calls (`NAME(` and `.NAME(`).
    pub calls: Vec<String>,
}

/// Names that make a file worth parsing by themselves.
/// (`select!`, `join!`, guards and `RefCell`s only matter next to `async`/`await`.)
const TRIGGERS: &[&str] = &["async", "await", "Future", "spawn", "spawn_local", "block_on"];

/// Scans a file. `catalog_names` are the names from the blocking catalog (functions, methods,
/// types) and the configuration.
pub fn scan(text: &str, catalog_names: &HashSet<String>) -> Scan {
    let bytes = text.as_bytes();
    let mut scan = Scan::default();
    let mut closers: Vec<u8> = Vec::new();
    let mut balanced = true;
    let mut previous: [&str; 2] = ["", ""];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(bytes, i);
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i + 1);
                continue;
            }
            b'r' | b'b' if starts_raw_string(bytes, i) => {
                i = skip_raw_string(bytes, i);
                continue;
            }
            b'\'' => {
                i = skip_char_or_lifetime(bytes, i);
                continue;
            }
            b'(' | b'[' | b'{' => closers.push(match b {
                b'(' => b')',
                b'[' => b']',
                _ => b'}',
            }),
            b')' | b']' | b'}' if closers.pop() != Some(b) => balanced = false,
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let ident = &text[start..i];
                record_ident(&mut scan, ident, &previous, next_non_space(bytes, i), catalog_names);
                previous = [previous[1], ident];
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if !balanced || !closers.is_empty() {
        scan.triggered = true;
    }
    scan
}

fn record_ident(
    scan: &mut Scan,
    ident: &str,
    previous: &[&str; 2],
    next: Option<u8>,
    catalog: &HashSet<String>,
) {
    if !scan.triggered
        && (TRIGGERS.contains(&ident)
            || ident.starts_with("poll")
            || ident.starts_with("blocking_")
            || catalog.contains(ident))
    {
        scan.triggered = true;
    }
    if previous[1] == "fn" {
        scan.defines.push(ident.to_string());
        if previous[0] == "async" {
            scan.async_defines.push(ident.to_string());
        }
    } else if next == Some(b'(') {
        scan.calls.push(ident.to_string());
    }
}

fn next_non_space(bytes: &[u8], mut i: usize) -> Option<u8> {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    bytes.get(i).copied()
}

/// Names defined in more files than this are too generic to say where a call goes (`new`,
/// `from`, `len`): following them would pull in every file. A helper on a blocking chain has a
/// name of its own.
const MAX_DEFINITIONS: usize = 6;

/// The files to parse: the triggered ones, then to a fixpoint those defining a function that
/// parsed files call, or calling an `async fn` that parsed files define.
pub fn files_to_parse(scans: &[Option<Scan>]) -> Vec<bool> {
    let mut parse: Vec<bool> = scans.iter().map(|s| s.as_ref().is_none_or(|s| s.triggered)).collect();
    let mut definitions: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for scan in scans.iter().flatten() {
        for name in scan.defines.iter().collect::<HashSet<_>>() {
            *definitions.entry(name.as_str()).or_insert(0) += 1;
        }
    }
    let specific = |name: &str| definitions.get(name).is_some_and(|count| *count <= MAX_DEFINITIONS);
    let mut wanted: HashSet<&str> = HashSet::new();
    let mut async_names: HashSet<&str> = HashSet::new();
    let mut frontier: Vec<usize> = (0..scans.len()).filter(|i| parse[*i]).collect();
    while !frontier.is_empty() {
        for &index in &frontier {
            if let Some(scan) = &scans[index] {
                wanted.extend(scan.calls.iter().map(String::as_str));
                async_names.extend(scan.async_defines.iter().map(String::as_str));
            }
        }
        frontier = (0..scans.len())
            .filter(|&i| !parse[i])
            .filter(|&i| {
                scans[i].as_ref().is_some_and(|s| {
                    s.defines.iter().any(|d| specific(d) && wanted.contains(d.as_str()))
                        || s.calls.iter().any(|c| specific(c) && async_names.contains(c.as_str()))
                })
            })
            .collect();
        for &index in &frontier {
            parse[index] = true;
        }
    }
    parse
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn triggers_definitions_and_calls() {
        let catalog = names(&["read_to_string"]);
        let plain = scan("fn helper() { other(1); x.method(2) }", &catalog);
        assert!(!plain.triggered);
        assert_eq!(plain.defines, ["helper"]);
        assert_eq!(plain.calls, ["other", "method"]);
        assert!(scan("async fn f() {}", &catalog).triggered);
        assert_eq!(scan("pub async fn load() {}", &catalog).async_defines, ["load"]);
        assert!(scan("fn f() { std::fs::read_to_string(p) }", &catalog).triggered);
        assert!(
            !scan("// async in a comment\nfn f() { let s = \"await\"; let r = r#\"async\"#; }", &catalog)
                .triggered
        );
        assert!(!scan("fn f<'a>(x: &'a str) -> char { 'c' }", &catalog).triggered);
    }

    #[test]
    fn unbalanced_files_are_parsed_so_their_errors_are_reported() {
        assert!(scan("fn f() { (", &HashSet::new()).triggered);
        assert!(scan("fn f() }", &HashSet::new()).triggered);
    }

    #[test]
    fn closure_over_helpers_and_async_callers() {
        let catalog = HashSet::new();
        let scans = vec![
            Some(scan("async fn handler() { load_config(); }", &catalog)),
            Some(scan("fn load_config() { parse(); }", &catalog)),
            Some(scan("fn parse() {}", &catalog)),
            Some(scan("fn unrelated() {}", &catalog)),
            Some(scan("pub async fn notify() {}", &catalog)),
            Some(scan("fn sync_caller() { notify(); }", &catalog)),
        ];
        assert_eq!(files_to_parse(&scans), [true, true, true, false, true, true]);
    }
}
