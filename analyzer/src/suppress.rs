//! Suppression comments: `// async-lint: allow(rule_a, rule_b)` at the end of the reported
//! line, or on a line of its own just above it; `// async-lint: allow-file(rule)` anywhere in
//! the file. `all` matches every rule.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Suppressions {
    by_line: HashMap<u32, Vec<String>>,
    whole_file: Vec<String>,
}

const MARKER: &str = "async-lint:";

impl Suppressions {
    pub fn parse(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        // Almost no file has any: one search of the whole text is cheaper than one per line.
        if !text.contains(MARKER) {
            return out;
        }
        for (index, line) in text.lines().enumerate() {
            let Some(comment_at) = line.find("//") else {
                continue;
            };
            let comment = &line[comment_at + 2..];
            let Some(marker_at) = comment.find(MARKER) else {
                continue;
            };
            let directive = comment[marker_at + MARKER.len()..].trim_start();
            if let Some(rules) = parse_list(directive, "allow-file") {
                out.whole_file.extend(rules);
            } else if let Some(rules) = parse_list(directive, "allow") {
                let line_number = index as u32 + 1;
                // A comment on its own line covers the next line; a trailing one its own line.
                let own_line = line[..comment_at].trim().is_empty();
                let target = if own_line { line_number + 1 } else { line_number };
                out.by_line.entry(target).or_default().extend(rules);
            }
        }
        out
    }

    /// Whether a finding of `rule` reported at `line` is suppressed.
    pub fn is_suppressed(&self, rule: &str, line: u32) -> bool {
        let names = |rules: &[String]| rules.iter().any(|r| r == rule || r == "all");
        if names(&self.whole_file) {
            return true;
        }
        self.by_line.get(&line).is_some_and(|rules| names(rules))
    }
}

fn parse_list(directive: &str, keyword: &str) -> Option<Vec<String>> {
    let rest = directive.strip_prefix(keyword)?.trim_start();
    let inner = rest.strip_prefix('(')?;
    let inner = &inner[..inner.find(')')?];
    Some(inner.split(',').map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_line_covers_the_next_line_trailing_covers_its_own() {
        let text = "// async-lint: allow(blocking_call)\nx\ny // async-lint: allow(a, b)\nz\n";
        let s = Suppressions::parse(text);
        assert!(s.is_suppressed("blocking_call", 2));
        assert!(!s.is_suppressed("blocking_call", 3));
        assert!(s.is_suppressed("b", 3));
        assert!(!s.is_suppressed("b", 4), "a trailing comment covers its own line only");
        assert!(!s.is_suppressed("c", 3));
    }

    #[test]
    fn file_wide_and_all() {
        let s = Suppressions::parse("fn f() {}\n// async-lint: allow-file(nested_runtime)\n");
        assert!(s.is_suppressed("nested_runtime", 40));
        assert!(!s.is_suppressed("blocking_call", 40));
        let all = Suppressions::parse("x // async-lint: allow(all)\n");
        assert!(all.is_suppressed("anything", 1));
        assert!(!Suppressions::parse("allow-file(x)\n").is_suppressed("x", 1));
    }
}
