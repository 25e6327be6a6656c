//! Source files as the analyzer sees them: text, edition, crate and module identity,
//! and the line index that turns (line, column) positions into byte offsets.

use std::path::PathBuf;
use std::sync::Arc;

/// The Rust edition a file is compiled with. It changes drop order (`if let` else-blocks),
/// so the guard rules must know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edition {
    E2015,
    E2018,
    E2021,
    E2024,
}

impl Edition {
    pub fn parse(text: &str) -> Option<Edition> {
        match text.trim() {
            "2015" => Some(Edition::E2015),
            "2018" => Some(Edition::E2018),
            "2021" => Some(Edition::E2021),
            "2024" => Some(Edition::E2024),
            _ => None,
        }
    }
}

/// Identity of the crate a file belongs to: files of one crate share a namespace
/// (`crate::...`) and one index.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CrateId {
    /// The crate's name as used in paths (`my_crate`, dashes replaced).
    pub name: String,
    /// The directory of the package's `Cargo.toml`, or the file's directory outside cargo.
    pub root: PathBuf,
}

/// One file to analyse.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path used to read the file.
    pub path: PathBuf,
    /// The path shown to users (relative to the working directory when under it).
    pub display: String,
    pub edition: Edition,
    pub krate: CrateId,
    /// Module path inside the crate, e.g. `["db", "pool"]` for `src/db/pool.rs`.
    pub module: Vec<String>,
    /// Whether the whole file is test code (`tests/`, `benches/`).
    pub is_test_target: bool,
    /// Whether the package depends on tokio with its `time` feature (so a fix may write
    /// `tokio::time::sleep`).
    pub tokio_time: bool,
    /// The async runtime the package depends on, whose APIs help texts name.
    pub runtime: Runtime,
}

/// An async runtime, as a package's dependencies tell: tokio when it depends on tokio (or on
/// no runtime this knows), else async-std or smol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Runtime {
    #[default]
    Tokio,
    AsyncStd,
    Smol,
}

impl Runtime {
    /// The runtime's mutex that may be held across `.await`.
    pub fn async_mutex(self) -> &'static str {
        match self {
            Runtime::Tokio => "tokio::sync::Mutex",
            Runtime::AsyncStd => "async_std::sync::Mutex",
            Runtime::Smol => "smol::lock::Mutex",
        }
    }

    /// The runtime of a package with these dependencies (their package names).
    pub fn of_dependencies<'d>(names: impl IntoIterator<Item = &'d str>) -> Runtime {
        let names: Vec<&str> = names.into_iter().collect();
        if names.contains(&"tokio") {
            Runtime::Tokio
        } else if names.contains(&"async-std") {
            Runtime::AsyncStd
        } else if names.contains(&"smol") {
            Runtime::Smol
        } else {
            Runtime::Tokio
        }
    }
}

impl SourceFile {
    /// `my_crate::db::pool` for `src/db/pool.rs`: the prefix of every item path it defines.
    pub fn module_path(&self) -> String {
        std::iter::once(self.krate.name.as_str())
            .chain(self.module.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("::")
    }
}

/// A position as proc-macro2 reports it: 1-based line, 0-based column in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A half-open range of source positions in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn from_pm2(span: proc_macro2::Span) -> Span {
        let start = span.start();
        let end = span.end();
        Span {
            start: Pos { line: start.line as u32, column: start.column as u32 },
            end: Pos { line: end.line as u32, column: end.column as u32 },
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// The byte offset of a position in `text`, clamped to it; for the rare lookup where no
/// [`LineIndex`] is at hand (it scans the text up to the position's line).
pub fn offset_in(text: &str, pos: Pos) -> usize {
    // The start of the position's line, or of the last line when it is past the end.
    let line_start = match pos.line.max(1) - 1 {
        0 => 0,
        breaks => text
            .match_indices('\n')
            .nth(breaks as usize - 1)
            .or_else(|| text.rmatch_indices('\n').next())
            .map_or(0, |(i, _)| i + 1),
    };
    let line = text[line_start..].split_inclusive('\n').next().unwrap_or("");
    line_start + line.char_indices().nth(pos.column as usize).map_or(line.len(), |(i, _)| i)
}

/// Maps (line, character column) to byte offsets, for renderers that need byte ranges.
#[derive(Debug, Clone)]
pub struct LineIndex {
    text: Arc<str>,
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: Arc<str>) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The byte offset of a position, clamped to the text.
    pub fn offset(&self, pos: Pos) -> usize {
        let line = (pos.line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[line];
        let end = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
        let line_text = &self.text[start..end];
        let column_bytes =
            line_text.char_indices().nth(pos.column as usize).map(|(i, _)| i).unwrap_or(line_text.len());
        start + column_bytes
    }

    pub fn byte_range(&self, span: Span) -> std::ops::Range<usize> {
        let start = self.offset(span.start);
        let end = self.offset(span.end).max(start);
        start..end
    }

    /// The text of one 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let index = line.max(1) as usize - 1;
        let Some(&start) = self.line_starts.get(index) else {
            return "";
        };
        let end = self.line_starts.get(index + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[self.byte_range(span)]
    }
}

#[cfg(test)]
mod tests {
    use super::{offset_in, LineIndex, Pos, Runtime};

    #[test]
    fn offsets_without_an_index_are_those_of_the_index() {
        let text = "fn é() {}\n  let ünï = 1;\r\n\nend";
        let index = LineIndex::new(text.into());
        for (line, column) in [(1, 0), (1, 4), (2, 6), (2, 40), (3, 0), (4, 2), (9, 0)] {
            let pos = Pos { line, column };
            assert_eq!(offset_in(text, pos), index.offset(pos), "{pos:?}");
        }
    }

    #[test]
    fn a_package_on_tokio_or_no_known_runtime_is_tokios() {
        assert_eq!(Runtime::of_dependencies(["serde", "tokio", "async-std"]), Runtime::Tokio);
        assert_eq!(Runtime::of_dependencies(["serde"]), Runtime::Tokio);
        assert_eq!(Runtime::of_dependencies(["async-std", "smol"]), Runtime::AsyncStd);
        assert_eq!(Runtime::of_dependencies(["smol", "serde"]), Runtime::Smol);
    }
}
