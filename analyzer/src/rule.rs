//! The [`Rule`] trait and rule metadata. A rule is one file in the `rules` crate: its
//! metadata and docs (from which `docs/rules/<id>.md` is generated) and its check.

use crate::diagnostic::{Finding, Level};
use crate::hir::FileHir;
use crate::semantics::Semantics;
use crate::source::{LineIndex, SourceFile};

/// The documentation of a rule, in clippy's shape.
#[derive(Debug)]
pub struct RuleDocs {
    pub what_it_does: &'static str,
    pub why_is_this_bad: &'static str,
    /// Rust code that the rule reports.
    pub example: &'static str,
    /// The same code, fixed.
    pub use_instead: &'static str,
    pub known_limits: &'static str,
}

#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, snake_case; never reused.
    pub id: &'static str,
    pub default_level: Level,
    /// One line for `--list-rules` and SARIF's short description.
    pub summary: &'static str,
    /// clippy/rustc lints that find the same thing: where one is allowed (`#[allow(..)]` on the
    /// function or around it), the user has already acknowledged the code, and it is not
    /// reported.
    pub equivalent_lints: &'static [&'static str],
    pub docs: RuleDocs,
}

impl RuleMeta {
    /// The rule's documentation page, as published in `docs/rules/<id>.md` and printed by
    /// `--explain`.
    pub fn render_markdown(&self) -> String {
        let docs = &self.docs;
        let equivalents = if self.equivalent_lints.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = self.equivalent_lints.iter().map(|l| format!("`{l}`")).collect();
            format!(
                "\nCode where {} is allowed (`#[allow(..)]` or `#[expect(..)]` on the function, an \
                 enclosing item, a `let` statement or an expression) is not reported: the finding \
                 is already acknowledged there.\n",
                names.join(" or ")
            )
        };
        format!(
            "# `{id}`\n\n\
             Default level: `{level}`. {summary}\n\n\
             ## What it does\n\n{what}\n\n\
             ## Why is this bad\n\n{why}\n\n\
             ## Example\n\n```rust\n{example}\n```\n\n\
             ## Use instead\n\n```rust\n{instead}\n```\n\n\
             ## Known limits\n\n{limits}\n{equivalents}\n\
             Suppress one finding with `// async-lint: allow({id})` at the end of its line or on its own\n\
             line just above it; a whole file with `// async-lint: allow-file({id})`.\n",
            id = self.id,
            level = self.default_level.as_str(),
            summary = self.summary,
            what = docs.what_it_does.trim(),
            why = docs.why_is_this_bad.trim(),
            example = docs.example.trim(),
            instead = docs.use_instead.trim(),
            limits = docs.known_limits.trim(),
            equivalents = equivalents,
        )
    }
}

/// Rule settings from the configuration.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// `cancel_unsafe_select` also reports selects outside loops.
    pub select_outside_loops: bool,
}

/// What a rule sees of one file.
pub struct RuleContext<'a> {
    pub file: &'a SourceFile,
    pub hir: &'a FileHir,
    pub sem: &'a Semantics<'a>,
    /// The file's text, for snippets in `help:` lines.
    pub lines: &'a LineIndex,
    pub options: &'a RuleOptions,
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Reports the rule's findings in one file. Deciding and reporting stay separate inside
    /// each rule: a `find_*` function decides, a `report` function builds the [`Finding`].
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>);
}

/// The engine's own diagnostic for files that cannot be read or parsed.
pub static SYNTAX_ERROR: RuleMeta = RuleMeta {
    id: "syntax_error",
    default_level: Level::Deny,
    summary: "A file could not be read or parsed; it was not analysed.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "Reports a file that async-lint could not read (missing, unreadable, not UTF-8) \
            or parse as Rust (a syntax error, or nesting deeper than the analyzer's limit). \
            The position is the parse error's. Every other file is still analysed.",
        why_is_this_bad: "Nothing in the file was checked, so findings in it may be missing. \
            rustc would reject the same file, unless it is excluded by `cfg` or generated.",
        example: "async fn broken( {\n}",
        use_instead: "async fn fixed() {\n}",
        known_limits: "async-lint parses with `syn`, which follows stable Rust syntax. Files that use \
            unstable syntax behind feature gates may be reported here; exclude them in the \
            configuration or with `// async-lint: allow-file(syntax_error)`. Only what the \
            analysis needs is parsed: a file no async code depends on is only checked for \
            unbalanced or too deeply nested delimiters, and in a file parsed for its \
            definitions, a function body nothing calls is not parsed. `--parse-all` parses \
            everything.",
    },
};
