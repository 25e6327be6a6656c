//! Expansion of a file's own `macro_rules!` macros where they are invoked in a body.
//!
//! Real code hides calls in small helper macros (`macro_rules! read_cfg { ($p:expr) =>
//! { std::fs::read_to_string($p).unwrap() } }`); without expansion, a blocking call or an
//! unawaited future written in one would be invisible at every invocation. A macro defined
//! in the same file is expanded as rustc does, by matching its rules in order and
//! transcribing the first that matches; the result is lowered in place of the invocation.
//!
//! What it leaves out, on purpose: macros of other files (they join the crate index while
//! bodies are being lowered, so what is known would depend on timing), hygiene (a `let` in the
//! macro is visible to its arguments), and macros whose rules are ambiguous to a greedy
//! matcher. An invocation that does not match stays as it was: its arguments are analysed
//! when they read as expressions.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use std::collections::HashMap;

/// Inputs longer than this are not matched (fragment parsing retries the rest of the input).
const MAX_INPUT_TOKENS: usize = 2_000;
/// Expansions longer than this are dropped (a macro that multiplies its input).
const MAX_OUTPUT_TOKENS: usize = 20_000;

/// One `macro_rules!` definition: its rules, in order.
pub struct MacroRules {
    rules: Vec<(Vec<Matcher>, Vec<TokenTree>)>,
}

enum Matcher {
    /// A token that must be there as written (compared by its text).
    Token(String),
    Group(Delimiter, Vec<Matcher>),
    Fragment {
        name: String,
        kind: String,
    },
    Repeat {
        inner: Vec<Matcher>,
        separator: Option<String>,
        op: char,
    },
}

#[derive(Clone, Debug)]
enum Binding {
    Tokens(Vec<TokenTree>),
    Repeated(Vec<Binding>),
}

type Bindings = HashMap<String, Binding>;

impl MacroRules {
    /// Reads the body of `macro_rules! name { .. }`: `(matcher) => { transcriber }; ..`.
    pub fn parse(body: TokenStream) -> Option<MacroRules> {
        let tokens: Vec<TokenTree> = body.into_iter().collect();
        let mut rules = Vec::new();
        let mut rest = tokens.as_slice();
        while !rest.is_empty() {
            let [TokenTree::Group(matcher), TokenTree::Punct(eq), TokenTree::Punct(gt), TokenTree::Group(transcriber), tail @ ..] =
                rest
            else {
                return None;
            };
            if eq.as_char() != '=' || gt.as_char() != '>' {
                return None;
            }
            let matcher: Vec<TokenTree> = matcher.stream().into_iter().collect();
            rules.push((parse_matcher(&matcher)?, transcriber.stream().into_iter().collect()));
            rest = match tail {
                [TokenTree::Punct(semi), after @ ..] if semi.as_char() == ';' => after,
                _ => tail,
            };
        }
        (!rules.is_empty()).then_some(MacroRules { rules })
    }

    /// The expansion of an invocation with `input` between its delimiters. Tokens written in
    /// the macro's definition get `def_span`; the arguments keep their own spans.
    pub fn expand(&self, input: TokenStream, def_span: Span) -> Option<TokenStream> {
        let input: Vec<TokenTree> = input.into_iter().collect();
        if input.len() > MAX_INPUT_TOKENS {
            return None;
        }
        self.rules.iter().find_map(|(matcher, transcriber)| {
            let mut bindings = Bindings::new();
            let used = match_sequence(matcher, &input, &mut bindings)?;
            if used != input.len() {
                return None;
            }
            let mut out = Vec::new();
            let scope = Scope { rounds: Vec::new(), bindings: &bindings };
            transcribe(transcriber, &scope, def_span, &mut out)?;
            (out.len() <= MAX_OUTPUT_TOKENS).then(|| out.into_iter().collect())
        })
    }
}

/// The number of tokens in a stream, groups' contents included.
pub(crate) fn count_tokens(tokens: &TokenStream) -> usize {
    tokens
        .clone()
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => 1 + count_tokens(&group.stream()),
            _ => 1,
        })
        .sum()
}

fn parse_matcher(tokens: &[TokenTree]) -> Option<Vec<Matcher>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '$' => match tokens.get(i + 1)? {
                TokenTree::Ident(name) => {
                    let (TokenTree::Punct(colon), TokenTree::Ident(kind)) =
                        (tokens.get(i + 2)?, tokens.get(i + 3)?)
                    else {
                        return None;
                    };
                    if colon.as_char() != ':' {
                        return None;
                    }
                    out.push(Matcher::Fragment { name: name.to_string(), kind: kind.to_string() });
                    i += 4;
                }
                TokenTree::Group(group) if group.delimiter() == Delimiter::Parenthesis => {
                    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                    let (separator, op, width) = repetition_suffix(&tokens[i + 2..])?;
                    out.push(Matcher::Repeat { inner: parse_matcher(&inner)?, separator, op });
                    i += 2 + width;
                }
                _ => return None,
            },
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                out.push(Matcher::Group(group.delimiter(), parse_matcher(&inner)?));
                i += 1;
            }
            other => {
                out.push(Matcher::Token(other.to_string()));
                i += 1;
            }
        }
    }
    Some(out)
}

/// After `$( .. )`: an optional separator token and `*`, `+` or `?`; with how many tokens
/// that took.
fn repetition_suffix(tokens: &[TokenTree]) -> Option<(Option<String>, char, usize)> {
    let op_of = |t: &TokenTree| match t {
        TokenTree::Punct(p) if matches!(p.as_char(), '*' | '+' | '?') => Some(p.as_char()),
        _ => None,
    };
    let first = tokens.first()?;
    if let Some(op) = op_of(first) {
        return Some((None, op, 1));
    }
    let op = op_of(tokens.get(1)?)?;
    Some((Some(first.to_string()), op, 2))
}

/// Matches `matcher` against the start of `input`; how many tokens it took.
fn match_sequence(matcher: &[Matcher], input: &[TokenTree], bindings: &mut Bindings) -> Option<usize> {
    let mut at = 0;
    for part in matcher {
        at += match_one(part, &input[at..], bindings)?;
    }
    Some(at)
}

fn match_one(part: &Matcher, input: &[TokenTree], bindings: &mut Bindings) -> Option<usize> {
    match part {
        Matcher::Token(text) => (input.first()?.to_string() == *text).then_some(1),
        Matcher::Group(delimiter, inner) => {
            let TokenTree::Group(group) = input.first()? else { return None };
            if group.delimiter() != *delimiter {
                return None;
            }
            let tokens: Vec<TokenTree> = group.stream().into_iter().collect();
            (match_sequence(inner, &tokens, bindings)? == tokens.len()).then_some(1)
        }
        Matcher::Fragment { name, kind } => {
            let width = fragment_width(kind, input)?;
            bindings.insert(name.clone(), Binding::Tokens(input[..width].to_vec()));
            Some(width)
        }
        Matcher::Repeat { inner, separator, op } => {
            match_repeat(inner, separator.as_deref(), *op, input, bindings)
        }
    }
}

/// Greedy repetition: as many rounds as match, a separator taken only when another round
/// follows it.
fn match_repeat(
    inner: &[Matcher],
    separator: Option<&str>,
    op: char,
    input: &[TokenTree],
    bindings: &mut Bindings,
) -> Option<usize> {
    let mut rounds: Vec<Bindings> = Vec::new();
    let mut at = 0;
    loop {
        if op == '?' && !rounds.is_empty() {
            break;
        }
        let mut start = at;
        if let (Some(sep), false) = (separator, rounds.is_empty()) {
            match input.get(at) {
                Some(token) if token.to_string() == sep => start += 1,
                _ => break,
            }
        }
        let mut round = Bindings::new();
        match match_sequence(inner, &input[start..], &mut round) {
            // A round that takes nothing would repeat forever.
            Some(width) if width > 0 || start > at => {
                at = start + width;
                rounds.push(round);
            }
            _ => break,
        }
    }
    if op == '+' && rounds.is_empty() {
        return None;
    }
    let mut names = Vec::new();
    fragment_names(inner, &mut names);
    for name in names {
        let values = rounds.iter_mut().filter_map(|round| round.remove(&name)).collect();
        bindings.insert(name, Binding::Repeated(values));
    }
    Some(at)
}

fn fragment_names(matcher: &[Matcher], out: &mut Vec<String>) {
    for part in matcher {
        match part {
            Matcher::Fragment { name, .. } => out.push(name.clone()),
            Matcher::Group(_, inner) | Matcher::Repeat { inner, .. } => fragment_names(inner, out),
            Matcher::Token(_) => {}
        }
    }
}

/// How many tokens of `input` a fragment of `kind` takes.
fn fragment_width(kind: &str, input: &[TokenTree]) -> Option<usize> {
    let first = input.first();
    match kind {
        // A lifetime is one token tree to rustc, two tokens (`'` and a name) here.
        "tt" => match (first?, input.get(1)) {
            (TokenTree::Punct(p), Some(TokenTree::Ident(_))) if p.as_char() == '\'' => Some(2),
            _ => Some(1),
        },
        "ident" => matches!(first?, TokenTree::Ident(i) if i != "_").then_some(1),
        "literal" => match first? {
            TokenTree::Literal(_) => Some(1),
            TokenTree::Punct(p) if p.as_char() == '-' => {
                matches!(input.get(1)?, TokenTree::Literal(_)).then_some(2)
            }
            TokenTree::Ident(i) if i == "true" || i == "false" => Some(1),
            _ => None,
        },
        "lifetime" => match (first?, input.get(1)?) {
            (TokenTree::Punct(p), TokenTree::Ident(_)) if p.as_char() == '\'' => Some(2),
            _ => None,
        },
        "block" => matches!(first?, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace).then_some(1),
        "expr" | "expr_2021" => syn_width::<syn::Expr>(input),
        "ty" => syn_width::<syn::Type>(input),
        "path" => syn_width::<syn::Path>(input),
        // Since edition 2021 `pat` takes or-patterns (`'a' | 'b'`); `pat_param` does not.
        "pat" => syn_width_with(input, syn::Pat::parse_multi_with_leading_vert),
        "pat_param" => syn_width_with(input, syn::Pat::parse_single),
        // A statement may end without its `;` (the last one of a block).
        "stmt" => syn_width::<syn::Stmt>(input).or_else(|| syn_width::<syn::Expr>(input)),
        "item" => syn_width::<syn::Item>(input),
        "meta" => syn_width::<syn::Meta>(input),
        "vis" => syn_width::<syn::Visibility>(input),
        _ => None,
    }
}

fn syn_width<T: syn::parse::Parse>(input: &[TokenTree]) -> Option<usize> {
    syn_width_with(input, T::parse)
}

/// Parses one `T` from the start of `input`; the number of token trees it took.
fn syn_width_with<T>(
    input: &[TokenTree],
    parse: fn(syn::parse::ParseStream) -> syn::Result<T>,
) -> Option<usize> {
    use syn::parse::Parser;
    let stream: TokenStream = input.iter().cloned().collect();
    let rest = (|stream: syn::parse::ParseStream| {
        parse(stream)?;
        stream.parse::<TokenStream>()
    })
    .parse2(stream)
    .ok()?;
    Some(input.len() - rest.into_iter().count())
}

/// The fragments a transcriber sees: the matched bindings, and for the repetitions being
/// transcribed, each repeated fragment's value in the current round (innermost last).
struct Scope<'b> {
    rounds: Vec<(&'b str, &'b Binding)>,
    bindings: &'b Bindings,
}

impl<'b> Scope<'b> {
    fn get(&self, name: &str) -> Option<&'b Binding> {
        match self.rounds.iter().rev().find(|(bound, _)| *bound == name) {
            Some((_, value)) => Some(value),
            None => self.bindings.get(name),
        }
    }
}

fn transcribe(
    tokens: &[TokenTree],
    scope: &Scope<'_>,
    def_span: Span,
    out: &mut Vec<TokenTree>,
) -> Option<()> {
    let mut i = 0;
    while i < tokens.len() {
        if out.len() > MAX_OUTPUT_TOKENS {
            return None;
        }
        match (&tokens[i], tokens.get(i + 1)) {
            (TokenTree::Punct(p), Some(TokenTree::Ident(name))) if p.as_char() == '$' => {
                if name == "crate" {
                    out.push(TokenTree::Ident(proc_macro2::Ident::new("crate", def_span)));
                } else {
                    match scope.get(&name.to_string())? {
                        Binding::Tokens(value) => out.extend(value.iter().cloned()),
                        Binding::Repeated(_) => return None,
                    }
                }
                i += 2;
            }
            (TokenTree::Punct(p), Some(TokenTree::Group(group)))
                if p.as_char() == '$' && group.delimiter() == Delimiter::Parenthesis =>
            {
                let (separator, _, width) = repetition_suffix(&tokens[i + 2..])?;
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                transcribe_repeat(&inner, separator.as_deref(), scope, def_span, out)?;
                i += 2 + width;
            }
            (TokenTree::Group(group), _) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                let mut body = Vec::new();
                transcribe(&inner, scope, def_span, &mut body)?;
                let mut copy = Group::new(group.delimiter(), body.into_iter().collect());
                copy.set_span(def_span);
                out.push(TokenTree::Group(copy));
                i += 1;
            }
            (token, _) => {
                let mut copy = token.clone();
                copy.set_span(def_span);
                out.push(copy);
                i += 1;
            }
        }
    }
    Some(())
}

/// `$( .. ) sep op` in a transcriber: one copy per round of the repeated fragments it uses.
fn transcribe_repeat(
    inner: &[TokenTree],
    separator: Option<&str>,
    scope: &Scope<'_>,
    def_span: Span,
    out: &mut Vec<TokenTree>,
) -> Option<()> {
    let mut used = Vec::new();
    transcriber_names(inner, &mut used);
    let repeated: Vec<(&String, &Vec<Binding>)> = used
        .iter()
        .filter_map(|name| match scope.get(name) {
            Some(Binding::Repeated(values)) => Some((name, values)),
            _ => None,
        })
        .collect();
    let rounds = repeated.first()?.1.len();
    if repeated.iter().any(|(_, values)| values.len() != rounds) {
        return None;
    }
    for round in 0..rounds {
        if round > 0 {
            if let Some(sep) = separator {
                out.extend(sep.parse::<TokenStream>().ok()?.into_iter().map(|mut t| {
                    t.set_span(def_span);
                    t
                }));
            }
        }
        let mut rounds = scope.rounds.clone();
        rounds.extend(repeated.iter().map(|(name, values)| (name.as_str(), &values[round])));
        transcribe(inner, &Scope { rounds, bindings: scope.bindings }, def_span, out)?;
    }
    Some(())
}

fn transcriber_names(tokens: &[TokenTree], out: &mut Vec<String>) {
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(name)
                if i > 0 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '$') =>
            {
                out.push(name.to_string());
            }
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                transcriber_names(&inner, out);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(definition: &str, input: &str) -> Option<String> {
        let rules = MacroRules::parse(definition.parse().unwrap())?;
        rules.expand(input.parse().unwrap(), Span::call_site()).map(|t| t.to_string())
    }

    #[test]
    fn the_first_matching_rule_is_transcribed() {
        let definition = "() => { none() }; ($p:expr) => { std::fs::read($p).unwrap() }";
        assert_eq!(expand(definition, "").as_deref(), Some("none ()"));
        assert_eq!(
            expand(definition, "path.join(\"a\")").as_deref(),
            Some("std :: fs :: read (path . join (\"a\")) . unwrap ()")
        );
    }

    #[test]
    fn repetitions_bind_and_transcribe_each_round() {
        let definition = "($($key:ident = $value:expr),* $(,)?) => { $(set(stringify!($key), $value);)* }";
        assert_eq!(
            expand(definition, "a = 1, b = f(2),").as_deref(),
            Some("set (stringify ! (a) , 1) ; set (stringify ! (b) , f (2)) ;")
        );
        assert_eq!(expand(definition, "").as_deref(), Some(""));
    }

    #[test]
    fn literal_tokens_and_groups_must_match() {
        let definition = "(read $p:expr) => { read($p) }; (write [$p:expr]) => { write($p) }";
        assert_eq!(expand(definition, "write [x]").as_deref(), Some("write (x)"));
        assert_eq!(expand(definition, "write (x)"), None);
        assert_eq!(expand(definition, "delete x"), None);
    }

    #[test]
    fn fragments_take_what_rustc_gives_them() {
        let labelled = "($label:tt, $body:expr) => { loop { break $label $body } }";
        assert_eq!(expand(labelled, "'outer, 1").as_deref(), Some("loop { break 'outer 1 }"));
        let or_pattern = "($c:ident @ $p:pat) => { matches!($c, $p) }";
        assert_eq!(expand(or_pattern, "ch @ 'a' | 'b'").as_deref(), Some("matches ! (ch , 'a' | 'b')"));
        let statements = "($($s:stmt)*) => { $($s)* }";
        assert_eq!(expand(statements, "let a = 1; a + 1").as_deref(), Some("let a = 1 ; a + 1"));
    }

    #[test]
    fn malformed_definitions_are_not_read() {
        assert!(MacroRules::parse("($p:expr) { x }".parse().unwrap()).is_none());
        assert!(MacroRules::parse("($p) => { x }".parse().unwrap()).is_none());
    }
}
