//! SARIF 2.1.0, as GitHub code scanning accepts it: the tool's rules (id, descriptions, default
//! level, help URI), results with locations, related locations for labels, and stable
//! `partialFingerprints`.

use serde_json::{json, Value};

use crate::diagnostic::{Level, Severity};
use crate::engine::Analysis;
use crate::fingerprint::fingerprints;
use crate::rule::RuleMeta;
use crate::source::Span;

/// Where each rule's documentation is published.
pub const DOCS_BASE: &str = "https://github.com/async-lint/async-lint/blob/main/docs/rules";

pub fn render_sarif(analysis: &Analysis, rules: &[&RuleMeta], version: &str) -> String {
    let fingerprints = fingerprints(analysis);
    let results: Vec<Value> = analysis
        .diagnostics
        .iter()
        .zip(&fingerprints)
        .map(|(diagnostic, fingerprint)| {
            let file = &analysis.files[diagnostic.file].source.display;
            let rule_index = rules.iter().position(|r| r.id == diagnostic.rule).unwrap_or(0);
            let related: Vec<Value> = diagnostic
                .labels
                .iter()
                .enumerate()
                .map(|(index, label)| {
                    json!({ "id": index + 1, "physicalLocation": location(file, label.span), "message": { "text": label.message } })
                })
                .collect();
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            json!({
                "ruleId": diagnostic.rule,
                "ruleIndex": rule_index,
                "level": match diagnostic.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": text },
                "locations": [{ "physicalLocation": location(file, diagnostic.span) }],
                "relatedLocations": related,
                "partialFingerprints": { "asyncLintFingerprint/v1": fingerprint },
            })
        })
        .collect();
    let driver_rules: Vec<Value> = rules.iter().map(|rule| rule_descriptor(rule)).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "async-lint",
                "version": version,
                "semanticVersion": version,
                "informationUri": "https://github.com/async-lint/async-lint",
                "rules": driver_rules,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "uri": "file:///" } },
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn rule_descriptor(rule: &RuleMeta) -> Value {
    let level = match rule.default_level {
        Level::Allow => "none",
        Level::Warn => "warning",
        Level::Deny => "error",
    };
    json!({
        "id": rule.id,
        "name": upper_camel(rule.id),
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.docs.what_it_does.split_whitespace().collect::<Vec<_>>().join(" ") },
        "defaultConfiguration": { "level": level },
        "helpUri": format!("{DOCS_BASE}/{}.md", rule.id),
        "help": { "text": rule.docs.why_is_this_bad.split_whitespace().collect::<Vec<_>>().join(" "), "markdown": rule.render_markdown() },
        "properties": { "tags": ["async", "correctness"], "precision": "high" },
    })
}

/// `blocking_call` -> `BlockingCall`: SARIF wants `name` readable and different from `id`.
fn upper_camel(id: &str) -> String {
    id.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

fn location(file: &str, span: Span) -> Value {
    json!({
        "artifactLocation": { "uri": file, "uriBaseId": "%SRCROOT%" },
        "region": {
            "startLine": span.start.line.max(1),
            "startColumn": span.start.column + 1,
            "endLine": span.end.line.max(1),
            "endColumn": span.end.column + 1,
        },
    })
}
