//! Stable fingerprints of findings, for baselines and SARIF's `partialFingerprints`.
//!
//! A fingerprint hashes the rule, the file, the enclosing item and the source text of the
//! primary span with whitespace collapsed — never line numbers — so it survives edits that
//! move code around it. Identical findings in one item are told apart by their order.

use std::collections::HashMap;

use crate::engine::Analysis;

/// One fingerprint per diagnostic, in the same order: 16 hex digits.
pub fn fingerprints(analysis: &Analysis) -> Vec<String> {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    analysis
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let file = &analysis.files[diagnostic.file];
            let source = collapse_whitespace(file.lines.slice(diagnostic.span));
            let item = diagnostic.enclosing_item.as_deref().unwrap_or("");
            let base = fnv1a(&[diagnostic.rule, &file.source.display, item, &source]);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            format!("{:016x}", fnv1a(&[&base.to_string(), &occurrence.to_string()]))
        })
        .collect()
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// FNV-1a over the parts, each followed by a separator: stable across platforms and versions.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_does_not_change_the_hash_but_content_does() {
        assert_eq!(collapse_whitespace("a(\n    b,\n  c)"), "a( b, c)");
        assert_ne!(fnv1a(&["a", "bc"]), fnv1a(&["ab", "c"]));
        assert_eq!(fnv1a(&["x"]), fnv1a(&["x"]));
    }
}
