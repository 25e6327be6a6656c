//! The pre-scan: one byte-level pass over every file, before anything is parsed.
//!
//! Most files of a large codebase contain no async code. The pre-scan finds the **roots**: the
//! files a rule could report on by themselves, because they mention `async`, `await`, an
//! async-stream `stream!`, a future type, a `poll*` method of a polled trait's impl, an async
//! runtime's spawn, an external async API, or have delimiters that do not balance or nest too deep (so their
//! syntax error is reported). For every other file it records what
//! [`crate::selection`] needs to decide, from the parsed roots, whether the file is needed
//! after all: the names of the functions and types it defines, what it re-exports, the
//! identifiers it mentions, and the names it calls.

use std::collections::BTreeMap;

use crate::context::POLLED_TRAITS;
use crate::lex::{
    is_ident_byte, skip_block_comment, skip_char_or_lifetime, skip_raw_string, skip_string, starts_raw_string,
};
use crate::parse::{FunctionText, MAX_NESTING};

/// What the pre-scan learns about one file.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    /// A rule could report on this file by itself.
    pub root: bool,
    /// Every identifier the file mentions, hashed ([`ident_hash`]), sorted and deduplicated.
    pub idents: Vec<u64>,
    /// The functions it defines: `(None, NAME)` for `fn NAME` outside any `impl`/`trait`
    /// block, `(Some(TYPE), NAME)` directly inside `impl .. TYPE {` or `trait TYPE {`.
    pub fn_defs: Vec<FnDef>,
    /// Names of the types it defines (`struct`, `enum`, `union`, `trait`, `type`).
    pub type_defs: Vec<Name>,
    /// Identifiers inside `pub use` items: what the file may re-export.
    pub reexported: Vec<Name>,
    /// Whether a `pub use` item ends in `*`: the file may re-export names it never spells.
    pub reexports_glob: bool,
    /// Calls by path: `(None, NAME)` for `NAME(` and `module::NAME(`, `(Some(TYPE), NAME)`
    /// for `TYPE::NAME(`.
    pub path_calls: Vec<FnDef>,
    /// Names called as methods: `.NAME(`.
    pub method_calls: Vec<Name>,
    /// `type` aliases of an async API's type (`type EventTx = Sender<Event>;` in a file that
    /// names `tokio`), each with the names of that type's async methods: a file using one may
    /// call them without naming the API itself.
    pub async_aliases: Vec<(Name, Vec<Name>)>,
    /// `impl TRAIT for TYPE` blocks: `(TYPE, TRAIT)`, the last segments. A method call on
    /// `TYPE` may reach the trait's default method.
    pub trait_impls: Vec<(Name, Name)>,
}

impl Scan {
    pub fn mentions(&self, ident: &str) -> bool {
        self.mentions_name(ident_hash(ident))
    }

    pub fn mentions_name(&self, name: Name) -> bool {
        self.idents.binary_search(&name).is_ok()
    }
}

/// A function as the pre-scan sees it: its owner type or trait, if any, and its name.
pub type FnDef = (Option<Name>, Name);

/// An identifier as the pre-scan records it: its hash ([`ident_hash`]). Names are only
/// compared, and a hash is an eighth of a `String`'s memory; a collision can only make a file
/// a candidate it need not be.
pub type Name = u64;

/// What code using an external async API has to mention, from the catalog: a file calling
/// one of these may drop a future even without any `async` of its own. Every entry starts
/// with the API's crate, which such a file names (in a `use` or a path).
#[derive(Debug, Default, Clone)]
pub struct AsyncApiEvidence {
    /// Async functions: crate, type when it is an associated function, last segment:
    /// `("tokio", None, "sleep")`, `("tokio", Some("TcpStream"), "connect")`.
    pub functions: Vec<(String, Option<String>, String)>,
    /// Async methods by the type that has them (see [`Self::set_methods`]).
    pub methods: Vec<TypeMethods>,
    /// The name of every async method, sorted and deduplicated.
    pub method_names: Vec<Name>,
    /// Modules whose functions are all async, by segment: `["tokio", "fs"]`.
    pub modules: Vec<Vec<String>>,
    /// Crates whose `spawn*` functions and methods start tasks: `tokio`, `smol`.
    pub spawn_crates: Vec<String>,
}

/// A type's async methods, as name hashes: crate, type name, methods (sorted):
/// `tokio`, `Sender`, [`send`, `reserve`, ..].
#[derive(Debug, Clone)]
pub struct TypeMethods {
    pub krate: Name,
    pub ty: Name,
    pub methods: Vec<Name>,
}

impl AsyncApiEvidence {
    /// Sets the async methods from `(crate, type name, method)` triples. Hashed and grouped
    /// once: the catalog has about a thousand (every tokio I/O type has `read_u32` ...), and
    /// every file and root body is checked against them.
    pub fn set_methods<'s>(&mut self, triples: impl IntoIterator<Item = (&'s str, &'s str, &'s str)>) {
        let mut by_type: BTreeMap<(Name, Name), Vec<Name>> = BTreeMap::new();
        for (krate, ty, method) in triples {
            by_type.entry((ident_hash(krate), ident_hash(ty))).or_default().push(ident_hash(method));
        }
        self.methods = by_type
            .into_iter()
            .map(|((krate, ty), mut methods)| {
                methods.sort_unstable();
                methods.dedup();
                TypeMethods { krate, ty, methods }
            })
            .collect();
        self.method_names = self.methods.iter().flat_map(|of_type| of_type.methods.iter().copied()).collect();
        self.method_names.sort_unstable();
        self.method_names.dedup();
    }
}

/// FNV-1a: identifiers are short, and this is all the hashing the pre-scan needs.
pub fn ident_hash(ident: &str) -> u64 {
    ident.bytes().fold(FNV_OFFSET, fnv_step)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
}

/// The bytes that continue an identifier (`[A-Za-z0-9_]`), by table: the pre-scan's
/// innermost loop.
const IDENT_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_ident_byte(byte as u8);
        byte += 1;
    }
    table
};

/// Identifiers that make a file a root by themselves.
fn is_root_ident(ident: &str) -> bool {
    // Called for every identifier of every file: look for the `F` before searching.
    matches!(ident, "async" | "await")
        || ident.bytes().position(|b| b == b'F').is_some_and(|at| ident[at..].contains("Future"))
}

/// `stream!`/`try_stream!` (async-stream's): its body is async code, as an `async` block's.
fn is_stream_macro(ident: &str, bytes: &[u8], end: usize) -> bool {
    matches!(ident, "stream" | "try_stream") && next_non_space(bytes, end) == Some(b'!')
}

/// The lexer's memory of the few tokens a decision needs.
#[derive(Default)]
struct Cursor<'t> {
    previous: [&'t str; 3],
    /// Inside an `impl`/`trait` header, until its `{`.
    header: Option<Header<'t>>,
    /// Open `impl`/`trait` blocks: the brace depth inside them, and their type or trait.
    owners: Vec<(usize, &'t str)>,
    braces: usize,
    /// Inside a `pub use` item, until its `;`; whether one had a `*`.
    in_pub_use: bool,
    pub_glob: bool,
    /// Defines a `poll*` function; mentions a `spawn*` name.
    defines_poll: bool,
    mentions_spawn: bool,
    /// The last non-identifier byte seen before the current identifier (`.` for methods).
    punct_before: u8,
    /// `type NAME = ..;` items: the name, and the identifiers after it.
    aliases: Vec<(Name, Vec<Name>)>,
    /// Inside a `type` item, until its `;`.
    in_alias: bool,
    /// `impl TRAIT for TYPE` blocks opened so far: `(TYPE, TRAIT)`.
    trait_impls: Vec<(Name, Name)>,
}

/// An `impl`/`trait` header being read: its self type is the last identifier outside angle
/// brackets before `where` or `{` (after `for`, for a trait impl).
struct Header<'t> {
    is_trait: bool,
    angles: usize,
    owner: Option<&'t str>,
    /// In a trait impl, the trait: what `owner` was when `for` came.
    trait_name: Option<&'t str>,
    in_where: bool,
}

impl<'t> Header<'t> {
    fn ident(&mut self, ident: &'t str) {
        if self.angles > 0 || self.in_where || (self.is_trait && self.owner.is_some()) {
            return;
        }
        match ident {
            "where" => self.in_where = true,
            "for" if !self.is_trait => self.trait_name = self.owner.take(),
            "for" | "dyn" | "unsafe" | "impl" | "const" | "mut" => {}
            _ => self.owner = Some(ident),
        }
    }

    fn punct(&mut self, byte: u8, previous: u8) {
        match byte {
            b'<' => self.angles += 1,
            // `->` in an `Fn() -> T` bound is not a closing angle.
            b'>' if previous != b'-' => self.angles = self.angles.saturating_sub(1),
            _ => {}
        }
    }
}

/// Scans a file.
pub fn scan(text: &str, evidence: &AsyncApiEvidence) -> Scan {
    // Stopping at the first `async`: a root is parsed whatever else it says.
    let Some(Lexed { scan: mut out, defines_poll, mentions_spawn, unparsable, pub_glob, aliases }) =
        lex(text, true)
    else {
        return Scan::root();
    };
    // A `poll*` method is async code in an impl of a polled trait (`Stream`, `AsyncRead`); a
    // spawn starts a task when it is an async runtime's.
    let polls = defines_poll && POLLED_TRAITS.iter().any(|t| out.mentions(t));
    let spawns = mentions_spawn && evidence.spawn_crates.iter().any(|c| out.mentions(c));
    // A file that cannot be parsed is a root, so that its syntax error is reported.
    out.root = unparsable || polls || spawns || mentions_async_api(&out, evidence);
    if out.root {
        return Scan::root();
    }
    out.reexports_glob = pub_glob;
    out.async_aliases = async_aliases(&out, &aliases, evidence);
    // The scans of unparsed files live through the selection: no spare capacity (the
    // identifiers alone were collected with every repetition).
    out.idents.shrink_to_fit();
    for list in [&mut out.fn_defs, &mut out.path_calls] {
        list.sort_unstable();
        list.dedup();
        list.shrink_to_fit();
    }
    out.trait_impls.sort_unstable();
    out.trait_impls.dedup();
    out.trait_impls.shrink_to_fit();
    for list in [&mut out.method_calls, &mut out.reexported, &mut out.type_defs] {
        list.sort_unstable();
        list.dedup();
        list.shrink_to_fit();
    }
    out
}

impl Scan {
    fn root() -> Scan {
        Scan { root: true, ..Scan::default() }
    }
}

/// What the pre-scan knows of a root file: every identifier it mentions. A root is parsed,
/// but only the bodies of its functions that may hold code a rule reports on by itself (see
/// [`RootFile::needs_body`]); the others wait until some function demands them, as in files
/// parsed for their definitions.
pub struct RootFile {
    idents: Vec<Name>,
}

impl RootFile {
    pub fn lex(text: &str) -> RootFile {
        RootFile { idents: lex(text, false).map(|lexed| lexed.scan.idents).unwrap_or_default() }
    }

    pub fn mentions(&self, name: Name) -> bool {
        self.idents.binary_search(&name).is_ok()
    }

    /// Whether a function of this file may hold code a rule reports on by itself, so its
    /// body is parsed with the file: an `async fn` or one returning a future, a `poll*`
    /// method, or a body with async code (`async`, `.await`, a future type), a spawn, or a
    /// call that may be of an external async API (a sync body can drop its future). A call
    /// of a workspace future is found once the roots are parsed (see
    /// `Lexicon::future_callees`).
    pub fn needs_body(&self, function: &FunctionText<'_>, evidence: &AsyncApiEvidence) -> bool {
        if function.name.starts_with("poll") || lex(function.header, true).is_none() {
            return true;
        }
        let Some(body) = lex(function.body, true) else { return true };
        body.mentions_spawn || self.may_call_async_api(&body.scan, evidence)
    }

    /// Whether a body (`calls`) calls a function or method with the name of an external async
    /// API, or names a module of async functions this file imports from (`fs::write(..)`
    /// with `use tokio::fs;`). Unlike a file's pre-scan, the API's crate and type need not
    /// be named: the receiver's type often comes from elsewhere (`tx: Tx` with
    /// `type Tx = tokio::sync::mpsc::Sender<Msg>;` in another file), and few sync bodies call
    /// such names at all.
    fn may_call_async_api(&self, calls: &Scan, evidence: &AsyncApiEvidence) -> bool {
        let calls_path = |name: &str| calls.path_calls.iter().any(|(_, call)| *call == ident_hash(name));
        let in_file = |segment: &String| self.mentions(ident_hash(segment));
        evidence.functions.iter().any(|(_, _, name)| calls_path(name))
            || calls.method_calls.iter().any(|call| evidence.method_names.binary_search(call).is_ok())
            || evidence.modules.iter().any(|module| {
                module.last().is_some_and(|last| calls.mentions(last)) && module.iter().all(in_file)
            })
    }
}

/// The calls a function's text makes (`path_calls` and `method_calls`, see [`Scan`]).
pub fn calls_in(text: &str) -> Scan {
    lex(text, false).map(|lexed| lexed.scan).unwrap_or_default()
}

/// What one lexing pass finds.
struct Lexed {
    /// Identifiers (sorted and deduplicated), definitions, re-exports and calls.
    scan: Scan,
    /// Defines a `poll*` function; mentions a `spawn*` name.
    defines_poll: bool,
    mentions_spawn: bool,
    /// Delimiters that do not balance or nest too deep, or a top level that is not items.
    unparsable: bool,
    /// A `pub use` ends in `*`.
    pub_glob: bool,
    /// `type` items: each name, and the identifiers after it.
    aliases: Vec<(Name, Vec<Name>)>,
}

/// Lexes `text`. With `stop_at_root_ident`, gives up (`None`) at the first identifier that
/// makes a file a root by itself (see [`is_root_ident`]).
fn lex(text: &str, stop_at_root_ident: bool) -> Option<Lexed> {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut cursor = Cursor::default();
    let mut closers: Vec<u8> = Vec::new();
    let mut balanced = true;
    let mut too_deep = false;
    let mut top = TopLevel { expects: Expect::Item, broken: false };
    // Most identifiers repeat (`self`, `fn`, a local): a direct-mapped cache of recent hashes
    // keeps most repetitions out of the list to sort. Slot `k` holds hashes whose low byte is
    // `k`, so its starting value (low byte `!k`) matches none.
    let mut recent: [u64; 256] = std::array::from_fn(|k| !(k as u64));
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                // Doc comments are a large share of library code: find the line's end with
                // memchr rather than byte by byte.
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b' ' | b'\n' | b'\t' | b'\r' => {
                // Indentation comes in runs.
                i += 1;
                while bytes.get(i) == Some(&b' ') {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(bytes, i);
                continue;
            }
            b'"' => {
                top.token_at(closers.len(), b);
                i = skip_string(bytes, i + 1);
                continue;
            }
            b'r' | b'b' if starts_raw_string(bytes, i) => {
                top.token_at(closers.len(), b'"');
                i = skip_raw_string(bytes, i);
                continue;
            }
            b'\'' => {
                top.token_at(closers.len(), b);
                i = skip_char_or_lifetime(bytes, i);
                continue;
            }
            b'(' | b'[' | b'{' => {
                closers.push(match b {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                });
                too_deep |= closers.len() > MAX_NESTING;
            }
            b')' | b']' | b'}' if closers.pop() != Some(b) => balanced = false,
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                let mut hash = FNV_OFFSET;
                while let Some(&byte) = bytes.get(i).filter(|&&byte| IDENT_BYTES[usize::from(byte)]) {
                    hash = fnv_step(hash, byte);
                    i += 1;
                }
                let ident = &text[start..i];
                if stop_at_root_ident && (is_root_ident(ident) || is_stream_macro(ident, bytes, i)) {
                    return None;
                }
                let slot = &mut recent[(hash as usize) & 0xff];
                if *slot != hash {
                    *slot = hash;
                    out.idents.push(hash);
                }
                let next = next_non_space(bytes, i);
                if closers.is_empty() {
                    top.ident(ident, next);
                }
                record_ident(&mut out, &mut cursor, (ident, hash), next);
                continue;
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            // An opener was just pushed; a closer that matched was just popped.
            let depth_before =
                if matches!(b, b'(' | b'[' | b'{') { closers.len() - 1 } else { closers.len() };
            top.token_at(depth_before, b);
            cursor.punct(b, i.checked_sub(1).map(|p| bytes[p]).unwrap_or(0));
        }
        i += 1;
    }
    out.idents.sort_unstable();
    out.idents.dedup();
    out.trait_impls = cursor.trait_impls;
    Some(Lexed {
        scan: out,
        defines_poll: cursor.defines_poll,
        mentions_spawn: cursor.mentions_spawn,
        unparsable: !balanced || !closers.is_empty() || too_deep || top.broken,
        pub_glob: cursor.pub_glob,
        aliases: cursor.aliases,
    })
}

/// Whether a file's top level reads as items: at the start and after a `;` must come an
/// attribute, a keyword that starts an item, or a macro call (`name! {..}`, `::path::name!(..)`).
/// After a `}` back at the top level, an expression may go on too (`const N: u8 = if a { 1 }
/// else { 2 };`, `Type<{ N }, 2>`), so there only a word that is neither is wrong. Text that
/// is not Rust (prose, a template, an expression meant for `include!`) fails at its first
/// word, so its file is parsed and the syntax error reported, as for unbalanced delimiters.
/// Only a start: a file that passes may still not parse.
struct TopLevel {
    expects: Expect,
    broken: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// An item must start here.
    Item,
    /// An item, or the rest of an expression.
    ItemOrMore,
    /// Inside an item: anything.
    Anything,
}

/// Words that start an item (with its visibility and qualifiers).
const ITEM_STARTS: &[&str] = &[
    "pub",
    "use",
    "fn",
    "struct",
    "enum",
    "union",
    "trait",
    "impl",
    "mod",
    "const",
    "static",
    "type",
    "extern",
    "unsafe",
    "async",
    "macro_rules",
    "macro",
    "auto",
    "default",
    "safe",
];

impl TopLevel {
    /// An identifier at the top level, and the byte after it.
    fn ident(&mut self, ident: &str, next: Option<u8>) {
        let starts_item = ITEM_STARTS.contains(&ident) || matches!(next, Some(b'!' | b':'));
        let goes_on = matches!(ident, "else" | "as");
        self.broken |= match self.expects {
            Expect::Item => !starts_item,
            Expect::ItemOrMore => !(starts_item || goes_on),
            Expect::Anything => false,
        };
        self.expects = Expect::Anything;
    }

    /// Any other token starting at bracket depth `depth` (for a closing bracket, the depth
    /// it closes to).
    fn token_at(&mut self, depth: usize, byte: u8) {
        if depth != 0 {
            return;
        }
        self.expects = match (byte, self.expects) {
            (b';', _) => Expect::Item,
            (b'}', _) => Expect::ItemOrMore,
            // Attributes (`#[..]`, `#![..]`) and `::` before a macro's path leave it as it is.
            (b'#' | b'!' | b'[' | b']' | b':', expects) => expects,
            (_, Expect::Item) => {
                self.broken = true;
                Expect::Anything
            }
            _ => Expect::Anything,
        };
    }
}

/// Records what `ident` (with its hash) tells, given the tokens before it and the byte after.
fn record_ident<'t>(
    out: &mut Scan,
    cursor: &mut Cursor<'t>,
    (ident, hash): (&'t str, Name),
    next: Option<u8>,
) {
    let [_, before, last] = cursor.previous;
    cursor.mentions_spawn |= ident.starts_with("spawn");
    if cursor.in_alias {
        if let Some((_, target)) = cursor.aliases.last_mut() {
            target.push(hash);
        }
    }
    if let Some(header) = &mut cursor.header {
        header.ident(ident);
    } else if ident == "trait" || (ident == "impl" && cursor.at_item_start()) {
        cursor.header = Some(Header {
            is_trait: ident == "trait",
            angles: 0,
            owner: None,
            trait_name: None,
            in_where: false,
        });
    }
    if last == "fn" {
        out.fn_defs.push((cursor.owner().map(ident_hash), hash));
        cursor.defines_poll |= ident.starts_with("poll");
    } else if matches!(last, "struct" | "enum" | "union" | "trait" | "type") {
        out.type_defs.push(hash);
        if last == "type" {
            cursor.aliases.push((hash, Vec::new()));
            cursor.in_alias = true;
        }
    } else if next == Some(b'(') {
        if cursor.punct_before == b'.' {
            out.method_calls.push(hash);
        } else {
            let qualifier = (cursor.punct_before == b':')
                .then_some(last)
                .filter(|q| q.starts_with(|c: char| c.is_ascii_uppercase()) && *q != "Self");
            out.path_calls.push((qualifier.map(ident_hash), hash));
        }
    }
    if ident == "use" && (last == "pub" || before == "pub") {
        cursor.in_pub_use = true;
    } else if cursor.in_pub_use {
        out.reexported.push(hash);
    }
    cursor.previous = [before, last, ident];
    cursor.punct_before = 0;
}

impl<'t> Cursor<'t> {
    /// The type or trait whose block directly contains the current position.
    fn owner(&self) -> Option<&'t str> {
        self.owners.last().filter(|(depth, _)| *depth == self.braces).map(|(_, owner)| *owner)
    }

    /// `impl` starts an item (not `x: impl Trait`) after `}`, `;`, `{`, an attribute's `]`,
    /// `unsafe`, or at the start of the file.
    fn at_item_start(&self) -> bool {
        matches!(self.punct_before, b'}' | b';' | b'{' | b']')
            || (self.punct_before == 0 && matches!(self.previous[2], "" | "unsafe" | "default"))
    }

    fn punct(&mut self, byte: u8, previous: u8) {
        if let Some(header) = &mut self.header {
            header.punct(byte, previous);
        }
        match byte {
            b'{' => {
                self.braces += 1;
                if let Some(header) = self.header.take() {
                    if let Some(owner) = header.owner {
                        self.owners.push((self.braces, owner));
                        if let Some(trait_name) = header.trait_name {
                            self.trait_impls.push((ident_hash(owner), ident_hash(trait_name)));
                        }
                    }
                }
            }
            b'}' => {
                if self.owners.last().is_some_and(|(depth, _)| *depth == self.braces) {
                    self.owners.pop();
                }
                self.braces = self.braces.saturating_sub(1);
            }
            b'*' if self.in_pub_use => self.pub_glob = true,
            b';' => {
                self.in_pub_use = false;
                self.header = None;
                self.in_alias = false;
            }
            _ => {}
        }
        self.punct_before = byte;
    }
}

/// The `type` aliases whose target names a type with async methods, of a crate the file
/// names, with those methods' names.
fn async_aliases(
    out: &Scan,
    aliases: &[(Name, Vec<Name>)],
    evidence: &AsyncApiEvidence,
) -> Vec<(Name, Vec<Name>)> {
    let async_methods = |target: &[Name]| -> Vec<Name> {
        let of_target = evidence
            .methods
            .iter()
            .filter(|of_type| out.mentions_name(of_type.krate) && target.contains(&of_type.ty));
        of_target.flat_map(|of_type| of_type.methods.iter().copied()).collect()
    };
    let with_methods = aliases.iter().map(|(name, target)| (*name, async_methods(target)));
    with_methods.filter(|(_, methods)| !methods.is_empty()).collect()
}

fn mentions_async_api(out: &Scan, evidence: &AsyncApiEvidence) -> bool {
    let mentions = |ident: &Option<String>| ident.as_ref().is_none_or(|i| out.mentions(i));
    let calls = |name: &str| out.path_calls.iter().any(|(_, call)| *call == ident_hash(name));
    evidence.functions.iter().any(|(krate, ty, name)| out.mentions(krate) && mentions(ty) && calls(name))
        || evidence.methods.iter().any(|of_type| {
            out.mentions_name(of_type.krate)
                && out.mentions_name(of_type.ty)
                && out.method_calls.iter().any(|call| of_type.methods.binary_search(call).is_ok())
        })
        || evidence.modules.iter().any(|module| module.iter().all(|segment| out.mentions(segment)))
}

fn next_non_space(bytes: &[u8], mut i: usize) -> Option<u8> {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    bytes.get(i).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> AsyncApiEvidence {
        let mut evidence = AsyncApiEvidence {
            functions: vec![
                ("tokio".into(), None, "sleep".into()),
                ("tokio".into(), Some("TcpStream".into()), "connect".into()),
            ],
            modules: vec![vec!["tokio".into(), "fs".into()]],
            spawn_crates: vec!["tokio".into(), "smol".into()],
            ..AsyncApiEvidence::default()
        };
        evidence.set_methods([("tokio", "Sender", "send")]);
        evidence
    }

    #[test]
    fn aliases_of_async_api_types_are_noticed() {
        let e = evidence();
        let aliases = |text| scan(text, &e).async_aliases;
        let tx = vec![(ident_hash("Tx"), names(&["send"]))];
        assert_eq!(aliases("use tokio::sync::mpsc::Sender; pub type Tx = Sender<u8>;"), tx);
        assert_eq!(aliases("pub type Tx = tokio::sync::mpsc::Sender<u8>; type R<T> = Result<T, E>;"), tx);
        // Another crate's `Sender`, or an alias of something else.
        assert!(aliases("use std::sync::mpsc::Sender; pub type Tx = Sender<u8>;").is_empty());
        assert!(aliases("use tokio::sync::mpsc::Sender; type Id = u64; fn f(s: Sender<u8>) {}").is_empty());
    }

    #[test]
    fn glob_reexports_are_noticed() {
        let e = evidence();
        assert!(scan("pub use self::imp::*;", &e).reexports_glob);
        assert!(scan("pub(crate) use inner::{a, b::*};", &e).reexports_glob);
        assert!(!scan("use self::imp::*; pub use a::b; fn f() { 2 * 3 }", &e).reexports_glob);
    }

    #[test]
    fn roots_are_files_a_rule_can_report_on_by_themselves() {
        let e = evidence();
        assert!(!scan("fn helper() { other(1); x.method(2) }", &e).root);
        assert!(scan("async fn f() {}", &e).root);
        assert!(scan("fn f() -> BoxFuture<'static, ()> { todo!() }", &e).root);
        assert!(scan("impl Stream for S { fn poll_next(self) {} }", &e).root);
        assert!(!scan("impl S { fn poll_events(self) -> Poll<()> {} }", &e).root);
        assert!(scan("fn f() { tokio::spawn(g()); }", &e).root);
        assert!(!scan("fn f() { Command::new(p).spawn(); std::thread::spawn(g); }", &e).root);
        assert!(scan("fn f() { tokio::time::sleep(d); }", &e).root);
        assert!(!scan("fn f() { std::thread::sleep(d); }", &e).root);
        assert!(scan("use tokio::sync::Sender; fn f(tx: Sender<u8>) { tx.send(1); }", &e).root);
        assert!(!scan("use std::sync::mpsc::Sender; fn f(tx: Sender<u8>) { tx.send(1); }", &e).root);
        assert!(scan("use tokio::net::*; fn f() { TcpStream::connect(a); }", &e).root);
        assert!(!scan("fn f() { pool.connect(a); db::connect(b); }", &e).root);
        assert!(!scan("fn f(tx: Other) { tx.send(1); }", &e).root);
        assert!(scan("fn f() { tokio::fs::remove_file(p); }", &e).root);
        assert!(!scan("// async in a comment\nfn f() { let s = \"await\"; let r = r#\"async\"#; }", &e).root);
        assert!(!scan("fn f<'a>(x: &'a str) -> char { 'c' }", &e).root);
        // An async-stream body is async code; a variable named `stream` is not.
        assert!(scan("fn f() -> impl Stream { stream! { yield 1; } }", &e).root);
        assert!(scan("fn f() -> S { async_stream::try_stream ! { yield 1; } }", &e).root);
        assert!(!scan("fn f(stream: TcpStream) { let try_stream = stream; }", &e).root);
    }

    #[test]
    fn a_root_parses_the_bodies_a_rule_may_report_in_by_themselves() {
        let e = evidence();
        let file = RootFile::lex("use tokio::sync::Sender; use tokio::time::sleep; async fn g() {}");
        let needs = |header, name, body| file.needs_body(&FunctionText { header, name, body }, &e);
        assert!(needs("pub async fn", "f", "x()"));
        assert!(needs("#[tokio::main]\nasync fn", "main", ""));
        assert!(needs("fn f() -> impl Future<Output = ()>", "f", "ready(())"));
        assert!(needs("fn poll_next(self: Pin<&mut Self>)", "poll_next", "Poll::Pending"));
        assert!(needs("fn f()", "f", "let x = async { 1 };"));
        assert!(needs("fn f()", "f", "ex.spawn(task()).detach();"));
        // A sync body calling an async API's name may drop its future.
        assert!(needs("fn f()", "f", "sleep(d);"));
        assert!(needs("fn f(tx: Sender<u8>)", "f", "tx.send(1);"));
        assert!(!needs("fn f()", "f", "helper(1); x.method(2)"));
        assert!(!needs("/// async\nfn f()", "f", "// async\nlet s = \"await\";"));
        // The receiver's type may be an alias declared elsewhere: the name is enough.
        let aliased = RootFile::lex("use crate::types::Tx; async fn g() {}");
        let send = FunctionText { header: "fn f(tx: Tx)", name: "f", body: "tx.send(1);" };
        assert!(aliased.needs_body(&send, &e));
        let plain = FunctionText { header: "fn f(tx: Tx)", name: "f", body: "tx.push(1); fs::read(p);" };
        assert!(!aliased.needs_body(&plain, &e));
        // A module of async functions counts where the file imports it.
        let tokio_fs = RootFile::lex("use tokio::fs; async fn g() {}");
        assert!(tokio_fs.needs_body(&plain, &e));
    }

    #[test]
    fn calls_in_a_body_are_found() {
        let calls = calls_in("fn f() { Repo::open(); helper(); x.close(); }");
        assert_eq!(sorted(&calls.path_calls), sorted(&[method("Repo", "open"), free("helper")]));
        assert_eq!(calls.method_calls, names(&["close"]));
    }

    #[test]
    fn files_whose_top_level_is_not_items_are_roots_so_their_errors_are_reported() {
        let e = evidence();
        for not_rust in [
            "this is not rust at all",
            "fn f() {}\nfnn g() {}",
            "&[1, 2, 3]",
            "{{#each methods}} fn {{name}}() {} {{/each}}",
            "\"text\"",
            "fn f() {}\nlet x = 1;",
        ] {
            assert!(scan(not_rust, &e).root, "{not_rust}");
        }
        let items = "#![allow(dead_code)]\n//! doc\n#[derive(Debug)]\npub(crate) struct A { x: [u8; 2] }\n\
                     const C: A = A { x: [0; 2] };\nmacro_rules! m { () => {} }\nm! {}\ncrate::m!();\n\
                     unsafe impl Send for A {}\nextern crate core;\nimpl A { fn f(&self) -> u8 { 1 } }\n\
                     static S: &[u8] = &[1];\ntype T = A;\nuse std::io;\nmod inner { fn g() { let x = 1; } }\n\
                     const N: u8 = if cfg!(x) { 1 } else { 2 };\ntype V = W<{ N }, 2>;\n::pin_project_lite::pin_project! {}\n\
                     const D: u64 = Date { d: 1 }\n.to_days()\n.0;";
        assert!(!scan(items, &e).root);
    }

    #[test]
    fn unbalanced_files_are_roots_so_their_errors_are_reported() {
        assert!(scan("fn f() { (", &evidence()).root);
        assert!(scan("fn f() }", &evidence()).root);
        let deep = format!("fn f() {{ {}1{} }}", "(".repeat(MAX_NESTING + 1), ")".repeat(MAX_NESTING + 1));
        assert!(scan(&deep, &evidence()).root);
    }

    #[test]
    fn records_definitions_reexports_and_calls() {
        let s = scan(
            "pub use inner::{Store, open};\nuse other::Hidden;\nstruct Repo; enum Kind {}\n\
             fn load() -> u8 { helper(); a::b::run(); x.get(1) }\n\
             fn plain(f: impl Clone) -> u8 { 0 }",
            &evidence(),
        );
        assert_eq!(s.fn_defs, sorted(&[free("load"), free("plain")]));
        assert_eq!(s.type_defs, names(&["Kind", "Repo"]));
        assert_eq!(s.reexported, names(&["Store", "inner", "open"]));
        assert_eq!(s.path_calls, sorted(&[free("helper"), free("run")]));
        assert_eq!(s.method_calls, names(&["get"]));
        let plain = scan("pub(crate) use a::B; fn f(x: Repo) { x.go() }", &evidence());
        assert_eq!(plain.reexported, names(&["B", "a"]));
        assert!(plain.mentions("Repo") && plain.mentions("go") && !plain.mentions("Store"));
    }

    fn free(name: &str) -> FnDef {
        (None, ident_hash(name))
    }

    fn method(owner: &str, name: &str) -> FnDef {
        (Some(ident_hash(owner)), ident_hash(name))
    }

    /// The hashes of `names`, in the order the scan keeps them.
    fn sorted<T: Ord + Clone>(items: &[T]) -> Vec<T> {
        let mut out = items.to_vec();
        out.sort();
        out
    }

    fn names(list: &[&str]) -> Vec<Name> {
        sorted(&list.iter().map(|n| ident_hash(n)).collect::<Vec<_>>())
    }

    #[test]
    fn functions_know_their_impl_or_trait() {
        let s = scan(
            "impl<T: Into<u8>> From<T> for Repo<T> where T: Clone { fn from(t: T) -> Self { inner(); } }\n\
             fn free(x: impl Iterator<Item = u8>) { fn nested() {} }\n\
             #[inline] unsafe impl Send for Repo {}\n\
             pub trait Store: Sized { fn load(&self) { Repo::open(); Self::new(); } }\n\
             impl fmt::Display for Repo { fn fmt(&self) {} }",
            &evidence(),
        );
        let expected = [
            free("free"),
            free("nested"),
            method("Repo", "fmt"),
            method("Repo", "from"),
            method("Store", "load"),
        ];
        assert_eq!(s.fn_defs, sorted(&expected));
        assert_eq!(s.path_calls, sorted(&[free("inner"), free("new"), method("Repo", "open")]));
        // The trait impls, by their types' and traits' last segments; `impl Trait` in a
        // parameter and a trait's supertrait are not impls.
        let impls = [("Repo", "From"), ("Repo", "Send"), ("Repo", "Display")];
        let impls: Vec<(Name, Name)> =
            impls.iter().map(|(ty, tr)| (ident_hash(ty), ident_hash(tr))).collect();
        assert_eq!(s.trait_impls, sorted(&impls));
        // `->` inside an impl's generics does not close them.
        let arrow = scan("impl<F: FnMut() -> u8> Runner<F> { fn run(&self) {} }", &evidence());
        assert_eq!(arrow.fn_defs, [method("Runner", "run")]);
    }
}
