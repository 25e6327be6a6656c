//! Spans of syntax nodes from their first and last tokens.
//!
//! syn's `Spanned::span()` prints the whole node back into tokens to join their spans, so
//! asking it for every expression of a body costs time proportional to the body's size times
//! its depth. Here a node's span is found by walking only down its left and right edges.

use proc_macro2::Span as RawSpan;
use syn::spanned::Spanned;
use syn::Expr;

use crate::source::{Pos, Span};

/// The span of an expression, from its first token to its last (outer attributes excluded).
pub fn expr(expr: &Expr) -> Span {
    between(first_token(expr), last_token(expr))
}

/// The span of a closure expression.
pub fn closure(closure: &syn::ExprClosure) -> Span {
    between(closure_first(closure), last_token(&closure.body))
}

/// The span of a block, braces included.
pub fn block(block: &syn::Block) -> Span {
    between(block.brace_token.span.open(), block.brace_token.span.close())
}

/// The span of a `let` statement, attributes to semicolon.
pub fn local(local: &syn::Local) -> Span {
    let start = local.attrs.first().map_or(local.let_token.span, |a| a.pound_token.span);
    between(start, local.semi_token.span)
}

/// The span of a macro invocation statement or expression: path to closing delimiter.
pub fn macro_call(mac: &syn::Macro, semi: Option<&syn::token::Semi>) -> Span {
    let end = semi.map_or_else(|| delimiter_close(&mac.delimiter), |s| s.span);
    between(path_first(None, &mac.path), end)
}

/// Where a macro invocation's arguments start: its opening delimiter.
pub fn macro_arguments_start(mac: &syn::Macro) -> Pos {
    from_raw(mac.delimiter.span().open()).start
}

/// The span of a statement.
pub fn stmt(stmt: &syn::Stmt) -> Span {
    match stmt {
        syn::Stmt::Local(l) => local(l),
        syn::Stmt::Expr(e, semi) => semi.map_or_else(|| expr(e), |s| expr(e).to(from_raw(s.span))),
        syn::Stmt::Macro(m) => macro_call(&m.mac, m.semi_token.as_ref()),
        syn::Stmt::Item(item) => Span::from_pm2(item.span()),
    }
}

fn from_raw(span: RawSpan) -> Span {
    between(span, span)
}

fn between(first: RawSpan, last: RawSpan) -> Span {
    let (start, end) = (first.start(), last.end());
    Span {
        start: Pos { line: start.line as u32, column: start.column as u32 },
        end: Pos { line: end.line as u32, column: end.column as u32 },
    }
}

fn first_token(expr: &Expr) -> RawSpan {
    use Expr as E;
    match expr {
        E::Array(a) => a.bracket_token.span.open(),
        E::Assign(a) => first_token(&a.left),
        E::Async(a) => a.async_token.span,
        E::Await(a) => first_token(&a.base),
        E::Binary(b) => first_token(&b.left),
        E::Block(b) => label_or(&b.label, b.block.brace_token.span.open()),
        E::Break(b) => b.break_token.span,
        E::Call(c) => first_token(&c.func),
        E::Cast(c) => first_token(&c.expr),
        E::Closure(c) => closure_first(c),
        E::Const(c) => c.const_token.span,
        E::Continue(c) => c.continue_token.span,
        E::Field(f) => first_token(&f.base),
        E::ForLoop(f) => label_or(&f.label, f.for_token.span),
        E::Group(g) => first_token(&g.expr),
        E::If(i) => i.if_token.span,
        E::Index(i) => first_token(&i.expr),
        E::Infer(i) => i.underscore_token.span,
        E::Let(l) => l.let_token.span,
        E::Lit(l) => l.lit.span(),
        E::Loop(l) => label_or(&l.label, l.loop_token.span),
        E::Macro(m) => path_first(None, &m.mac.path),
        E::Match(m) => m.match_token.span,
        E::MethodCall(m) => first_token(&m.receiver),
        E::Paren(p) => p.paren_token.span.open(),
        E::Path(p) => path_first(p.qself.as_ref(), &p.path),
        E::Range(r) => r.start.as_deref().map_or_else(|| range_limits(&r.limits, true), first_token),
        E::RawAddr(r) => r.and_token.span,
        E::Reference(r) => r.and_token.span,
        E::Repeat(r) => r.bracket_token.span.open(),
        E::Return(r) => r.return_token.span,
        E::Struct(s) => path_first(s.qself.as_ref(), &s.path),
        E::Try(t) => first_token(&t.expr),
        E::TryBlock(t) => t.try_token.span,
        E::Tuple(t) => t.paren_token.span.open(),
        E::Unary(u) => u.op.span(),
        E::Unsafe(u) => u.unsafe_token.span,
        E::While(w) => label_or(&w.label, w.while_token.span),
        E::Yield(y) => y.yield_token.span,
        other => other.span(),
    }
}

fn last_token(expr: &Expr) -> RawSpan {
    use Expr as E;
    match expr {
        E::Array(a) => a.bracket_token.span.close(),
        E::Assign(a) => last_token(&a.right),
        E::Async(a) => a.block.brace_token.span.close(),
        E::Await(a) => a.await_token.span,
        E::Binary(b) => last_token(&b.right),
        E::Block(b) => b.block.brace_token.span.close(),
        E::Break(b) => b
            .expr
            .as_deref()
            .map(last_token)
            .or_else(|| b.label.as_ref().map(|l| l.ident.span()))
            .unwrap_or(b.break_token.span),
        E::Call(c) => c.paren_token.span.close(),
        E::Cast(c) => c.ty.span(),
        E::Closure(c) => last_token(&c.body),
        E::Const(c) => c.block.brace_token.span.close(),
        E::Continue(c) => c.label.as_ref().map_or(c.continue_token.span, |l| l.ident.span()),
        E::Field(f) => match &f.member {
            syn::Member::Named(ident) => ident.span(),
            syn::Member::Unnamed(index) => index.span,
        },
        E::ForLoop(f) => f.body.brace_token.span.close(),
        E::Group(g) => last_token(&g.expr),
        E::If(i) => match &i.else_branch {
            Some((_, otherwise)) => last_token(otherwise),
            None => i.then_branch.brace_token.span.close(),
        },
        E::Index(i) => i.bracket_token.span.close(),
        E::Infer(i) => i.underscore_token.span,
        E::Let(l) => last_token(&l.expr),
        E::Lit(l) => l.lit.span(),
        E::Loop(l) => l.body.brace_token.span.close(),
        E::Macro(m) => delimiter_close(&m.mac.delimiter),
        E::Match(m) => m.brace_token.span.close(),
        E::MethodCall(m) => m.paren_token.span.close(),
        E::Paren(p) => p.paren_token.span.close(),
        E::Path(p) => path_last(&p.path),
        E::Range(r) => r.end.as_deref().map_or_else(|| range_limits(&r.limits, false), last_token),
        E::RawAddr(r) => last_token(&r.expr),
        E::Reference(r) => last_token(&r.expr),
        E::Repeat(r) => r.bracket_token.span.close(),
        E::Return(r) => r.expr.as_deref().map_or(r.return_token.span, last_token),
        E::Struct(s) => s.brace_token.span.close(),
        E::Try(t) => t.question_token.span,
        E::TryBlock(t) => t.block.brace_token.span.close(),
        E::Tuple(t) => t.paren_token.span.close(),
        E::Unary(u) => last_token(&u.expr),
        E::Unsafe(u) => u.block.brace_token.span.close(),
        E::While(w) => w.body.brace_token.span.close(),
        E::Yield(y) => y.expr.as_deref().map_or(y.yield_token.span, last_token),
        other => other.span(),
    }
}

fn label_or(label: &Option<syn::Label>, otherwise: RawSpan) -> RawSpan {
    label.as_ref().map_or(otherwise, |l| l.name.apostrophe)
}

fn closure_first(c: &syn::ExprClosure) -> RawSpan {
    let keywords = [
        c.lifetimes.as_ref().map(|l| l.for_token.span),
        c.constness.map(|t| t.span),
        c.movability.map(|t| t.span),
        c.asyncness.map(|t| t.span),
        c.capture.map(|t| t.span),
    ];
    keywords.into_iter().flatten().next().unwrap_or(c.or1_token.span)
}

/// The first or last character of `..` or `..=`.
fn range_limits(limits: &syn::RangeLimits, first: bool) -> RawSpan {
    let spans: &[RawSpan] = match limits {
        syn::RangeLimits::HalfOpen(t) => &t.spans,
        syn::RangeLimits::Closed(t) => &t.spans,
    };
    if first {
        spans[0]
    } else {
        spans[spans.len() - 1]
    }
}

fn path_first(qself: Option<&syn::QSelf>, path: &syn::Path) -> RawSpan {
    if let Some(q) = qself {
        return q.lt_token.span;
    }
    match (&path.leading_colon, path.segments.first()) {
        (Some(colon), _) => colon.spans[0],
        (None, Some(segment)) => segment.ident.span(),
        (None, None) => RawSpan::call_site(),
    }
}

fn path_last(path: &syn::Path) -> RawSpan {
    let Some(segment) = path.segments.last() else { return RawSpan::call_site() };
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.gt_token.span,
        syn::PathArguments::Parenthesized(args) => args.paren_token.span.close(),
        syn::PathArguments::None => segment.ident.span(),
    }
}

fn delimiter_close(delimiter: &syn::MacroDelimiter) -> RawSpan {
    match delimiter {
        syn::MacroDelimiter::Paren(p) => p.span.close(),
        syn::MacroDelimiter::Brace(b) => b.span.close(),
        syn::MacroDelimiter::Bracket(b) => b.span.close(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every expression form gets the same span as syn's token-joining `Spanned`.
    #[test]
    fn matches_syn_spanned_on_every_expression_form() {
        let source = r#"
            fn f() {
                let a = [1, 2]; a = b; async move { 1 }; x.await; 1 + 2; 'l: { 1 };
                break 'l 3; g(1, 2); x as u8; move |a| a + 1; const { 1 }; continue 'l;
                x.y; t.0; 'o: for i in 0..3 {} if a { 1 } else if b { 2 } else { 3 };
                v[1]; _ = 1; if let Some(x) = y {} 1.5; 'w: loop {} vec![1]; match x { _ => 1 };
                x.f::<u8>(1).g(); (1); <T as Tr>::f; Vec::<u8>::new; ..; 1..; ..=2; &mut x;
                &raw const x; [0; 4]; return; return 1; S { a: 1, ..d }; x?; (1, 2); -x; !x;
                unsafe { 1 }; while a {} ::std::mem::drop(x);
            }
        "#;
        let file = syn::parse_file(source).expect("parses");
        let syn::Item::Fn(function) = &file.items[0] else { panic!("a function") };
        let mut checked = 0;
        for (index, stmt) in function.block.stmts.iter().enumerate() {
            if let syn::Stmt::Expr(e, _) = stmt {
                assert_eq!(expr(e), Span::from_pm2(e.span()), "statement {index}");
                checked += 1;
            }
            assert_eq!(self::stmt(stmt), Span::from_pm2(stmt.span()));
        }
        assert!(checked > 40, "only {checked} expressions checked");
        assert_eq!(block(&function.block), Span::from_pm2(function.block.span()));
    }
}
