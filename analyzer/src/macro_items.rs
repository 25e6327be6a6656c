//! Items written inside a macro invocation at item level.
//!
//! Real code wraps items in macros that pass them through: `cfg_if::cfg_if! { if #[cfg(unix)]
//! { .. } else { .. } }`, a crate's own `cfg_feature! { pub async fn .. }`, a test suite's
//! `rt_test! { #[test] fn .. }`. Without expansion their items would be invisible: their
//! definitions to resolution, their bodies to every rule. A brace-delimited body that parses
//! as items is taken as those items; anything else (a DSL, `bitflags!`, a `macro_rules!`
//! definition with its `$metavariables`) stays opaque.

use syn::parse::{ParseStream, Parser};
use syn::{MacroDelimiter, Token};

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

    #[test]
    fn bodies_that_are_not_items_stay_opaque() {
        assert_eq!(names("macro_rules! m { ($n:ident) => { fn $n() {} } }"), None);
        assert_eq!(names("bitflags! { pub struct F: u32 { const A = 1; } }"), None);
        assert_eq!(names("html! { <div>{ x }</div> }"), None);
        assert_eq!(names("wrapped!(fn a() {});"), None);
        assert_eq!(names("empty! {}"), None);
    }
}
