//! Reading and parsing one file. Never panics: every failure becomes a [`ParseFailure`]
//! with the best position known.

use std::ops::Range;
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
    parse_layout(text, Layout::scan(text, false)).map(|(file, _)| file)
}

/// Parses a file for its definitions: like [`parse_source`], but the bodies of functions are
/// blanked too, and their syntax left for [`parse_function`] to parse when one is needed.
/// A body that may define items (a nested `fn`, `impl`, `struct`, `mod`, ...) is kept, since
/// what it defines is part of the file's definitions. Returns, sorted, the position of each
/// blanked body's `{` (the blocks syn sees empty there).
pub fn parse_skeleton(text: &str) -> Result<(syn::File, Vec<Pos>), ParseFailure> {
    parse_layout(text, Layout::scan(text, true))
}

/// A function whose body [`parse_lazily`] may blank: the text of its item up to the body
/// (attributes, qualifiers, signature), its name, and its body.
pub struct FunctionText<'t> {
    pub header: &'t str,
    pub name: &'t str,
    pub body: &'t str,
}

/// Parses a file like [`parse_skeleton`], but blanks only the bodies `needed` says no to:
/// the rest are parsed with the file. Returns, sorted, the position of each blanked body's `{`.
pub fn parse_lazily(
    text: &str,
    needed: impl Fn(&FunctionText<'_>) -> bool,
) -> Result<(syn::File, Vec<Pos>), ParseFailure> {
    let mut layout = Layout::scan(text, true);
    layout.bodies.retain(|found| !needed(&found.text_in(text)));
    parse_layout(text, layout)
}

fn parse_layout(text: &str, layout: Layout) -> Result<(syn::File, Vec<Pos>), ParseFailure> {
    if let Some((depth_pos, depth)) = layout.excessive_nesting {
        return Err(ParseFailure {
            message: format!(
                "brackets nest {depth} levels deep here; async-lint analyses at most {MAX_NESTING}"
            ),
            span: Span { start: depth_pos, end: depth_pos },
        });
    }
    let blanked_bodies = positions_of(text, layout.bodies.iter().map(|body| body.inside.start - 1));
    let ranges = layout.blanked_ranges();
    let without_blanks;
    let text = if ranges.is_empty() {
        text
    } else {
        without_blanks = blank(text, &ranges);
        &without_blanks
    };
    let file = syn::parse_file(text).map_err(parse_failure)?;
    Ok((file, blanked_bodies))
}

/// Parses one function (signature and body, `text[range]`) of a file parsed with
/// [`parse_skeleton`]. `start` is the position of `range.start`: the spans syn gives are the
/// same as in a parse of the whole file.
pub fn parse_function(text: &str, range: Range<usize>, start: Pos) -> Result<syn::ImplItemFn, ParseFailure> {
    let item = &text[range];
    let layout = Layout::scan(item, false);
    let padding = start.line.saturating_sub(1) as usize + start.column as usize;
    let mut padded = String::with_capacity(padding + item.len());
    padded.extend(std::iter::repeat_n('\n', start.line.saturating_sub(1) as usize));
    padded.extend(std::iter::repeat_n(' ', start.column as usize));
    padded.push_str(&blank(item, &layout.blanked_ranges()));
    syn::parse_str(&padded).map_err(parse_failure)
}

fn parse_failure(e: syn::Error) -> ParseFailure {
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
}

/// What one lexing pass finds before syn runs.
#[derive(Default)]
struct Layout {
    /// The first place where `(`, `[`, `{` nest deeper than [`MAX_NESTING`].
    excessive_nesting: Option<(Pos, usize)>,
    /// Byte ranges of doc comments (`///`, `//!`, `/** */`, `/*! */`).
    doc_comments: Vec<Range<usize>>,
    /// With bodies wanted: the function bodies that can be blanked, in order.
    bodies: Vec<FoundBody>,
    /// With bodies wanted: the values of `const` and `static` items (between `=` and `;`),
    /// outside function bodies, in order.
    initializers: Vec<Range<usize>>,
}

/// A range of text to blank. With `zero`, its first character becomes `0`: a blanked
/// initializer must still be an expression.
struct Blank {
    range: Range<usize>,
    zero: bool,
}

impl Layout {
    /// Lexes `text` with the pre-scan's lexer (skipping strings and char literals), for its
    /// nesting depth, its doc comments and, if `find_bodies`, its function bodies.
    fn scan(text: &str, find_bodies: bool) -> Layout {
        let bytes = text.as_bytes();
        let mut layout = Layout::default();
        let mut bodies = BodyFinder::default();
        let mut initializers = InitializerFinder::default();
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
                    if find_bodies {
                        initializers.open(bytes[i], depth);
                        if !initializers.is_reading_value() {
                            bodies.open(bytes[i], i, depth);
                        }
                    }
                    depth += 1;
                    if depth > MAX_NESTING {
                        let at = positions_of(text, std::iter::once(i)).remove(0);
                        layout.excessive_nesting = Some((at, depth));
                        return layout;
                    }
                    i + 1
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if find_bodies {
                        initializers.close(depth);
                        if !initializers.is_reading_value() {
                            bodies.close(bytes[i], i, depth);
                        }
                    }
                    i + 1
                }
                b';' if find_bodies => {
                    // A `;` ending a value ends its item too.
                    initializers.semicolon(i, depth);
                    if !initializers.is_reading_value() {
                        bodies.semicolon(i);
                    }
                    i + 1
                }
                b'=' | b'<' | b'>' if find_bodies => {
                    let previous = if i > 0 { bytes[i - 1] } else { 0 };
                    initializers.punct(bytes[i], previous, bytes.get(i + 1).copied().unwrap_or(0), i, depth);
                    i + 1
                }
                c if find_bodies && (c.is_ascii_alphabetic() || c == b'_') => {
                    let end = i + bytes[i..].iter().take_while(|b| lex::is_ident_byte(**b)).count();
                    // `r#fn` is a name, not a keyword (and its `r` no word of its own).
                    if !word_is_raw_prefix(bytes, i, end) {
                        let raw = i >= 2 && &bytes[i - 2..i] == b"r#";
                        let word = if raw { &text[i - 2..end] } else { &text[i..end] };
                        let (before, after) = (byte_before(bytes, i), byte_after(bytes, end));
                        if bodies.is_outside_bodies() {
                            initializers.ident(word, before, after, depth);
                        }
                        if !initializers.is_reading_value() {
                            bodies.ident(word, i..end, before, after);
                        }
                    }
                    end
                }
                _ => i + 1,
            };
        }
        // A doc comment that documents nothing (before a `}` or the end of the file) is an
        // error rustc reports; it is left for syn to report too.
        layout.doc_comments.retain(|range| {
            let next = bytes[range.end..].iter().find(|b| !b.is_ascii_whitespace());
            !matches!(next, None | Some(b'}'))
        });
        layout.bodies = bodies.found;
        layout.initializers = initializers.found;
        layout
    }

    /// The ranges to blank, in order: the bodies and initializers, and the doc comments
    /// outside them.
    fn blanked_ranges(&self) -> Vec<Blank> {
        let bodies = self.bodies.iter().map(|body| Blank { range: body.inside.clone(), zero: false });
        let values = self.initializers.iter().map(|range| Blank { range: range.clone(), zero: true });
        let mut code: Vec<Blank> = bodies.chain(values).collect();
        code.sort_by_key(|blank| blank.range.start);
        let mut code = code.into_iter().peekable();
        let mut out =
            Vec::with_capacity(self.bodies.len() + self.initializers.len() + self.doc_comments.len());
        for comment in &self.doc_comments {
            while let Some(blank) = code.next_if(|blank| blank.range.end <= comment.start) {
                out.push(blank);
            }
            let inside_code = code.peek().is_some_and(|blank| blank.range.start <= comment.start);
            if !inside_code {
                out.push(Blank { range: comment.clone(), zero: false });
            }
        }
        out.extend(code);
        out
    }
}

/// Finds, token by token, the function bodies that can be parsed later: `fn NAME ... {`
/// opens one, at the first `{` outside parentheses and brackets (`;` or a stray `}` first
/// means there is none). A body mentioning an item keyword may define items, and is kept.
#[derive(Default)]
struct BodyFinder {
    signature: Signature,
    /// Where the item being read starts: after the last `;`, `{` or `}` outside any body and
    /// signature (its attributes and qualifiers come first).
    item_start: usize,
    /// The name after the last `fn`.
    name: Range<usize>,
    /// The body being read: where its inside starts, the depth outside it, and whether it
    /// may define items.
    current: Option<(usize, usize, bool)>,
    found: Vec<FoundBody>,
}

/// A function body that can be blanked.
struct FoundBody {
    /// Where its item starts (see [`BodyFinder::item_start`]).
    item_start: usize,
    /// The function's name.
    name: Range<usize>,
    /// Between its braces.
    inside: Range<usize>,
}

impl FoundBody {
    fn text_in<'t>(&self, text: &'t str) -> FunctionText<'t> {
        let open_brace = self.inside.start - 1;
        FunctionText {
            header: &text[self.item_start.min(open_brace)..open_brace],
            name: &text[self.name.clone()],
            body: &text[self.inside.clone()],
        }
    }
}

#[derive(Clone, Copy, Default, PartialEq)]
enum Signature {
    #[default]
    None,
    /// Just after `fn`: a name must follow (`fn(u8)` is a type).
    AfterFn,
    /// After `fn NAME`, with the parentheses and brackets open.
    Open(usize),
}

/// Keywords that may start an item inside a body (or a macro defining one). A `use` in a
/// body counts too: the file's imports include them.
const ITEM_KEYWORDS: &[&str] = &[
    "fn",
    "impl",
    "struct",
    "enum",
    "union",
    "trait",
    "mod",
    "static",
    "const",
    "type",
    "extern",
    "use",
    "macro_rules",
    "thread_local",
    "lazy_static",
];

/// Whether `word`, between the bytes `before` and `after` (the nearest that are not
/// whitespace), may start an item. Some keywords are common in bodies without one:
/// `*const T` and `const { .. }`, the type `fn(u8)`, `extern "C" fn()` (a nested
/// `extern "C" fn name` has `fn name`), and `union` is also a method (`a.union(&b)`).
fn may_start_item(word: &str, before: u8, after: u8) -> bool {
    let name_follows = after.is_ascii_alphabetic() || after == b'_';
    match word {
        "const" => before != b'*' && after != b'{',
        "fn" | "union" | "extern" => name_follows,
        _ => ITEM_KEYWORDS.contains(&word),
    }
}

/// Whether the word `bytes[start..end]` is the `r` of a raw identifier (`r#type`).
fn word_is_raw_prefix(bytes: &[u8], start: usize, end: usize) -> bool {
    end == start + 1
        && bytes[start] == b'r'
        && bytes.get(end) == Some(&b'#')
        && bytes.get(end + 1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
}

/// The nearest byte before `at` that is not whitespace (0 at the start).
fn byte_before(bytes: &[u8], at: usize) -> u8 {
    bytes[..at].iter().rev().find(|b| !b.is_ascii_whitespace()).copied().unwrap_or(0)
}

/// The first byte from `at` on that is not whitespace (0 at the end).
fn byte_after(bytes: &[u8], at: usize) -> u8 {
    bytes[at..].iter().find(|b| !b.is_ascii_whitespace()).copied().unwrap_or(0)
}

impl BodyFinder {
    fn is_outside_bodies(&self) -> bool {
        self.current.is_none()
    }

    fn ident(&mut self, word: &str, at: Range<usize>, before: u8, after: u8) {
        if let Some((_, _, defines_items)) = &mut self.current {
            *defines_items |= may_start_item(word, before, after);
            return;
        }
        self.signature = match self.signature {
            Signature::None if word == "fn" => Signature::AfterFn,
            Signature::None => Signature::None,
            Signature::AfterFn => {
                self.name = at;
                Signature::Open(0)
            }
            Signature::Open(open) => Signature::Open(open),
        };
    }

    fn open(&mut self, byte: u8, offset: usize, depth: usize) {
        if self.current.is_some() {
            return;
        }
        self.signature = match (self.signature, byte) {
            (Signature::Open(0), b'{') => {
                self.current = Some((offset + 1, depth, false));
                Signature::None
            }
            (Signature::None, b'{') => {
                self.item_start = offset + 1;
                Signature::None
            }
            (Signature::Open(open), b'(' | b'[') => Signature::Open(open + 1),
            (Signature::Open(open), _) => Signature::Open(open),
            _ => Signature::None,
        };
    }

    fn close(&mut self, byte: u8, offset: usize, depth: usize) {
        if let Some((start, outside, defines_items)) = self.current {
            if depth == outside && byte == b'}' {
                if !defines_items {
                    let name = self.name.clone();
                    self.found.push(FoundBody { item_start: self.item_start, name, inside: start..offset });
                }
                self.current = None;
                self.item_start = offset + 1;
            }
            return;
        }
        self.signature = match self.signature {
            Signature::Open(open) if open > 0 && byte != b'}' => Signature::Open(open - 1),
            _ => Signature::None,
        };
        if byte == b'}' && self.signature == Signature::None {
            self.item_start = offset + 1;
        }
    }

    fn semicolon(&mut self, offset: usize) {
        if matches!(self.signature, Signature::Open(0) | Signature::AfterFn) {
            self.signature = Signature::None;
        }
        if self.current.is_none() && self.signature == Signature::None {
            self.item_start = offset + 1;
        }
    }
}

/// Finds the values of `const` and `static` items outside function bodies: lowering keeps
/// only their types, and the values are often large tables. `const NAME:` or
/// `static [mut] NAME:` starts one (not a `<const N: usize>` parameter, nor `*const T`); its
/// type ends at the first `=` outside angle brackets, and its value at the `;` at the same
/// depth. A bracket closing below that depth first means it was something else.
#[derive(Default)]
struct InitializerFinder {
    state: Initializer,
    found: Vec<Range<usize>>,
}

#[derive(Clone, Copy, Default)]
enum Initializer {
    #[default]
    None,
    /// After `const` or `static` (and `mut`): the name comes next.
    Keyword,
    /// Reading the type, at bracket `depth`, inside `angles` angle brackets.
    Type { depth: usize, angles: usize },
    /// Reading the value, which starts at byte `start`.
    Value { start: usize, depth: usize },
}

impl InitializerFinder {
    fn is_reading_value(&self) -> bool {
        matches!(self.state, Initializer::Value { .. })
    }

    fn ident(&mut self, word: &str, before: u8, after: u8, depth: usize) {
        self.state = match self.state {
            // Not a parameter `<const N: usize>`, a pointer `*const T` or a lifetime `'static`.
            Initializer::None
                if matches!(word, "const" | "static") && !matches!(before, b'<' | b',' | b'*' | b'\'') =>
            {
                Initializer::Keyword
            }
            // The name must follow the keyword directly.
            Initializer::Keyword if !lex::is_ident_byte(before) => Initializer::None,
            Initializer::Keyword if word == "mut" => Initializer::Keyword,
            Initializer::Keyword if after == b':' => Initializer::Type { depth, angles: 0 },
            Initializer::Keyword => Initializer::None,
            state => state,
        };
    }

    fn punct(&mut self, byte: u8, previous: u8, next: u8, offset: usize, depth: usize) {
        let Initializer::Type { depth: at, angles } = self.state else { return };
        self.state = match byte {
            b'<' => Initializer::Type { depth: at, angles: angles + 1 },
            // `->` in an `Fn() -> T` type closes nothing.
            b'>' if previous != b'-' => Initializer::Type { depth: at, angles: angles.saturating_sub(1) },
            b'=' if angles == 0 && depth == at && next != b'=' => {
                Initializer::Value { start: offset + 1, depth }
            }
            _ => self.state,
        };
    }

    fn open(&mut self, byte: u8, depth: usize) {
        match self.state {
            // A type has no `{` of its own: this was not an item.
            Initializer::Keyword => self.state = Initializer::None,
            Initializer::Type { depth: at, .. } if byte == b'{' && depth == at => {
                self.state = Initializer::None
            }
            _ => {}
        }
    }

    fn close(&mut self, depth: usize) {
        match self.state {
            Initializer::Keyword => self.state = Initializer::None,
            Initializer::Type { depth: at, .. } | Initializer::Value { depth: at, .. } if depth < at => {
                self.state = Initializer::None
            }
            _ => {}
        }
    }

    fn semicolon(&mut self, offset: usize, depth: usize) {
        match self.state {
            Initializer::Value { start, depth: at } if depth == at => {
                self.found.push(start..offset);
                self.state = Initializer::None;
            }
            Initializer::Type { depth: at, .. } if depth == at => self.state = Initializer::None,
            Initializer::Keyword => self.state = Initializer::None,
            _ => {}
        }
    }
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

/// `text` with each of `blanks` emptied but for its line breaks (and a `0`, see [`Blank`]),
/// so every line, and every column outside the blanks, stays where it was: after a blank's
/// last line break come as many spaces as it had characters there. Bodies are most of a
/// file parsed for its definitions, and syn's lexer need not read them as spaces.
fn blank(text: &str, blanks: &[Blank]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept_until = 0;
    for Blank { range, zero } in blanks {
        out.push_str(&text[kept_until..range.start]);
        let blanked = &text[range.clone()];
        let zero = *zero && !blanked.is_empty();
        if zero {
            out.push('0');
        }
        let last_line = match blanked.rfind('\n') {
            Some(last_break) => {
                let line_breaks = blanked[..=last_break].bytes().filter(|b| matches!(b, b'\n' | b'\r'));
                out.extend(line_breaks.map(char::from));
                &blanked[last_break + 1..]
            }
            None => blanked,
        };
        // The `0` took a column when it is on the last line too.
        let taken = usize::from(zero && last_line.len() == blanked.len());
        out.extend(std::iter::repeat_n(' ', last_line.chars().count() - taken));
        kept_until = range.end;
    }
    out.push_str(&text[kept_until..]);
    out
}

/// The line and character column of each of `offsets` (ascending), in one pass.
fn positions_of(text: &str, offsets: impl Iterator<Item = usize>) -> Vec<Pos> {
    let mut out = Vec::new();
    let (mut line, mut column, mut counted_to) = (1u32, 0u32, 0usize);
    for offset in offsets {
        let before = &text[counted_to..offset];
        match before.rfind('\n') {
            Some(last_break) => {
                line += before.bytes().filter(|b| *b == b'\n').count() as u32;
                column = before[last_break + 1..].chars().count() as u32;
            }
            None => column += before.chars().count() as u32,
        }
        counted_to = offset;
        out.push(Pos { line, column });
    }
    out
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
        let layout = Layout::scan(text, false);
        let blanked = blank(text, &layout.blanked_ranges());
        assert_eq!(
            blanked,
            // The block comment's first line is left empty: only its last line's columns matter.
            "         \n//// not doc\n\n      fn f() {}             \n     \nconst S: &str = \"/// kept\";\n"
        );
        assert_eq!(layout.doc_comments.len(), 4);
        assert!(parse_source(text).is_ok());
        // Documenting nothing is an error, whether blanked or not.
        assert!(parse_source("fn f() {}\n/// nothing\n").is_err());
        assert!(parse_source("mod m {\n    fn f() {}\n    /// nothing\n}\n").is_err());
    }

    /// The insides of the bodies `parse_skeleton` blanks.
    fn blanked_bodies(text: &str) -> Vec<&str> {
        Layout::scan(text, true).bodies.into_iter().map(|body| text[body.inside].trim()).collect()
    }

    #[test]
    fn each_body_comes_with_its_item_header_and_name() {
        let text = "use x::y;\n#[tokio::main]\npub async fn main() { a() }\nimpl S {\n    /// doc\n    \
                    fn r#poll(&self, b: [u8; 2]) -> impl Future<Output = ()> { b() }\n}\n\
                    const C: u8 = 1; fn last() {}";
        let layout = Layout::scan(text, true);
        let found: Vec<(&str, &str, &str)> = layout
            .bodies
            .iter()
            .map(|body| body.text_in(text))
            .map(|f| (f.header.trim(), f.name, f.body.trim()))
            .collect();
        assert_eq!(
            found,
            [
                ("#[tokio::main]\npub async fn main()", "main", "a()"),
                ("/// doc\n    fn r#poll(&self, b: [u8; 2]) -> impl Future<Output = ()>", "poll", "b()"),
                ("fn last()", "last", ""),
            ]
        );
    }

    #[test]
    fn a_lazy_parse_blanks_only_the_bodies_not_needed() {
        let text = "async fn a() { x() }\nfn b() { y() }\n";
        let (file, blanked) = parse_lazily(text, |f| f.header.contains("async")).unwrap();
        assert_eq!(blanked, [Pos { line: 2, column: 7 }]);
        let bodies: Vec<usize> = file
            .items
            .iter()
            .map(|item| match item {
                syn::Item::Fn(f) => f.block.stmts.len(),
                _ => panic!("not a fn"),
            })
            .collect();
        assert_eq!(bodies, [1, 0]);
    }

    #[test]
    fn function_bodies_are_found_in_items_impls_and_traits() {
        let text = "fn a() -> u8 { 1 }\nimpl<T: Fn() -> u8> S<T> where T: Clone { pub(crate) fn b(&self) { x(); } }\n\
                    trait T { fn c(&self) { y() } fn d(&self); }\nmod m { fn e<'a>(x: &'a [u8; 4]) { z({ 1 }) } }";
        assert_eq!(blanked_bodies(text), ["1", "x();", "y()", "z({ 1 })"]);
    }

    #[test]
    fn bodies_that_may_define_items_are_kept() {
        let text = "fn a() { fn inner() {} }\nfn b() { impl S {} }\nfn c() { struct P; }\n\
                    fn d() { const N: u8 = 1; }\nfn e() { thread_local!(static X: u8 = 1); }\nfn f() { g() }\n\
                    fn i() { use std::io::Read; }";
        assert_eq!(blanked_bodies(text), ["g()"]);
    }

    #[test]
    fn item_keywords_that_start_no_item_do_not_keep_a_body() {
        // Raw pointers, inline const blocks, function pointer types and `union` as a method
        // define nothing; `const fn`, `extern crate` and `union U` do.
        let text = r#"fn a(p: *const u8) { let q = p as *const u16; }
fn b() { const { 1 } }
fn c() { let f: fn(u8) = g; let e: extern "C" fn() = h; }
fn d() { a.union(&b) }
fn e() { const fn k() {} }
fn f() { extern crate alloc; }
fn g() { union U { x: u8 } }
fn h() { extern "C" fn l() {} }"#;
        let blankable = [
            "let q = p as *const u16;",
            "const { 1 }",
            r#"let f: fn(u8) = g; let e: extern "C" fn() = h;"#,
            "a.union(&b)",
        ];
        assert_eq!(blanked_bodies(text), blankable);
    }

    #[test]
    fn function_types_and_bodiless_functions_open_no_body() {
        // `fn(u8)` is a type; `impl Trait for fn()` is not a body; `extern` items have none.
        let text = "struct S { f: fn(u8) }\nimpl T for fn() { fn m(&self) { a() } }\n\
                    extern \"C\" { fn ext(x: u8); }\ntype F = fn() -> u8;\nfn r#type() { b() }\n\
                    static G: fn() = { fn h() {} h };\nconst C: &str = \"fn x() { y }\";";
        // `h` is inside a static's value, which is blanked whole.
        assert_eq!(blanked_bodies(text), ["a()", "b()"]);
    }

    #[test]
    fn values_of_consts_and_statics_are_blanked_to_zero() {
        let text = r#"const A: [u8; 3] = [1, 2, 3];
pub static mut B: Option<Box<dyn Fn() -> u8>> = None;
static C: &'static str = "x;y";
impl S { const D: Map<Item = u8> = m(); }
struct P<const N: usize = 3>;
fn f<const N: usize>() -> &'static u8 { g() }
extern "C" { static E: u8; }
const fn h() -> u8 { 1 }
fn k() { const L: u8 = 1; }
type T = u8;
impl<T> Tr for T where T: 'static, U: Clone { fn m() {} }
type V = u8;
thread_local! { static W: Cell<u8> = Cell::new(0); }
"#;
        let layout = Layout::scan(text, true);
        let values: Vec<&str> = layout.initializers.iter().map(|range| text[range.clone()].trim()).collect();
        assert_eq!(values, ["[1, 2, 3]", "None", r#""x;y""#, "m()", "Cell::new(0)"]);
        let blanked = blank(text, &layout.blanked_ranges());
        assert!(blanked.starts_with(&format!("const A: [u8; 3] =0{};\n", " ".repeat(9))));
        let (file, _) = parse_skeleton(text).unwrap();
        let syn::Item::Const(a) = &file.items[0] else { panic!("not a const") };
        assert!(matches!(&*a.expr, syn::Expr::Lit(_)));
    }

    #[test]
    fn a_skeleton_parses_with_empty_blocks_where_bodies_were() {
        let text = "/// doc\nfn a() -> u8 {\n    /// inside\n    let x = \"{\";\n    1\n}\nfn b() {}\n";
        let (file, blanked) = parse_skeleton(text).unwrap();
        assert_eq!(blanked, [Pos { line: 2, column: 13 }, Pos { line: 7, column: 7 }]);
        let syn::Item::Fn(a) = &file.items[0] else { panic!("not a fn") };
        assert!(a.block.stmts.is_empty());
        // The function parsed alone has the spans it has in the whole file.
        let item = parse_function(text, 8..text.find("\nfn b").unwrap(), Pos { line: 2, column: 0 }).unwrap();
        assert_eq!(item.block.stmts.len(), 2);
        let tail = Span::from_pm2(syn::spanned::Spanned::span(&item.block.stmts[1]));
        assert_eq!(tail.start, Pos { line: 5, column: 4 });
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\né{\n\n  {";
        let offsets = [text.find('{').unwrap(), text.rfind('{').unwrap()];
        assert_eq!(
            positions_of(text, offsets.into_iter()),
            [Pos { line: 2, column: 1 }, Pos { line: 4, column: 2 }]
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse_source("fn main() {\n    let = ;\n}\n").unwrap_err();
        assert_eq!(err.span.start.line, 2);
    }
}
