//! Items written inside a macro invocation at item level.
//!
//! Real code wraps items in macros that pass them through: `cfg_if::cfg_if! { if #[cfg(unix)]
//! { .. } else { .. } }`, a crate's own `cfg_feature! { pub async fn .. }`, a test suite's
//! `rt_test! { #[test] fn .. }`. Without expansion their items would be invisible: their
//! definitions to resolution, their bodies to every rule. A brace-delimited body that parses
//! as items is taken as those items; anything else (a DSL, `bitflags!`, a `macro_rules!`
//! definition with its `$metavariables`) stays opaque.

use std::collections::HashMap;

use proc_macro2::{Group, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{MacroDelimiter, Token};

use crate::macro_rules::MacroRules;
use crate::source::{offset_in, Span};

/// The items an item-level macro invocation passes through, if its body reads as items.
/// `lazy_static!`/`thread_local!` are read elsewhere (their bodies are not items).
pub fn items_in_macro(m: &syn::ItemMacro) -> Option<Vec<syn::Item>> {
    if m.ident.is_some() {
        return None;
    }
    let name = passing_macro_name(&m.mac)?;
    let tokens = m.mac.tokens.clone();
    let items = if name == "cfg_if" { cfg_if_items.parse2(tokens) } else { plain_items.parse2(tokens) };
    items.ok().filter(|items| !items.is_empty())
}

/// The same inside an `impl` block: `impl Conn { cfg_tls! { pub async fn upgrade(..) } }`.
pub fn impl_items_in_macro(m: &syn::ImplItemMacro) -> Option<Vec<syn::ImplItem>> {
    passing_macro_name(&m.mac)?;
    plain_items.parse2(m.mac.tokens.clone()).ok().filter(|items: &Vec<syn::ImplItem>| !items.is_empty())
}

/// The name of a brace-delimited macro that may pass items through (not one whose body is
/// known to be something else).
fn passing_macro_name(mac: &syn::Macro) -> Option<String> {
    if !matches!(mac.delimiter, MacroDelimiter::Brace(_)) {
        return None;
    }
    let name = mac.path.segments.last()?.ident.to_string();
    (!matches!(name.as_str(), "macro_rules" | "lazy_static" | "thread_local")).then_some(name)
}

fn plain_items<T: syn::parse::Parse>(input: ParseStream) -> syn::Result<Vec<T>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(input.parse()?);
    }
    Ok(items)
}

/// `if #[cfg(..)] { items } else if #[cfg(..)] { items } else { items }`: every branch's
/// items (which branch is compiled depends on the target, and each is real code).
fn cfg_if_items(input: ParseStream) -> syn::Result<Vec<syn::Item>> {
    let mut items = Vec::new();
    loop {
        if input.peek(Token![if]) {
            input.parse::<Token![if]>()?;
            input.call(syn::Attribute::parse_outer)?;
        }
        let branch;
        syn::braced!(branch in input);
        items.extend(plain_items(&branch)?);
        if input.is_empty() {
            return Ok(items);
        }
        input.parse::<Token![else]>()?;
    }
}

/// Item-level invocations of more `macro_rules!` macros than one file could need.
const MAX_EXPANSION_DEPTH: u32 = 8;
/// What item-level expansions may add to one file, in tokens; past it, invocations stay as
/// they are (a macro that multiplies its input).
const MAX_EXPANDED_TOKENS_PER_FILE: usize = 100_000;

/// Replaces each item-level invocation of one of the file's own `macro_rules!` macros (in a
/// module or an `impl` block) with the items its expansion writes, as rustc does:
/// `page_handler!(index, "index.html");` defines `async fn index()`, whose body the rules
/// see and whose name calls reach. `text` is the file's text: the definitions are read from
/// it, since a skeleton parse blanks the bodies they contain.
///
/// Every token of an expansion is placed on the invocation (a macro's definition is a
/// template; what it generates is written where it is invoked), the arguments too, so no
/// span of the expansion runs backwards. A name defined by two `macro_rules!` (`#[cfg]`
/// variants) is not expanded; nor an invocation that matches none of its rules.
///
/// Returns the invocations expanded: the span their items are placed on, and the macro's name.
pub fn expand_own_macros(file: &mut syn::File, text: &str) -> Vec<(Span, String)> {
    let mut definitions = HashMap::new();
    collect_definitions(&file.items, &mut definitions);
    if definitions.values().all(Option::is_none) {
        return Vec::new();
    }
    let mut expander = Expander {
        text,
        definitions,
        parsed: HashMap::new(),
        budget: MAX_EXPANDED_TOKENS_PER_FILE,
        expanded: Vec::new(),
    };
    expander.items(&mut file.items, 0);
    expander.expanded
}

/// Where the body of each `macro_rules!` of the file is, by name (`None` when defined twice).
fn collect_definitions(items: &[syn::Item], out: &mut HashMap<String, Option<Span>>) {
    for item in items {
        match item {
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                let Some(name) = &m.ident else { continue };
                let delimiters = m.mac.delimiter.span();
                let body = Span {
                    start: Span::from_pm2(delimiters.open()).end,
                    end: Span::from_pm2(delimiters.close()).start,
                };
                out.entry(name.to_string()).and_modify(|seen| *seen = None).or_insert(Some(body));
            }
            syn::Item::Mod(syn::ItemMod { content: Some((_, content)), .. }) => {
                collect_definitions(content, out)
            }
            _ => {}
        }
    }
}

struct Expander<'t> {
    text: &'t str,
    definitions: HashMap<String, Option<Span>>,
    /// Each definition read, once (`None` when its rules could not be read).
    parsed: HashMap<String, Option<MacroRules>>,
    budget: usize,
    expanded: Vec<(Span, String)>,
}

impl Expander<'_> {
    fn items(&mut self, items: &mut Vec<syn::Item>, depth: u32) {
        if !items.iter().any(|item| self.may_expand(item)) {
            return;
        }
        splice_generated(items, |item| match item {
            syn::Item::Mod(syn::ItemMod { content: Some((_, content)), .. }) => {
                self.items(content, depth);
                None
            }
            syn::Item::Impl(imp) => {
                self.impl_items(&mut imp.items, depth);
                None
            }
            syn::Item::Macro(m) => self.generated_items(m, depth),
            _ => None,
        });
    }

    /// What an item-level invocation of one of the file's macros stands for. A body that
    /// reads as items is taken as them (see [`items_in_macro`]), with their own spans:
    /// `rt_test! { #[test] fn .. }` wraps tests written in place.
    fn generated_items(&mut self, m: &syn::ItemMacro, depth: u32) -> Option<Vec<syn::Item>> {
        if !self.names_definition(&m.mac) {
            return None;
        }
        let mut items = match items_in_macro(m) {
            Some(items) => items,
            None => self.expand::<syn::Item>(&m.mac, depth)?,
        };
        for item in &mut items {
            prepend_attrs(item_attrs(item), &m.attrs);
        }
        self.items(&mut items, depth + 1);
        Some(items)
    }

    fn impl_items(&mut self, items: &mut Vec<syn::ImplItem>, depth: u32) {
        if !items.iter().any(|item| matches!(item, syn::ImplItem::Macro(m) if self.names_definition(&m.mac)))
        {
            return;
        }
        splice_generated(items, |item| match item {
            syn::ImplItem::Macro(m) => self.generated_impl_items(m, depth),
            _ => None,
        });
    }

    fn generated_impl_items(&mut self, m: &syn::ImplItemMacro, depth: u32) -> Option<Vec<syn::ImplItem>> {
        if !self.names_definition(&m.mac) {
            return None;
        }
        let mut items = match impl_items_in_macro(m) {
            Some(items) => items,
            None => self.expand::<syn::ImplItem>(&m.mac, depth)?,
        };
        for item in &mut items {
            prepend_attrs(impl_item_attrs(item), &m.attrs);
        }
        self.impl_items(&mut items, depth + 1);
        Some(items)
    }

    /// Whether an item is, or may hold, an invocation to expand.
    fn may_expand(&self, item: &syn::Item) -> bool {
        match item {
            syn::Item::Mod(syn::ItemMod { content: Some(_), .. }) | syn::Item::Impl(_) => true,
            syn::Item::Macro(m) => self.names_definition(&m.mac),
            _ => false,
        }
    }

    fn names_definition(&self, mac: &syn::Macro) -> bool {
        mac.path
            .get_ident()
            .is_some_and(|name| matches!(self.definitions.get(&name.to_string()), Some(Some(_))))
    }

    /// The items an invocation's expansion writes, if it matches one of its macro's rules and
    /// they parse as `T`s.
    fn expand<T: syn::parse::Parse>(&mut self, mac: &syn::Macro, depth: u32) -> Option<Vec<T>> {
        if depth >= MAX_EXPANSION_DEPTH || !self.names_definition(mac) {
            return None;
        }
        let name = mac.path.get_ident()?;
        let rules = self.rules(&name.to_string())?;
        let placed = name.span().join(mac.delimiter.span().close()).unwrap_or_else(|| name.span());
        // The arguments are placed before expanding (they are few), the definition's tokens
        // as they are transcribed.
        let tokens = rules.expand(placed_on(mac.tokens.clone(), placed), placed)?;
        if !may_hold_async_code(&tokens) {
            return None;
        }
        let added = crate::macro_rules::count_tokens(&tokens);
        if added > self.budget {
            self.budget = 0;
            return None;
        }
        self.budget -= added;
        let items = plain_items.parse2(tokens).ok()?;
        // An invocation an outer expansion wrote is placed on the outer one's span.
        let placed_at = Span::from_pm2(placed);
        if !self.expanded.iter().any(|(span, _)| *span == placed_at) {
            self.expanded.push((placed_at, name.to_string()));
        }
        Some(items)
    }

    fn rules(&mut self, name: &str) -> Option<&MacroRules> {
        if !self.parsed.contains_key(name) {
            let body = (*self.definitions.get(name)?)?;
            let range = offset_in(self.text, body.start)..offset_in(self.text, body.end);
            let rules = self.text.get(range).and_then(|body| body.parse().ok()).and_then(MacroRules::parse);
            self.parsed.insert(name.to_string(), rules);
        }
        self.parsed.get(name)?.as_ref()
    }
}

/// Replaces each item `generated` returns items for with those items.
fn splice_generated<T>(items: &mut Vec<T>, mut generated: impl FnMut(&mut T) -> Option<Vec<T>>) {
    let mut out = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        match generated(&mut item) {
            Some(replacement) => out.extend(replacement),
            None => out.push(item),
        }
    }
    *items = out;
}

/// Whether generated code may hold an async context or start one: `async`, `.await`, a
/// `Future` or a `poll*` method, a spawn or a `block_on`. Most item-level macros generate
/// trait impls for lists of types (a crate's tuple impls, integer conversions); lowering all
/// they write would cost a tenth of the run, for code no rule reports in by itself.
fn may_hold_async_code(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|tree| match &tree {
        TokenTree::Group(group) => may_hold_async_code(&group.stream()),
        TokenTree::Ident(ident) => {
            let name = ident.to_string();
            matches!(name.as_str(), "async" | "await" | "Future" | "block_on")
                || name.starts_with("poll")
                || name.starts_with("spawn")
        }
        _ => false,
    })
}

/// `tokens` with every token's span, delimiters included, set to `span`.
fn placed_on(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut placed = Group::new(group.delimiter(), placed_on(group.stream(), span));
                placed.set_span(span);
                tree = TokenTree::Group(placed);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// The invocation's attributes (`#[cfg(test)]`, `#[allow(..)]`) apply to what it generates.
fn prepend_attrs(attrs: Option<&mut Vec<syn::Attribute>>, invocation: &[syn::Attribute]) {
    if let (Some(attrs), false) = (attrs, invocation.is_empty()) {
        attrs.splice(0..0, invocation.iter().cloned());
    }
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Fn(i) => Some(&mut i.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Mod(i) => Some(&mut i.attrs),
        syn::Item::Trait(i) => Some(&mut i.attrs),
        syn::Item::Struct(i) => Some(&mut i.attrs),
        syn::Item::Enum(i) => Some(&mut i.attrs),
        syn::Item::Static(i) => Some(&mut i.attrs),
        syn::Item::Const(i) => Some(&mut i.attrs),
        syn::Item::Use(i) => Some(&mut i.attrs),
        syn::Item::Macro(i) => Some(&mut i.attrs),
        _ => None,
    }
}

fn impl_item_attrs(item: &mut syn::ImplItem) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::ImplItem::Fn(i) => Some(&mut i.attrs),
        syn::ImplItem::Const(i) => Some(&mut i.attrs),
        syn::ImplItem::Type(i) => Some(&mut i.attrs),
        syn::ImplItem::Macro(i) => Some(&mut i.attrs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Option<Vec<String>> {
        let file = syn::parse_file(source).expect("test source parses");
        let syn::Item::Macro(m) = &file.items[0] else { panic!("not a macro") };
        let items = items_in_macro(m)?;
        Some(
            items
                .iter()
                .map(|item| match item {
                    syn::Item::Fn(f) => f.sig.ident.to_string(),
                    syn::Item::Use(_) => "use".to_string(),
                    _ => "other".to_string(),
                })
                .collect(),
        )
    }

    #[test]
    fn wrappers_pass_their_items_through() {
        assert_eq!(names("cfg_feature! { use std::fs; pub async fn a() {} }").unwrap(), ["use", "a"]);
        assert_eq!(
            names("cfg_if::cfg_if! { if #[cfg(unix)] { fn a() {} } else if #[cfg(windows)] { fn b() {} } else { fn c() {} } }")
                .unwrap(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn impl_blocks_pass_their_methods_through() {
        let file = syn::parse_file(
            "impl Conn { cfg_tls! { pub async fn upgrade(&self) {} fn b() {} } opaque!(x); }",
        )
        .expect("test source parses");
        let syn::Item::Impl(imp) = &file.items[0] else { panic!("not an impl") };
        let macros: Vec<_> = imp
            .items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Macro(m) => Some(impl_items_in_macro(m).map(|items| items.len())),
                _ => None,
            })
            .collect();
        assert_eq!(macros, [Some(2), None]);
    }

    fn expanded(source: &str) -> Vec<String> {
        let mut file = syn::parse_file(source).expect("test source parses");
        expand_own_macros(&mut file, source);
        let mut out = Vec::new();
        for item in &file.items {
            match item {
                syn::Item::Fn(f) => out.push(format!("{}fn {}", attrs_text(&f.attrs), f.sig.ident)),
                syn::Item::Impl(imp) => out.extend(imp.items.iter().map(|item| match item {
                    syn::ImplItem::Fn(f) => format!("method {}", f.sig.ident),
                    _ => "impl item".to_string(),
                })),
                syn::Item::Macro(m) => out.push(format!("{}!", m.mac.path.get_ident().unwrap())),
                _ => out.push("other".to_string()),
            }
        }
        out
    }

    fn attrs_text(attrs: &[syn::Attribute]) -> String {
        attrs.iter().map(|a| format!("#[{}] ", a.path().get_ident().unwrap())).collect()
    }

    #[test]
    fn own_macros_invoked_at_item_level_define_their_expansion() {
        let source = "macro_rules! handler { ($name:ident) => { async fn $name() {} }; }\n\
                      handler!(index);\n\
                      #[cfg(test)] handler!(probe);\n\
                      struct Api;\n\
                      impl Api { handler!(refresh); }\n\
                      handler!(not, matching);\n\
                      other!(x);";
        assert_eq!(
            expanded(source),
            ["macro_rules!", "fn index", "#[cfg] fn probe", "other", "method refresh", "handler!", "other!"]
        );
    }

    #[test]
    fn generated_code_without_async_stays_unexpanded() {
        let source = "macro_rules! impl_len { ($t:ty) => { impl Len for $t { fn len(&self) -> usize { 0 } } }; }\n\
                      impl_len!(u8);\n\
                      macro_rules! poller { ($t:ident) => { impl Future for $t { fn poll(&mut self) {} } }; }\n\
                      poller!(Wait);";
        assert_eq!(expanded(source), ["macro_rules!", "impl_len!", "macro_rules!", "method poll"]);
    }

    #[test]
    fn recursive_and_ambiguous_macros_stay_unexpanded() {
        // Expanding forever stops at the depth limit.
        let forever = "macro_rules! forever { () => { async fn f() {} forever!(); }; }\nforever!();";
        let mut expected = vec!["macro_rules!"];
        expected.extend(["fn f"; MAX_EXPANSION_DEPTH as usize]);
        expected.push("forever!");
        assert_eq!(expanded(forever), expected);
        // Two definitions (`#[cfg]` variants): which one applies is not known.
        let twice = "#[cfg(unix)] macro_rules! m { () => { fn a() {} }; }\n\
                     #[cfg(windows)] macro_rules! m { () => { fn b() {} }; }\nm!();";
        assert_eq!(expanded(twice), ["macro_rules!", "macro_rules!", "m!"]);
    }

    #[test]
    fn bodies_that_are_not_items_stay_opaque() {
        assert_eq!(names("macro_rules! m { ($n:ident) => { fn $n() {} } }"), None);
        assert_eq!(names("bitflags! { pub struct F: u32 { const A = 1; } }"), None);
        assert_eq!(names("html! { <div>{ x }</div> }"), None);
        assert_eq!(names("wrapped!(fn a() {});"), None);
        assert_eq!(names("empty! {}"), None);
    }
}
