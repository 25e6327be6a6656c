//! Configuration: `async-lint.toml` / `.async-lint.toml`, found by walking up from the
//! workspace root, else `[workspace.metadata.async-lint]` / `[package.metadata.async-lint]` in
//! the root `Cargo.toml`. Command-line flags override it.
//!
//! The schema is data ([`KEYS`]): validation, error messages and `docs/configuration.md` all
//! come from it. Unknown keys, bad values and unknown rule names are errors that point at the
//! file, line and key, with a did-you-mean.

use std::path::{Path, PathBuf};

use crate::diagnostic::Level;

/// One configuration key, for validation and the generated reference.
pub struct KeySpec {
    pub name: &'static str,
    pub kind: &'static str,
    pub default: &'static str,
    pub description: &'static str,
    pub example: &'static str,
}

pub const KEYS: &[KeySpec] = &[
    KeySpec {
        name: "rules",
        kind: "table of rule = \"allow\" | \"warn\" | \"deny\"",
        default: "each rule's default level",
        description: "Sets rules' levels. `-A`/`-W`/`-D` on the command line override it.",
        example: "[rules]\nblocking_call = \"deny\"\nselect_timer_reset = \"warn\"",
    },
    KeySpec {
        name: "blocking-functions",
        kind: "array of { path, reason?, replacement? }",
        default: "[]",
        description: "Functions that block, added to the blocking catalog: calls in async code are \
            reported by `blocking_call`, and helpers that reach them by `transitive_blocking_call`. \
            `path` is the canonical path (`crate_name::module::function`, or `Type::method` for an \
            associated function); `replacement` is shown as the `help:`.",
        example: "blocking-functions = [\n  { path = \"my_crate::db::query_sync\", reason = \"sync driver\", replacement = \"my_crate::db::query\" },\n]",
    },
    KeySpec {
        name: "offload-functions",
        kind: "array of paths",
        default: "[]",
        description: "Your own wrappers that run a closure on another thread (like `spawn_blocking`): \
            code in the closures handed to them is not async code.",
        example: "offload-functions = [\"my_rt::run_blocking\"]",
    },
    KeySpec {
        name: "guard-types",
        kind: "array of paths, or of { path, reason? }",
        default: "[]",
        description: "Types whose values must not live across `.await` (like clippy's \
            `await-holding-invalid-types`); reported by `lock_across_await`.",
        example: "guard-types = [\"tracing::span::Entered\"]",
    },
    KeySpec {
        name: "exclude",
        kind: "array of globs",
        default: "[]",
        description: "Files not to analyse, matched against their path relative to the configuration \
            file's directory (`*` within a path segment, `**` across segments, `?` one character).",
        example: "exclude = [\"generated/**\", \"src/legacy_*.rs\"]",
    },
    KeySpec {
        name: "tests",
        kind: "boolean",
        default: "true",
        description: "With `false`, test code is not analysed: files under `tests/` and `benches/`, \
            `#[cfg(test)]` modules, and `#[test]`/`#[tokio::test]` functions.",
        example: "tests = false",
    },
    KeySpec {
        name: "select-outside-loops",
        kind: "boolean",
        default: "false",
        description: "With `true`, `cancel_unsafe_select` also reports `select!` branches outside any \
            loop (a single race can lose data too).",
        example: "select-outside-loops = true",
    },
];

/// A user-declared blocking function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockingFunction {
    pub path: String,
    pub reason: Option<String>,
    pub replacement: Option<String>,
}

/// The settings, validated.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it was read from (`None`: no configuration found).
    pub source: Option<PathBuf>,
    /// The directory `exclude` globs are relative to.
    pub root: PathBuf,
    pub rules: Vec<(String, Level)>,
    pub blocking_functions: Vec<BlockingFunction>,
    pub offload_functions: Vec<String>,
    pub guard_types: Vec<String>,
    pub exclude: Vec<String>,
    pub tests: bool,
    pub select_outside_loops: bool,
}

/// An error in a configuration file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

const FILE_NAMES: &[&str] = &["async-lint.toml", ".async-lint.toml"];

/// Finds and reads the configuration for a workspace rooted at `root`. `known_rules` are the
/// valid rule ids.
pub fn load(root: &Path, known_rules: &[&str]) -> Result<Config, ConfigError> {
    for dir in root.ancestors() {
        for name in FILE_NAMES {
            let path = dir.join(name);
            if path.is_file() {
                let text = read(&path)?;
                let table = parse_toml(&path, &text)?;
                return from_table(&path, &text, "", &table, dir, known_rules);
            }
        }
    }
    let manifest = root.join("Cargo.toml");
    if let Ok(text) = std::fs::read_to_string(&manifest) {
        let table = parse_toml(&manifest, &text)?;
        for section in ["workspace", "package"] {
            let metadata =
                table.get(section).and_then(|s| s.get("metadata")).and_then(|m| m.get("async-lint"));
            if let Some(toml::Value::Table(settings)) = metadata {
                let header = format!("{section}.metadata.async-lint");
                return from_table(&manifest, &text, &header, settings, root, known_rules);
            }
        }
    }
    Ok(Config { root: root.to_path_buf(), tests: true, ..Config::default() })
}

/// Reads one configuration file (for `--config PATH`).
pub fn load_file(path: &Path, known_rules: &[&str]) -> Result<Config, ConfigError> {
    let text = read(path)?;
    let table = parse_toml(path, &text)?;
    let root = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    from_table(path, &text, "", &table, &root, known_rules)
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        line: 1,
        message: format!("cannot read: {e}"),
    })
}

fn parse_toml(path: &Path, text: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(1);
        ConfigError { file: path.to_path_buf(), line, message: format!("invalid TOML: {}", e.message()) }
    })
}

/// Validates the settings table. `header` is the table's name in the file (`""` at top level).
fn from_table(
    path: &Path,
    text: &str,
    header: &str,
    table: &toml::Table,
    root: &Path,
    known_rules: &[&str],
) -> Result<Config, ConfigError> {
    let locate = Locator { path, text, header };
    let mut config = Config {
        source: Some(path.to_path_buf()),
        root: root.to_path_buf(),
        tests: true,
        ..Config::default()
    };
    for (key, value) in table {
        match key.as_str() {
            "rules" => config.rules = rules(&locate, value, known_rules)?,
            "blocking-functions" => config.blocking_functions = blocking_functions(&locate, key, value)?,
            "offload-functions" => config.offload_functions = paths(&locate, key, value, false)?,
            "guard-types" => config.guard_types = paths(&locate, key, value, true)?,
            "exclude" => config.exclude = paths(&locate, key, value, false)?,
            "tests" => config.tests = boolean(&locate, key, value)?,
            "select-outside-loops" => config.select_outside_loops = boolean(&locate, key, value)?,
            unknown => {
                let names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
                return Err(locate
                    .error(unknown, format!("unknown key `{unknown}`{}", did_you_mean(unknown, &names))));
            }
        }
    }
    Ok(config)
}

struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
    header: &'a str,
}

impl Locator<'_> {
    /// The line where `key` is written (inside this table's header when there is one).
    fn line_of(&self, key: &str) -> usize {
        let mut in_table = self.header.is_empty();
        for (index, line) in self.text.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with('[') {
                let name = trimmed.trim_matches(|c| c == '[' || c == ']' || c == ' ');
                in_table = self.header.is_empty()
                    || name == self.header
                    || name.starts_with(&format!("{}.", self.header));
                if name.ends_with(&format!(".{key}")) || name == key {
                    return index + 1;
                }
                continue;
            }
            let starts_key = trimmed.strip_prefix(key).is_some_and(|rest| {
                let rest = rest.trim_start_matches('"').trim_start();
                rest.starts_with('=') || rest.starts_with('.')
            }) || trimmed.starts_with(&format!("\"{key}\""));
            if in_table && starts_key {
                return index + 1;
            }
        }
        1
    }

    fn error(&self, key: &str, message: String) -> ConfigError {
        ConfigError { file: self.path.to_path_buf(), line: self.line_of(key), message }
    }
}

fn rules(
    locate: &Locator,
    value: &toml::Value,
    known_rules: &[&str],
) -> Result<Vec<(String, Level)>, ConfigError> {
    let toml::Value::Table(table) = value else {
        return Err(
            locate.error("rules", "`rules` must be a table: `[rules]` with `rule_name = \"warn\"`".into())
        );
    };
    let mut out = Vec::new();
    for (rule, level) in table {
        if !known_rules.contains(&rule.as_str()) {
            return Err(
                locate.error(rule, format!("unknown rule `{rule}`{}", did_you_mean(rule, known_rules)))
            );
        }
        let parsed = level.as_str().and_then(Level::parse).ok_or_else(|| {
            locate.error(rule, format!("`{rule}` must be \"allow\", \"warn\" or \"deny\", not {level}"))
        })?;
        out.push((rule.clone(), parsed));
    }
    Ok(out)
}

fn blocking_functions(
    locate: &Locator,
    key: &str,
    value: &toml::Value,
) -> Result<Vec<BlockingFunction>, ConfigError> {
    let shape = || {
        locate.error(
            key,
            format!("`{key}` must be an array of {{ path = \"..\", reason = \"..\", replacement = \"..\" }}"),
        )
    };
    let toml::Value::Array(items) = value else { return Err(shape()) };
    let mut out = Vec::new();
    for item in items {
        let toml::Value::Table(entry) = item else { return Err(shape()) };
        let mut function = BlockingFunction { path: String::new(), reason: None, replacement: None };
        for (field, field_value) in entry {
            let text = field_value
                .as_str()
                .ok_or_else(|| locate.error(key, format!("`{field}` in `{key}` must be a string")))?;
            match field.as_str() {
                "path" => function.path = text.to_string(),
                "reason" => function.reason = Some(text.to_string()),
                "replacement" => function.replacement = Some(text.to_string()),
                other => {
                    let hint = did_you_mean(other, &["path", "reason", "replacement"]);
                    return Err(locate.error(key, format!("unknown field `{other}` in `{key}`{hint}")));
                }
            }
        }
        if function.path.is_empty() {
            return Err(locate.error(key, format!("an entry of `{key}` has no `path`")));
        }
        out.push(function);
    }
    Ok(out)
}

/// An array of strings; with `tables_allowed`, also of `{ path = "..", reason = ".." }`.
fn paths(
    locate: &Locator,
    key: &str,
    value: &toml::Value,
    tables_allowed: bool,
) -> Result<Vec<String>, ConfigError> {
    let toml::Value::Array(items) = value else {
        return Err(locate.error(key, format!("`{key}` must be an array of strings")));
    };
    items
        .iter()
        .map(|item| match item {
            toml::Value::String(text) => Ok(text.clone()),
            toml::Value::Table(t) if tables_allowed => t
                .get("path")
                .and_then(|p| p.as_str())
                .map(str::to_string)
                .ok_or_else(|| locate.error(key, format!("an entry of `{key}` has no `path`"))),
            other => Err(locate.error(key, format!("`{key}` must contain strings, not {other}"))),
        })
        .collect()
}

fn boolean(locate: &Locator, key: &str, value: &toml::Value) -> Result<bool, ConfigError> {
    value
        .as_bool()
        .ok_or_else(|| locate.error(key, format!("`{key}` must be `true` or `false`, not {value}")))
}

/// `; did you mean `x`?` when a known name is close.
pub fn did_you_mean(name: &str, known: &[&str]) -> String {
    let best = known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(distance, _)| *distance <= name.len().max(3) / 3 + 1)
        .min();
    match best {
        Some((_, k)) => format!("; did you mean `{k}`?"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// Whether `path` (relative, `/`-separated) matches a glob with `*`, `**` and `?`.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    fn matches(pattern: &[u8], text: &[u8]) -> bool {
        match (pattern.first(), text.first()) {
            (None, None) => true,
            (Some(b'*'), _) if pattern.get(1) == Some(&b'*') => {
                let rest = pattern[2..].strip_prefix(b"/").unwrap_or(&pattern[2..]);
                if rest.is_empty() {
                    return true;
                }
                (0..=text.len()).any(|i| (i == 0 || text[i - 1] == b'/') && matches(rest, &text[i..]))
                    || matches(&pattern[2..], text)
            }
            (Some(b'*'), _) => {
                matches(&pattern[1..], text)
                    || (text.first().is_some_and(|c| *c != b'/') && matches(pattern, &text[1..]))
            }
            (Some(b'?'), Some(c)) if *c != b'/' => matches(&pattern[1..], &text[1..]),
            (Some(p), Some(c)) if p == c => matches(&pattern[1..], &text[1..]),
            _ => false,
        }
    }
    matches(glob.as_bytes(), path.as_bytes())
}

/// The configuration reference, as published in `docs/configuration.md`.
pub fn render_reference() -> String {
    let mut out = String::from(
        "# Configuration\n\n\
         async-lint reads `async-lint.toml` or `.async-lint.toml`, looking in the workspace root and then\n\
         in each directory above it. Without one, it reads `[workspace.metadata.async-lint]` or\n\
         `[package.metadata.async-lint]` from the root `Cargo.toml`. Command-line flags (`-A`/`-W`/`-D`)\n\
         override the file; `--config PATH` names a file explicitly.\n\n\
         Unknown keys, bad values and unknown rule names stop the run with exit code 2 and an error\n\
         naming the file, the line and the key, with a suggestion when a known name is close.\n\n\
         This page is generated from the configuration schema (`BLESS=1 cargo test --test docs`).\n",
    );
    for key in KEYS {
        out += &format!(
            "\n## `{}`\n\nType: {}. Default: {}.\n\n{}\n\n```toml\n{}\n```\n",
            key.name, key.kind, key.default, key.description, key.example
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[&str] = &["blocking_call", "lock_across_await"];

    fn parse(text: &str) -> Result<Config, ConfigError> {
        let path = Path::new("async-lint.toml");
        let table = parse_toml(path, text)?;
        from_table(path, text, "", &table, Path::new("."), RULES)
    }

    #[test]
    fn reads_every_key() {
        let config = parse(
            "tests = false\nexclude = [\"gen/**\"]\nselect-outside-loops = true\n\
             offload-functions = [\"rt::run\"]\nguard-types = [\"a::B\", { path = \"c::D\", reason = \"x\" }]\n\
             blocking-functions = [{ path = \"k::q\", replacement = \"k::q_async\" }]\n\
             [rules]\nblocking_call = \"deny\"\n",
        )
        .unwrap();
        assert!(!config.tests && config.select_outside_loops);
        assert_eq!(config.exclude, ["gen/**"]);
        assert_eq!(config.guard_types, ["a::B", "c::D"]);
        assert_eq!(config.offload_functions, ["rt::run"]);
        assert_eq!(config.blocking_functions[0].replacement.as_deref(), Some("k::q_async"));
        assert_eq!(config.rules, [("blocking_call".to_string(), Level::Deny)]);
    }

    #[test]
    fn errors_point_at_line_and_key_with_suggestions() {
        let err = parse("tests = true\nexclud = []\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("unknown key `exclud`; did you mean `exclude`?"), "{}", err.message);
        let err = parse("[rules]\nblocking_cal = \"warn\"\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("did you mean `blocking_call`"), "{}", err.message);
        let err = parse("[rules]\n\nblocking_call = \"loud\"\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("\"allow\", \"warn\" or \"deny\""));
        let err = parse("tests = \"no\"\n").unwrap_err();
        assert!(err.message.contains("`true` or `false`"));
        let err = parse("x = [\n").unwrap_err();
        assert!(err.message.starts_with("invalid TOML"));
    }

    #[test]
    fn globs() {
        assert!(glob_matches("gen/**", "gen/a/b.rs"));
        assert!(glob_matches("**/legacy_*.rs", "src/x/legacy_io.rs"));
        assert!(glob_matches("src/legacy_*.rs", "src/legacy_io.rs"));
        assert!(!glob_matches("src/legacy_*.rs", "src/x/legacy_io.rs"));
        assert!(glob_matches("src/?.rs", "src/a.rs"));
        assert!(!glob_matches("gen/**", "src/gen/a.rs"));
    }
}
