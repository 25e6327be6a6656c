//! Baselines: record today's findings so that only new ones are reported, to adopt async-lint
//! in an existing codebase without fixing everything first. A finding is matched by its
//! fingerprint (see [`crate::fingerprint`]), which survives unrelated edits that move lines.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::engine::Analysis;
use crate::fingerprint::fingerprints;

/// The baseline file's contents for the current findings.
pub fn to_json(analysis: &Analysis) -> String {
    let findings: Vec<Value> = analysis
        .diagnostics
        .iter()
        .zip(fingerprints(analysis))
        .map(|(d, fingerprint)| {
            json!({
                "fingerprint": fingerprint,
                "rule": d.rule,
                "file": analysis.files[d.file].source.display,
                "message": d.message,
            })
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&json!({ "version": 1, "findings": findings })).unwrap_or_default();
    out.push('\n');
    out
}

/// Fingerprints recorded in a baseline file, with how many findings share each.
#[derive(Debug, Default)]
pub struct Baseline {
    counts: HashMap<String, usize>,
}

impl Baseline {
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not a baseline file: {e}"))?;
        if value.get("version").and_then(Value::as_u64) != Some(1) {
            return Err("not a baseline file: expected `\"version\": 1`".to_string());
        }
        let findings =
            value.get("findings").and_then(Value::as_array).ok_or("not a baseline file: no `findings`")?;
        let mut counts = HashMap::new();
        for finding in findings {
            let fingerprint =
                finding.get("fingerprint").and_then(Value::as_str).ok_or("a finding has no `fingerprint`")?;
            *counts.entry(fingerprint.to_string()).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// Keeps only the findings the baseline does not know; returns how many were dropped.
    pub fn retain_new(&self, analysis: &mut Analysis) -> usize {
        let mut budget = self.counts.clone();
        let keep: Vec<bool> = fingerprints(analysis)
            .into_iter()
            .map(|fingerprint| match budget.get_mut(&fingerprint) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    false
                }
                _ => true,
            })
            .collect();
        let before = analysis.diagnostics.len();
        let mut flags = keep.into_iter();
        analysis.diagnostics.retain(|_| flags.next().unwrap_or(true));
        before - analysis.diagnostics.len()
    }
}
