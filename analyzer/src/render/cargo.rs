//! cargo's `--message-format json` stream: `{"reason":"compiler-message", "message": <rustc
//! diagnostic>}` per finding, then `{"reason":"build-finished"}`. rust-analyzer's
//! `check.overrideCommand` reads this, so findings show inline in any editor.

use std::path::Path;

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::{Analysis, LoadedFile};
use crate::source::Span;

/// `root` is the workspace root: span file names are relative to it, as cargo's are.
pub fn render_cargo_json(analysis: &Analysis, root: &Path) -> String {
    let mut out = String::new();
    for diagnostic in &analysis.diagnostics {
        let file = &analysis.files[diagnostic.file];
        let message = json!({
            "reason": "compiler-message",
            "package_id": format!("path+file://{}#{}", file.source.krate.root.display(), file.source.krate.name),
            "manifest_path": file.source.krate.root.join("Cargo.toml"),
            "target": {
                "kind": ["lib"],
                "crate_types": ["lib"],
                "name": file.source.krate.name,
                "src_path": file.source.path,
                "edition": edition(file),
                "doc": false,
                "doctest": false,
                "test": false,
            },
            "message": rustc_diagnostic(analysis, diagnostic, file, root),
        });
        out.push_str(&message.to_string());
        out.push('\n');
    }
    out.push_str(
        &json!({ "reason": "build-finished", "success": analysis.count(Severity::Error) == 0 }).to_string(),
    );
    out.push('\n');
    out
}

fn edition(file: &LoadedFile) -> &'static str {
    use crate::source::Edition;
    match file.source.edition {
        Edition::E2015 => "2015",
        Edition::E2018 => "2018",
        Edition::E2021 => "2021",
        Edition::E2024 => "2024",
    }
}

fn rustc_diagnostic(analysis: &Analysis, diagnostic: &Diagnostic, file: &LoadedFile, root: &Path) -> Value {
    let file_name =
        file.source.path.strip_prefix(root).unwrap_or(&file.source.path).to_string_lossy().replace('\\', "/");
    let level = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut spans = vec![span(file, &file_name, diagnostic.span, true, Some(&diagnostic.primary_label))];
    spans.extend(diagnostic.labels.iter().map(|l| span(file, &file_name, l.span, false, Some(&l.message))));
    let mut children: Vec<Value> =
        diagnostic.notes.iter().map(|note| child("note", note, Vec::new())).collect();
    if let Some(help) = &diagnostic.help {
        // Like rustc's suggestions, the help points at the code it is about.
        let at = vec![span(file, &file_name, diagnostic.span, true, None)];
        children.push(child("help", help, at));
    }
    json!({
        "$message_type": "diagnostic",
        "message": diagnostic.message,
        "code": { "code": format!("async_lint::{}", diagnostic.rule), "explanation": null },
        "level": level,
        "spans": spans,
        "children": children,
        "rendered": super::render_one(analysis, diagnostic, false),
    })
}

fn child(level: &str, message: &str, spans: Vec<Value>) -> Value {
    json!({ "message": message, "code": null, "level": level, "spans": spans, "children": [], "rendered": null })
}

fn span(file: &LoadedFile, file_name: &str, span: Span, is_primary: bool, label: Option<&str>) -> Value {
    let bytes = file.lines.byte_range(span);
    let text: Vec<Value> = (span.start.line.max(1)..=span.end.line.max(1))
        .map(|line| {
            let line_text = file.lines.line_text(line);
            let start = if line == span.start.line { span.start.column + 1 } else { 1 };
            let end = if line == span.end.line {
                span.end.column + 1
            } else {
                line_text.chars().count() as u32 + 1
            };
            json!({ "text": line_text, "highlight_start": start, "highlight_end": end })
        })
        .collect();
    json!({
        "file_name": file_name,
        "byte_start": bytes.start,
        "byte_end": bytes.end,
        "line_start": span.start.line.max(1),
        "line_end": span.end.line.max(1),
        "column_start": span.start.column + 1,
        "column_end": span.end.column + 1,
        "is_primary": is_primary,
        "text": text,
        "label": label.filter(|l| !l.is_empty()),
        "suggested_replacement": null,
        "suggestion_applicability": null,
        "expansion": null,
    })
}
