//! Machine-applicable fixes: text edits on spans, applied back to front, and the unified diff
//! `--fix --dry-run` shows.

use crate::source::{LineIndex, Span};

/// Replace the text of `span` (empty for an insertion) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A fix that is certain to be right: applying it changes only what the finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

impl Edit {
    pub fn insert_at_end(span: Span, text: &str) -> Edit {
        Edit { span: Span { start: span.end, end: span.end }, replacement: text.to_string() }
    }

    pub fn replace(span: Span, text: &str) -> Edit {
        Edit { span, replacement: text.to_string() }
    }
}

/// Applies edits to a file's text. Overlapping edits are skipped (the first, in source order,
/// wins); returns the new text and how many edits were applied.
pub fn apply_edits(lines: &LineIndex, edits: &[Edit]) -> (String, usize) {
    let mut ranges: Vec<(std::ops::Range<usize>, &str)> =
        edits.iter().map(|e| (lines.byte_range(e.span), e.replacement.as_str())).collect();
    ranges.sort_by_key(|(range, _)| (range.start, range.end));
    let mut kept: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    for (range, text) in ranges {
        let overlaps = kept.last().is_some_and(|(last, _)| range.start < last.end);
        if !overlaps {
            kept.push((range, text));
        }
    }
    let mut out = lines.text().to_string();
    for (range, text) in kept.iter().rev() {
        out.replace_range(range.clone(), text);
    }
    (out, kept.len())
}

/// A unified diff of two versions of a file, one hunk per run of changed lines, with up to two
/// lines of context. Edits never add or remove lines, so lines pair one to one.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    if old_lines.len() != new_lines.len() {
        return format!("--- a/{path}\n+++ b/{path}\n(whole file changed)\n");
    }
    let changed: Vec<usize> = (0..old_lines.len()).filter(|&i| old_lines[i] != new_lines[i]).collect();
    if changed.is_empty() {
        return String::new();
    }
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let mut index = 0;
    while index < changed.len() {
        let first = changed[index];
        let mut last = first;
        while index + 1 < changed.len() && changed[index + 1] <= last + 4 {
            index += 1;
            last = changed[index];
        }
        let start = first.saturating_sub(2);
        let end = (last + 3).min(old_lines.len());
        out += &format!("@@ -{},{} +{},{} @@\n", start + 1, end - start, start + 1, end - start);
        for line in start..end {
            if old_lines[line] == new_lines[line] {
                out += &format!(" {}\n", old_lines[line]);
            } else {
                out += &format!("-{}\n+{}\n", old_lines[line], new_lines[line]);
            }
        }
        index += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Pos;
    use std::sync::Arc;

    fn span(line: u32, start: u32, end: u32) -> Span {
        Span { start: Pos { line, column: start }, end: Pos { line, column: end } }
    }

    #[test]
    fn applies_back_to_front_and_skips_overlaps() {
        let lines = LineIndex::new(Arc::from("let x = a(b);\nc;\n"));
        let edits = vec![
            Edit::replace(span(1, 8, 9), "z"),
            Edit::insert_at_end(span(1, 8, 12), ".await"),
            Edit::replace(span(1, 8, 10), "overlapping"),
            Edit::insert_at_end(span(2, 0, 1), ".await"),
        ];
        let (text, applied) = apply_edits(&lines, &edits);
        assert_eq!(text, "let x = z(b).await;\nc.await;\n");
        assert_eq!(applied, 3);
    }

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let diff = unified_diff("src/a.rs", "a\nb\nc\nd\n", "a\nB\nc\nd\n");
        assert_eq!(diff, "--- a/src/a.rs\n+++ b/src/a.rs\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n");
    }
}
