//! Renderers: rustc-style human output (codespan-reporting), JSON lines, SARIF, GitHub
//! annotations and cargo's JSON message stream. They return strings; only the binary writes
//! them.

mod cargo;
mod github;
mod sarif;

pub use cargo::render_cargo_json;
pub use github::render_github;
pub use sarif::{render_sarif, DOCS_BASE};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor, Chars, Config, Styles, StylesWriter};
use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::{Analysis, LoadedFile};
use crate::source::Span;

/// Renders every diagnostic as rustc does: header, source snippet with the primary span and
/// labels, then notes and `help:`.
pub fn render_human(analysis: &Analysis, color: bool) -> String {
    let mut files = SimpleFiles::new();
    for file in &analysis.files {
        files.add(file.source.display.clone(), file.lines.text().to_string());
    }
    let config = Config { chars: Chars::ascii(), ..Config::default() };
    let styles = Styles::default();
    let mut buffer = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    for diagnostic in &analysis.diagnostics {
        let file = &analysis.files[diagnostic.file];
        let rendered = to_codespan(diagnostic, file);
        let mut writer = StylesWriter::new(&mut buffer, &styles);
        // Rendering only fails for positions outside the file; those are clamped already.
        let _ = term::emit_to_write_style(&mut writer, &config, &files, &rendered);
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// One diagnostic rendered as rustc would (for the `rendered` field of cargo's stream).
pub fn render_one(analysis: &Analysis, diagnostic: &Diagnostic, color: bool) -> String {
    let file = &analysis.files[diagnostic.file];
    let mut files = SimpleFiles::new();
    let mut ids = vec![0; analysis.files.len()];
    ids[diagnostic.file] = files.add(file.source.display.clone(), file.lines.text().to_string());
    let config = Config { chars: Chars::ascii(), ..Config::default() };
    let styles = Styles::default();
    let mut buffer = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    let mut rendered = to_codespan(diagnostic, file);
    for label in &mut rendered.labels {
        label.file_id = ids[diagnostic.file];
    }
    let mut writer = StylesWriter::new(&mut buffer, &styles);
    let _ = term::emit_to_write_style(&mut writer, &config, &files, &rendered);
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

fn to_codespan(diagnostic: &Diagnostic, file: &LoadedFile) -> cs::Diagnostic<usize> {
    let severity = match diagnostic.severity {
        Severity::Warning => cs::Severity::Warning,
        Severity::Error => cs::Severity::Error,
    };
    let range = |span: Span| file.lines.byte_range(span);
    let mut labels =
        vec![cs::Label::primary(diagnostic.file, range(diagnostic.span))
            .with_message(&diagnostic.primary_label)];
    for label in &diagnostic.labels {
        labels.push(cs::Label::secondary(diagnostic.file, range(label.span)).with_message(&label.message));
    }
    let mut notes: Vec<String> = diagnostic.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.rule)
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// One JSON object per diagnostic, one per line. Lines and columns are 1-based, columns count
/// characters, and `end_column` is exclusive (one past the last character).
pub fn render_json(analysis: &Analysis) -> String {
    let mut out = String::new();
    for diagnostic in &analysis.diagnostics {
        out.push_str(&json_diagnostic(analysis, diagnostic).to_string());
        out.push('\n');
    }
    out
}

pub fn json_diagnostic(analysis: &Analysis, diagnostic: &Diagnostic) -> Value {
    let file = &analysis.files[diagnostic.file].source.display;
    let position = |span: Span| {
        (span.start.line.max(1), span.start.column + 1, span.end.line.max(1), span.end.column + 1)
    };
    let (line, column, end_line, end_column) = position(diagnostic.span);
    let labels: Vec<Value> = diagnostic
        .labels
        .iter()
        .map(|label| {
            let (line, column, end_line, end_column) = position(label.span);
            json!({
                "file": file, "line": line, "column": column,
                "end_line": end_line, "end_column": end_column, "message": label.message,
            })
        })
        .collect();
    json!({
        "rule": diagnostic.rule,
        "level": diagnostic.severity.as_str(),
        "message": diagnostic.message,
        "file": file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "labels": labels,
        "notes": diagnostic.notes,
        "help": diagnostic.help,
    })
}
