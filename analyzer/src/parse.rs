//! Reading and parsing one file. Never panics: every failure becomes a [`ParseFailure`]
//! with the best position known.

use std::path::Path;

use crate::lex;
use crate::source::{Pos, Span};

/// Nesting deeper than this is refused before parsing: syn's parser is recursive, and
/// generated inputs with tens of thousands of nested brackets would exhaust the stack.
pub const MAX_NESTING: usize = 500;

#[derive(Debug)]
pub struct ParseFailure {
    pub message: String,
    pub span: Span,
}

/// Files larger than this are not analysed (generated code; hand-written async code is far
/// smaller), so one huge file cannot dominate a run's time and memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Reads a file as UTF-8.
pub fn read_source(path: &Path) -> Result<String, ParseFailure> {
    let failure = |message: String| ParseFailure { message, span: Span::default() };
    let size = std::fs::metadata(path).map_err(|e| failure(format!("could not read file: {e}")))?.len();
    if size > MAX_FILE_BYTES {
        let mb = size as f64 / 1e6;
        let limit = MAX_FILE_BYTES >> 20;
        return Err(failure(format!(
            "not analysed: the file is {mb:.1} MB, over the {limit} MiB limit for one file"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| failure(format!("could not read file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() as u32 + 1;
        let column = text.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) as u32;
        let pos = Pos { line, column };
        ParseFailure { message: "file is not valid UTF-8".to_string(), span: Span { start: pos, end: pos } }
    })
}

/// Parses a file with syn, after checking its nesting depth. Doc comments are blanked out
/// first: no rule reads them, and syn would turn each into an attribute holding a copy of
/// its text (library sources are often half documentation).
pub fn parse_source(text: &str) -> Result<syn::File, ParseFailure> {
    let layout = scan_layout(text);
    if let Some((depth_pos, depth)) = layout.excessive_nesting {
        return Err(ParseFailure {
            message: format!(
                "brackets nest {depth} levels deep here; async-lint analyses at most {MAX_NESTING}"
            ),
            span: Span { start: depth_pos, end: depth_pos },
        });
    }
    let without_docs;
    let text = if layout.doc_comments.is_empty() {
        text
    } else {
        without_docs = blank(text, &layout.doc_comments);
        &without_docs
    };
    syn::parse_file(text).map_err(|e| {
        let span = Span::from_pm2(e.span());
        let span = if span.start.line == 0 { Span::default() } else { span };
        let reason = e.to_string();
        // proc-macro2's lexer error carries no detail; say what it means.
        let reason = if reason == "cannot parse string into token stream" {
            "unbalanced delimiters or an invalid token".to_string()
        } else {
            reason
        };
        ParseFailure { message: format!("could not parse file: {reason}"), span }
    })
}

/// What one lexing pass finds before syn runs.
#[derive(Default)]
struct Layout {
    /// The first place where `(`, `[`, `{` nest deeper than [`MAX_NESTING`].
    excessive_nesting: Option<(Pos, usize)>,
    /// Byte ranges of doc comments (`///`, `//!`, `/** */`, `/*! */`).
    doc_comments: Vec<std::ops::Range<usize>>,
}

/// Lexes `text` with the pre-scan's lexer (skipping strings and char literals), for its
/// nesting depth and its doc comments.
fn scan_layout(text: &str) -> Layout {
    let bytes = text.as_bytes();
    let mut layout = Layout::default();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        i = match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                if is_doc_comment(&bytes[i..end]) {
                    layout.doc_comments.push(i..end);
                }
                end
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = lex::skip_block_comment(bytes, i);
                if is_doc_comment(&bytes[i..end]) {
                    layout.doc_comments.push(i..end);
                }
                end
            }
            b'"' => lex::skip_string(bytes, i + 1),
            b'r' | b'b' if lex::starts_raw_string(bytes, i) => lex::skip_raw_string(bytes, i),
            b'\'' => lex::skip_char_or_lifetime(bytes, i),
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    layout.excessive_nesting = Some((position_of(text, i), depth));
                    return layout;
                }
                i + 1
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i + 1
            }
            _ => i + 1,
        };
    }
    // A doc comment that documents nothing (before a `}` or the end of the file) is an error
    // rustc reports; it is left for syn to report too.
    layout.doc_comments.retain(|range| {
        let next = bytes[range.end..].iter().find(|b| !b.is_ascii_whitespace());
        !matches!(next, None | Some(b'}'))
    });
    layout
}

/// `///` and `//!` (not `////`), `/**` and `/*!` (not `/***` or `/**/`), as rustc reads them.
fn is_doc_comment(comment: &[u8]) -> bool {
    match comment {
        [b'/', b'/', b'/', rest @ ..] => rest.first() != Some(&b'/'),
        [b'/', b'/', b'!', ..] => true,
        [b'/', b'*', b'*', rest @ ..] => !matches!(rest.first(), Some(b'*') | Some(b'/')),
        [b'/', b'*', b'!', ..] => true,
        _ => false,
    }
}

/// `text` with every character of `ranges` but line breaks replaced by a space, so lines and
/// (character) columns stay where they were.
fn blank(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept_until = 0;
    for range in ranges {
        out.push_str(&text[kept_until..range.start]);
        out.extend(text[range.clone()].chars().map(|c| if c == '\n' || c == '\r' { c } else { ' ' }));
        kept_until = range.end;
    }
    out.push_str(&text[kept_until..]);
    out
}

/// The line and character column of a byte offset.
fn position_of(text: &str, offset: usize) -> Pos {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32;
    Pos { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_not_crashed() {
        let deep = format!("fn f() {{ let x = {}1{}; }}", "(".repeat(100_000), ")".repeat(100_000));
        let err = parse_source(&deep).unwrap_err();
        assert!(err.message.contains("nest"), "{}", err.message);
        assert_eq!(err.span.start.line, 1);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!("// {}\nfn f() {{ let s = \"{}\"; }}", "(".repeat(900), "[".repeat(900));
        assert!(parse_source(&text).is_ok());
    }

    #[test]
    fn brackets_in_block_comments_and_raw_strings_do_not_count() {
        let text = format!("/* {} */\nfn f() {{ let s = r#\"{}\"#; }}", "(".repeat(900), "{".repeat(900));
        assert!(parse_source(&text).is_ok());
    }

    #[test]
    fn doc_comments_are_blanked_in_place() {
        let text = "/// é doc\n//// not doc\n/** block\n é */ fn f() {} /*! inner */\n//! x\nconst S: &str = \"/// kept\";\n";
        let layout = scan_layout(text);
        let blanked = blank(text, &layout.doc_comments);
        assert_eq!(
            blanked,
            "         \n//// not doc\n         \n      fn f() {}             \n     \nconst S: &str = \"/// kept\";\n"
        );
        assert_eq!(layout.doc_comments.len(), 4);
        assert!(parse_source(text).is_ok());
        // Documenting nothing is an error, whether blanked or not.
        assert!(parse_source("fn f() {}\n/// nothing\n").is_err());
        assert!(parse_source("mod m {\n    fn f() {}\n    /// nothing\n}\n").is_err());
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse_source("fn main() {\n    let = ;\n}\n").unwrap_err();
        assert_eq!(err.span.start.line, 2);
    }
}
