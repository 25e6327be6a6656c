//! Lowering: syn's tree -> [`crate::hir`]. Resolves every path it meets, tells locals from
//! items, records where locals get their values, and parses the bodies of the macros async
//! code is written with.
//!
//! **Architecture invariant:** lowering never fails. Anything it does not understand becomes
//! an `Other`/`Opaque` node whose parts are still lowered where possible.

use proc_macro2::TokenStream;
use syn::parse::discouraged::Speculative;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::Token;

use crate::hir::*;
use crate::macro_rules::MacroRules;
use crate::parse::{parse_function, ParseFailure};
use crate::resolve::{BlockScopes, ModuleTree, PathKnowledge, Resolver, TypeParams, Unraw};
use crate::source::{offset_in, LineIndex, Pos, SourceFile, Span};
use crate::syntax_span;
use crate::ty::Ty;

/// Expressions nested deeper than this are not lowered further (a guard against stack
/// exhaustion on generated code; real code stays far below it).
const MAX_EXPR_DEPTH: u32 = 1_000;

/// Lowers one parsed file.
/// With `include_tests` false, test code (`#[cfg(test)]` modules, `#[test]` functions) is
/// left out.
pub fn lower_file(
    syntax: &syn::File,
    text: &str,
    source: &SourceFile,
    knowledge: &dyn PathKnowledge,
    include_tests: bool,
) -> FileHir {
    lower_skeleton(syntax, text, source, knowledge, include_tests, &[]).0
}

/// Lowers `text` as the whole of module `module` of crate `app` (a test's one-file workspace).
#[cfg(test)]
pub(crate) fn lower_module_for_test(module: &str, text: &str) -> FileHir {
    let source = SourceFile {
        path: format!("{module}.rs").into(),
        display: format!("{module}.rs"),
        edition: crate::source::Edition::E2021,
        krate: crate::source::CrateId { name: "app".into(), root: ".".into() },
        module: vec![module.into()],
        is_test_target: false,
        tokio_time: false,
        runtime: crate::source::Runtime::Tokio,
    };
    let syntax = syn::parse_file(text).expect("test input parses");
    lower_file(&syntax, text, &source, &crate::catalog::Catalog::builtin(), false)
}

/// Lowers a file parsed with [`crate::parse::parse_skeleton`]: the functions whose body's `{`
/// is at one of `blanked` (sorted) get no body yet. Each is returned as a [`DeferredBody`],
/// for [`PendingBodies::parse_and_lower`] once its body is needed. `text` is the file's text
/// (its own `macro_rules!` definitions are read from it where they are invoked).
pub fn lower_skeleton(
    syntax: &syn::File,
    text: &str,
    source: &SourceFile,
    knowledge: &dyn PathKnowledge,
    include_tests: bool,
    blanked: &[Pos],
) -> (FileHir, PendingBodies) {
    let tree = ModuleTree::build(syntax, &source.krate.name, &source.module);
    let mut lowerer = ItemLowerer {
        tree: &tree,
        file_text: text,
        knowledge,
        out: FileHir { crate_name: tree.crate_name().to_string(), ..FileHir::default() },
        include_tests,
        current_entry_attribute: None,
        blanked,
        deferred: Vec::new(),
    };
    let env = ItemEnv {
        module: tree.root(),
        blocks: BlockScopes::default(),
        base: tree.module_path(tree.root()).to_string(),
        in_test: source.is_test_target || has_cfg_test(&syntax.attrs),
        in_fn: false,
        allowed: allowed_lints(&syntax.attrs),
    };
    lowerer.items(&env, &syntax.items);
    let bodies = std::mem::take(&mut lowerer.deferred);
    (lowerer.out, PendingBodies { tree, bodies })
}

/// The functions of a file whose bodies were not parsed yet, with what lowering them needs.
pub struct PendingBodies {
    tree: ModuleTree,
    pub bodies: Vec<DeferredBody>,
}

/// A function lowered without its body.
pub struct DeferredBody {
    /// Its index in the file's `functions`.
    pub function: usize,
    /// From the signature's first token to the body's `}`: what [`parse_function`] parses.
    start: Pos,
    end: Pos,
    env: ItemEnv,
    self_ty: Option<Ty>,
    /// The bounded type parameters of its `impl` block.
    impl_params: TypeParams,
}

impl DeferredBody {
    /// Its function's text, from the signature to the body's `}`.
    pub fn text<'t>(&self, lines: &'t LineIndex) -> &'t str {
        &lines.text()[lines.offset(self.start)..lines.offset(self.end)]
    }

    /// Parses it only to find a syntax error, for a body no rule needs.
    pub fn check_syntax(&self, lines: &LineIndex) -> Result<(), ParseFailure> {
        let range = lines.offset(self.start)..lines.offset(self.end);
        parse_function(lines.text(), range, self.start).map(drop)
    }
}

/// A deferred function's parameters and body, and the `#[allow]`ed statements in it.
pub struct LateBody {
    pub params: Vec<LocalId>,
    pub body: Body,
    pub allowed_regions: Vec<(Span, Vec<String>)>,
}

impl PendingBodies {
    /// Parses the function of `deferred` from its file's text (`lines`) and lowers its body in
    /// the scope it was declared in, as [`lower_file`] would have.
    pub fn parse_and_lower(
        &self,
        deferred: &DeferredBody,
        lines: &LineIndex,
        path: &str,
        knowledge: &dyn PathKnowledge,
    ) -> Result<LateBody, ParseFailure> {
        let range = lines.offset(deferred.start)..lines.offset(deferred.end);
        let item = parse_function(lines.text(), range, deferred.start)?;
        let mut body = BodyLowerer::new(
            &self.tree,
            knowledge,
            &deferred.env,
            deferred.self_ty.clone(),
            path.to_string(),
        );
        body.file_text = lines.text();
        body.type_params = function_type_params(&body.resolver(), &deferred.impl_params, &item.sig.generics);
        let params = body.params(&item.sig);
        let root = body.block(&item.block, false);
        // A blanked body defines no items (see `parse_skeleton`), so `body.nested` is empty.
        let allowed_regions = std::mem::take(&mut body.allowed_regions);
        Ok(LateBody { params, body: body.finish(root), allowed_regions })
    }
}

fn span_of(node: &impl Spanned) -> Span {
    Span::from_pm2(node.span())
}

/// Where items are being lowered: a module, or the body of a function (for nested items).
#[derive(Clone)]
struct ItemEnv {
    module: usize,
    blocks: BlockScopes,
    /// The path items defined here are named under.
    base: String,
    in_test: bool,
    in_fn: bool,
    /// Lints allowed on the enclosing items (module, impl, trait, file).
    allowed: Vec<String>,
}

struct ItemLowerer<'a> {
    tree: &'a ModuleTree,
    file_text: &'a str,
    knowledge: &'a dyn PathKnowledge,
    out: FileHir,
    include_tests: bool,
    /// The runtime entry-point attribute of the function being lowered (see
    /// [`entry_attribute`]).
    current_entry_attribute: Option<String>,
    /// Where the bodies blanked before parsing start, and the functions they belong to.
    blanked: &'a [Pos],
    deferred: Vec<DeferredBody>,
}

impl<'a> ItemLowerer<'a> {
    fn resolver<'r>(&'r self, env: &'r ItemEnv, self_ty: Option<&'r str>) -> Resolver<'r> {
        Resolver {
            tree: self.tree,
            module: env.module,
            blocks: &env.blocks,
            self_ty,
            knowledge: self.knowledge,
            type_params: &NO_TYPE_PARAMS,
        }
    }

    fn items(&mut self, env: &ItemEnv, items: &[syn::Item]) {
        for item in items {
            self.item(env, item);
        }
    }

    fn item(&mut self, env: &ItemEnv, item: &syn::Item) {
        match item {
            syn::Item::Fn(f) => {
                let path = format!("{}::{}", env.base, f.sig.ident.unraw());
                let owner = if env.in_fn { FnOwner::Nested } else { FnOwner::Free };
                let test = env.in_test || has_test_attr(&f.attrs);
                let allowed = [env.allowed.clone(), allowed_lints(&f.attrs)].concat();
                self.current_entry_attribute = entry_attribute(&f.attrs);
                let free = InImpl { self_ty: None, params: &NO_TYPE_PARAMS };
                self.function(env, &f.sig, Some(&f.block), owner, path, free, test, allowed);
                self.current_entry_attribute = None;
            }
            syn::Item::Impl(imp) => self.impl_block(env, imp),
            syn::Item::Trait(t) => self.trait_def(env, t),
            syn::Item::Mod(m) => {
                let Some((_, content)) = &m.content else {
                    return;
                };
                let name = m.ident.unraw();
                let Some(child) = (!env.in_fn).then(|| self.tree.child(env.module, &name)).flatten() else {
                    return;
                };
                let child_env = ItemEnv {
                    module: child,
                    blocks: BlockScopes::default(),
                    base: self.tree.module_path(child).to_string(),
                    in_test: env.in_test || has_cfg_test(&m.attrs),
                    in_fn: false,
                    allowed: [env.allowed.clone(), allowed_lints(&m.attrs)].concat(),
                };
                self.items(&child_env, content);
            }
            syn::Item::Struct(s) => {
                let path = format!("{}::{}", env.base, s.ident.unraw());
                let placeholders = struct_type_params(&s.generics);
                let resolver = Resolver { type_params: &placeholders, ..self.resolver(env, Some(&path)) };
                let fields = s
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let name = f.ident.as_ref().map(|id| id.unraw()).unwrap_or_else(|| i.to_string());
                        (name, lower_type(&resolver, &f.ty))
                    })
                    .collect();
                self.out.defined_types.push(path.clone());
                self.out.structs.push(StructDef { path, fields });
            }
            syn::Item::Enum(e) => self.out.defined_types.push(format!("{}::{}", env.base, e.ident.unraw())),
            syn::Item::Union(u) => self.out.defined_types.push(format!("{}::{}", env.base, u.ident.unraw())),
            syn::Item::Static(s) => self.static_item(env, &s.ident, &s.ty),
            syn::Item::Const(c) => self.static_item(env, &c.ident, &c.ty),
            syn::Item::Type(t) => {
                // `type AppResult<T> = Result<T, Error>`: the alias's parameters are
                // placeholders, replaced by the arguments where the alias is used.
                let params = struct_type_params(&t.generics);
                let mut resolver = self.resolver(env, None);
                resolver.type_params = &params;
                let ty = lower_type(&resolver, &t.ty);
                self.out.type_aliases.push((format!("{}::{}", env.base, t.ident.unraw()), ty));
            }
            syn::Item::Use(u) => {
                let globs_before = self.out.glob_imports.len();
                self.record_imports(env, &u.tree, Vec::new(), u.leading_colon.is_some());
                // `pub use self::imp::*;` re-exports; a private glob only imports.
                if !matches!(u.vis, syn::Visibility::Inherited) && !env.in_fn {
                    let globs = &self.out.glob_imports[globs_before..];
                    let reexported = globs.iter().map(|target| (env.base.clone(), target.clone()));
                    self.out.glob_reexports.extend(reexported);
                }
            }
            syn::Item::Macro(m) => self.item_macro(env, m),
            _ => {}
        }
    }

    fn static_item(&mut self, env: &ItemEnv, ident: &syn::Ident, ty: &syn::Type) {
        let ty = lower_type(&self.resolver(env, None), ty);
        self.out.statics.push(StaticDef { path: format!("{}::{}", env.base, ident.unraw()), ty });
    }

    /// `lazy_static! { static ref X: T = ..; }` and `thread_local! { static X: T = ..; }`
    /// declare statics whose types the guard rules need; a macro wrapping items
    /// (`cfg_if!`, `cfg_feature! { .. }`) has them lowered as if written in its place.
    fn item_macro(&mut self, env: &ItemEnv, m: &syn::ItemMacro) {
        if let Some(items) = crate::macro_items::items_in_macro(m) {
            let inner = ItemEnv {
                in_test: env.in_test || has_cfg_test(&m.attrs),
                allowed: [env.allowed.clone(), allowed_lints(&m.attrs)].concat(),
                ..env.clone()
            };
            self.items(&inner, &items);
            return;
        }
        let name = m.mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if name != "lazy_static" && name != "thread_local" {
            return;
        }
        let Ok(decls) = m.mac.parse_body_with(parse_static_decls) else {
            return;
        };
        for (ident, ty) in decls {
            let ty = lower_type(&self.resolver(env, None), &ty);
            let ty = if name == "thread_local" { Ty::path("std::thread::LocalKey", vec![ty]) } else { ty };
            self.out.statics.push(StaticDef { path: format!("{}::{}", env.base, ident.unraw()), ty });
        }
    }

    fn record_imports(&mut self, env: &ItemEnv, tree: &syn::UseTree, prefix: Vec<String>, leading: bool) {
        let resolve = |segments: &[String]| self.resolver(env, None).resolve(segments, leading);
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix;
                next.push(p.ident.unraw());
                self.record_imports(env, &p.tree, next, leading);
            }
            syn::UseTree::Name(syn::UseName { ident })
            | syn::UseTree::Rename(syn::UseRename { ident, .. }) => {
                let alias = match tree {
                    syn::UseTree::Rename(r) => r.rename.unraw(),
                    _ if ident == "self" => prefix.last().cloned().unwrap_or_default(),
                    _ => ident.unraw(),
                };
                let mut segments = prefix;
                if ident != "self" {
                    segments.push(ident.unraw());
                }
                if let Some(path) = resolve(&segments) {
                    if !env.in_fn && alias != "_" {
                        // `pub use inner::Type;` makes `module::Type` another name of the item.
                        self.out.reexports.push((format!("{}::{alias}", env.base), path.clone()));
                    }
                    self.out.imports.push(path);
                }
            }
            syn::UseTree::Glob(_) => {
                if let Some(path) = resolve(&prefix) {
                    self.out.glob_imports.push(path);
                }
            }
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.record_imports(env, item, prefix.clone(), leading);
                }
            }
        }
    }

    fn impl_block(&mut self, env: &ItemEnv, imp: &syn::ItemImpl) {
        let impl_params = bounded_type_params(&self.resolver(env, None), &imp.generics);
        let resolver = Resolver { type_params: &impl_params, ..self.resolver(env, None) };
        let self_ty = lower_type(&resolver, &imp.self_ty);
        let trait_path = imp.trait_.as_ref().and_then(|(_, path, _)| {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.unraw()).collect();
            resolver.resolve(&segments, path.leading_colon.is_some())
        });
        let base = self_ty.path_str().map(str::to_string).unwrap_or_else(|| format!("{}::<impl>", env.base));
        if let (Some(trait_path), Some(type_path)) = (&trait_path, self_ty.path_str()) {
            self.out.trait_impls.push((type_path.to_string(), trait_path.clone()));
        }
        let in_test = env.in_test;
        let passed_through: Vec<syn::ImplItem> = imp
            .items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Macro(m) => crate::macro_items::impl_items_in_macro(m),
                _ => None,
            })
            .flatten()
            .collect();
        for item in imp.items.iter().chain(&passed_through) {
            if let syn::ImplItem::Fn(f) = item {
                let path = format!("{base}::{}", f.sig.ident.unraw());
                let owner = FnOwner::Impl { self_ty: self_ty.clone(), trait_path: trait_path.clone() };
                let test = in_test || has_test_attr(&f.attrs);
                let allowed =
                    [env.allowed.clone(), allowed_lints(&imp.attrs), allowed_lints(&f.attrs)].concat();
                let in_impl = InImpl { self_ty: Some(self_ty.clone()), params: &impl_params };
                self.function(env, &f.sig, Some(&f.block), owner, path, in_impl, test, allowed);
            }
        }
    }

    fn trait_def(&mut self, env: &ItemEnv, t: &syn::ItemTrait) {
        let trait_path = format!("{}::{}", env.base, t.ident.unraw());
        self.out.defined_types.push(trait_path.clone());
        for item in &t.items {
            if let syn::TraitItem::Fn(f) = item {
                let path = format!("{trait_path}::{}", f.sig.ident.unraw());
                let owner = FnOwner::Trait { trait_path: trait_path.clone(), provided: f.default.is_some() };
                let self_ty = Ty::simple(trait_path.clone());
                let allowed =
                    [env.allowed.clone(), allowed_lints(&t.attrs), allowed_lints(&f.attrs)].concat();
                let in_trait = InImpl { self_ty: Some(self_ty), params: &NO_TYPE_PARAMS };
                self.function(env, &f.sig, f.default.as_ref(), owner, path, in_trait, env.in_test, allowed);
            }
        }
    }

    /// Whether `block` was blanked before parsing; if so, records the function (the next one
    /// pushed) as deferred.
    fn defer_if_blanked(
        &mut self,
        env: &ItemEnv,
        sig: &syn::Signature,
        block: &syn::Block,
        in_impl: &InImpl<'_>,
    ) -> bool {
        let open = Span::from_pm2(block.brace_token.span.open()).start;
        if self.blanked.binary_search(&open).is_err() {
            return false;
        }
        let qualifiers =
            [sig.constness.map(|t| t.span), sig.asyncness.map(|t| t.span), sig.unsafety.map(|t| t.span)];
        let abi = sig.abi.as_ref().map(|abi| abi.extern_token.span);
        let first_token = qualifiers.into_iter().flatten().chain(abi).next().unwrap_or(sig.fn_token.span);
        self.deferred.push(DeferredBody {
            function: self.out.functions.len(),
            start: Span::from_pm2(first_token).start,
            end: Span::from_pm2(block.brace_token.span.close()).end,
            env: env.clone(),
            self_ty: in_impl.self_ty.clone(),
            impl_params: in_impl.params.clone(),
        });
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn function(
        &mut self,
        env: &ItemEnv,
        sig: &syn::Signature,
        block: Option<&syn::Block>,
        owner: FnOwner,
        path: String,
        in_impl: InImpl<'_>,
        is_test: bool,
        allowed: Vec<String>,
    ) {
        if is_test && !self.include_tests {
            return;
        }
        let deferred = block.is_some_and(|block| self.defer_if_blanked(env, sig, block, &in_impl));
        let mut body = BodyLowerer::new(self.tree, self.knowledge, env, in_impl.self_ty, path.clone());
        body.file_text = self.file_text;
        body.type_params = function_type_params(&body.resolver(), in_impl.params, &sig.generics);
        let params = if deferred { Vec::new() } else { body.params(sig) };
        let returns = match &sig.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, ty) => Some(lower_type(&body.resolver(), ty)),
        };
        let root = block.filter(|_| !deferred).map(|b| body.block(b, false));
        let nested = std::mem::take(&mut body.nested);
        self.out.allowed_regions.append(&mut body.allowed_regions);
        let lowered_body = root.map(|root| body.finish(root));
        let start =
            sig.constness.map(|t| t.span).or(sig.asyncness.map(|t| t.span)).unwrap_or(sig.fn_token.span);
        self.out.functions.push(Function {
            name: sig.ident.unraw(),
            path: path.clone(),
            has_self: matches!(sig.inputs.first(), Some(syn::FnArg::Receiver(_))),
            owner,
            is_async: sig.asyncness.is_some(),
            returns,
            params,
            body: lowered_body,
            name_span: span_of(&sig.ident),
            signature_span: Span::from_pm2(start).to(span_of(&sig.ident)),
            item_span: Span::from_pm2(start)
                .to(block.map(syntax_span::block).unwrap_or_else(|| span_of(sig))),
            is_test,
            is_entry_point: self.current_entry_attribute.is_some(),
            // `*::test` functions are run by the test harness, never called.
            runtime_entry: self.current_entry_attribute.clone().filter(|a| a.ends_with("::main")),
            allowed_lints: allowed.clone(),
            static_params: static_closure_params(sig),
        });
        for (item, blocks) in nested {
            let nested_env = ItemEnv {
                module: env.module,
                blocks,
                base: path.clone(),
                in_test: is_test,
                in_fn: true,
                allowed: allowed.clone(),
            };
            self.item(&nested_env, &item);
        }
    }
}

/// Parses `[attrs] [vis] static [ref] NAME: TYPE = EXPR;` repeated.
pub(crate) fn parse_static_decls(input: ParseStream) -> syn::Result<Vec<(syn::Ident, syn::Type)>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        input.call(syn::Attribute::parse_outer)?;
        input.parse::<syn::Visibility>()?;
        input.parse::<Token![static]>()?;
        if input.peek(Token![ref]) {
            input.parse::<Token![ref]>()?;
        }
        let ident: syn::Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: syn::Type = input.parse()?;
        input.parse::<Token![=]>()?;
        input.parse::<syn::Expr>()?;
        if !input.is_empty() {
            input.parse::<Token![;]>()?;
        }
        out.push((ident, ty));
    }
    Ok(out)
}

/// The outer attributes of an expression.
fn expr_attrs(expr: &syn::Expr) -> &[syn::Attribute] {
    use syn::Expr as E;
    match expr {
        E::Array(e) => &e.attrs,
        E::Assign(e) => &e.attrs,
        E::Async(e) => &e.attrs,
        E::Await(e) => &e.attrs,
        E::Binary(e) => &e.attrs,
        E::Block(e) => &e.attrs,
        E::Call(e) => &e.attrs,
        E::Closure(e) => &e.attrs,
        E::ForLoop(e) => &e.attrs,
        E::If(e) => &e.attrs,
        E::Loop(e) => &e.attrs,
        E::Macro(e) => &e.attrs,
        E::Match(e) => &e.attrs,
        E::MethodCall(e) => &e.attrs,
        E::Paren(e) => &e.attrs,
        E::Path(e) => &e.attrs,
        E::Reference(e) => &e.attrs,
        E::Return(e) => &e.attrs,
        E::Try(e) => &e.attrs,
        E::Unary(e) => &e.attrs,
        E::Unsafe(e) => &e.attrs,
        E::While(e) => &e.attrs,
        _ => &[],
    }
}

/// The lints an item's `#[allow(..)]`/`#[expect(..)]` attributes name (`clippy::await_holding_lock`).
fn allowed_lints(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs {
        let name = attr.path().segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if name != "allow" && name != "expect" {
            continue;
        }
        // `#[expect(lint, reason = "..")]`: the paths are the lints, the name-values are not.
        let metas = attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated);
        for meta in metas.into_iter().flatten() {
            if let syn::Meta::Path(path) = meta {
                let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
                out.push(segments.join("::"));
            }
        }
    }
    out
}

/// `#[tokio::main]`, `#[tokio::test]`, `#[async_std::test]`, `#[actix_web::main]`, ...: a
/// runtime's attribute that wraps the `async fn` in a sync one, as written (`tokio::main`).
fn entry_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        let segments: Vec<String> = a.path().segments.iter().map(|s| s.ident.to_string()).collect();
        let is_entry =
            segments.len() >= 2 && matches!(segments.last().map(String::as_str), Some("main" | "test"));
        is_entry.then(|| segments.join("::"))
    })
}

fn has_test_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "test"))
}

fn has_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|ident| ident == "test"))
}

/// Lowers a written type, resolving its paths.
pub(crate) fn lower_type(resolver: &Resolver, ty: &syn::Type) -> Ty {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => lower_type_path(resolver, &p.path),
        syn::Type::Reference(r) => Ty::Ref(Box::new(lower_type(resolver, &r.elem))),
        syn::Type::Ptr(p) => Ty::Ref(Box::new(lower_type(resolver, &p.elem))),
        syn::Type::Tuple(t) => Ty::Tuple(t.elems.iter().map(|e| lower_type(resolver, e)).collect()),
        syn::Type::Slice(s) => Ty::Slice(Box::new(lower_type(resolver, &s.elem))),
        syn::Type::Array(a) => Ty::Slice(Box::new(lower_type(resolver, &a.elem))),
        syn::Type::Paren(p) => lower_type(resolver, &p.elem),
        syn::Type::Group(g) => lower_type(resolver, &g.elem),
        syn::Type::ImplTrait(t) => Ty::Bounds(lower_bounds(resolver, &t.bounds)),
        syn::Type::TraitObject(t) => Ty::Bounds(lower_bounds(resolver, &t.bounds)),
        _ => Ty::Unknown,
    }
}

/// No type parameters in scope.
static NO_TYPE_PARAMS: TypeParams = Vec::new();

/// What a function's signature is lowered with: its `impl` (or trait) block's self type and
/// bounded type parameters.
struct InImpl<'p> {
    self_ty: Option<Ty>,
    params: &'p TypeParams,
}

/// The bounded type parameters of an `impl` or function, inline and in its `where` clause,
/// each standing for its bounds: in `fn f<S: Store>(s: &S)`, `s.put()` is `Store::put`, as
/// with `s: &impl Store`. Unbounded parameters stay unknown.
fn bounded_type_params(resolver: &Resolver, generics: &syn::Generics) -> TypeParams {
    let mut out: Vec<(String, Vec<Ty>)> = generics
        .type_params()
        .map(|param| (param.ident.unraw(), lower_bounds(resolver, &param.bounds)))
        .collect();
    let predicates = generics.where_clause.iter().flat_map(|clause| &clause.predicates);
    for predicate in predicates {
        let syn::WherePredicate::Type(predicate) = predicate else { continue };
        let syn::Type::Path(bounded) = &predicate.bounded_ty else { continue };
        let Some(ident) = bounded.path.get_ident() else { continue };
        let name = ident.unraw();
        if let Some((_, bounds)) = out.iter_mut().find(|(param, _)| *param == name) {
            bounds.extend(lower_bounds(resolver, &predicate.bounds));
        }
    }
    out.into_iter()
        .filter(|(_, bounds)| !bounds.is_empty())
        .map(|(name, bounds)| (name, Ty::Bounds(bounds)))
        .collect()
}

/// The type parameters a function's signature and body see: its `impl` block's, then its own
/// (which shadow them).
fn function_type_params(
    resolver: &Resolver,
    impl_params: &TypeParams,
    generics: &syn::Generics,
) -> TypeParams {
    let mut params = impl_params.clone();
    params.extend(bounded_type_params(resolver, generics));
    if generics.type_params().nth(1).is_none() {
        return params;
    }
    // A bound may name a sibling parameter (`F: Fn() -> Fut, Fut: Future<Output = ()>`):
    // lowered again with the first reading in scope, `F` calls return a future.
    let with_siblings = Resolver { type_params: &params, ..*resolver };
    let mut again = impl_params.clone();
    again.extend(bounded_type_params(&with_siblings, generics));
    again
}

/// The parameters (by position, `self` first) whose type must be `'static`: a closure passed
/// there is kept by the callee or sent to another thread, never only called during the call
/// (`f: impl Fn() + Send + 'static`, `F: FnOnce() + 'static`, `Box<dyn Fn()>`).
fn static_closure_params(sig: &syn::Signature) -> Vec<usize> {
    let static_generics = static_type_params(&sig.generics);
    sig.inputs
        .iter()
        .enumerate()
        .filter(|(_, input)| match input {
            syn::FnArg::Typed(t) => requires_static(&t.ty, &static_generics),
            syn::FnArg::Receiver(_) => false,
        })
        .map(|(position, _)| position)
        .collect()
}

/// Type parameters bounded by `'static`, in the parameter list or the `where` clause.
fn static_type_params(generics: &syn::Generics) -> Vec<String> {
    let mut out: Vec<String> =
        generics.type_params().filter(|p| has_static_bound(&p.bounds)).map(|p| p.ident.to_string()).collect();
    for predicate in generics.where_clause.iter().flat_map(|w| &w.predicates) {
        let syn::WherePredicate::Type(t) = predicate else { continue };
        if let (syn::Type::Path(path), true) = (&t.bounded_ty, has_static_bound(&t.bounds)) {
            out.extend(path.path.get_ident().map(|i| i.to_string()));
        }
    }
    out
}

fn has_static_bound(bounds: &Punctuated<syn::TypeParamBound, Token![+]>) -> bool {
    bounds.iter().any(|b| matches!(b, syn::TypeParamBound::Lifetime(l) if l.ident == "static"))
}

fn requires_static(ty: &syn::Type, static_generics: &[String]) -> bool {
    match ty {
        syn::Type::ImplTrait(t) => has_static_bound(&t.bounds),
        syn::Type::Path(path) => {
            if let Some(ident) = path.path.get_ident() {
                return static_generics.iter().any(|g| ident == g);
            }
            // `Box<dyn Fn()>`: a boxed trait object without a lifetime is `'static`.
            let Some(last) = path.path.segments.last() else { return false };
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return false };
            last.ident == "Box"
                && args.args.iter().any(|arg| {
                    matches!(arg, syn::GenericArgument::Type(syn::Type::TraitObject(object))
                        if !object.bounds.iter().any(|b| matches!(b, syn::TypeParamBound::Lifetime(l) if l.ident != "static")))
                })
        }
        syn::Type::Paren(inner) => requires_static(&inner.elem, static_generics),
        _ => false,
    }
}

/// A struct's type parameters as placeholders in its field types: the `i`-th is `$i`
/// (see [`crate::semantics`], which puts the argument in its place where a field is read).
fn struct_type_params(generics: &syn::Generics) -> TypeParams {
    generics
        .type_params()
        .enumerate()
        .map(|(i, param)| (param.ident.unraw(), Ty::simple(format!("${i}"))))
        .collect()
}

fn lower_bounds(resolver: &Resolver, bounds: &Punctuated<syn::TypeParamBound, Token![+]>) -> Vec<Ty> {
    bounds
        .iter()
        .filter_map(|b| match b {
            syn::TypeParamBound::Trait(t) => Some(lower_type_path(resolver, &t.path)),
            _ => None,
        })
        .collect()
}

fn lower_type_path(resolver: &Resolver, path: &syn::Path) -> Ty {
    if let Some(ident) = path.get_ident().filter(|_| !resolver.type_params.is_empty()) {
        let name = ident.unraw();
        // The innermost parameter of that name: a function's own shadow its `impl` block's.
        if let Some((_, ty)) = resolver.type_params.iter().rev().find(|(param, _)| *param == name) {
            return ty.clone();
        }
    }
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.unraw()).collect();
    let Some(resolved) = resolver.resolve(&segments, path.leading_colon.is_some()) else {
        return Ty::Unknown;
    };
    let mut args = Vec::new();
    if let Some(last) = path.segments.last() {
        match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => {
                for arg in &a.args {
                    match arg {
                        syn::GenericArgument::Type(t) => args.push(lower_type(resolver, t)),
                        syn::GenericArgument::AssocType(binding) => {
                            args.push(lower_type(resolver, &binding.ty))
                        }
                        _ => {}
                    }
                }
            }
            syn::PathArguments::Parenthesized(p) => {
                if let syn::ReturnType::Type(_, t) = &p.output {
                    args.push(lower_type(resolver, t));
                }
            }
            syn::PathArguments::None => {}
        }
    }
    Ty::Path { path: resolved, args }
}

/// How the locals of a pattern get their value, before the step path is known.
enum OriginBase {
    Let(Option<ExprId>),
    For(ExprId),
    Scrutinee(ExprId),
    /// A function parameter with its declared type (`State(state): State<AppState>`).
    Param(Ty),
    ClosureParam,
}

impl OriginBase {
    fn origin(&self, steps: &[PatStep]) -> LocalOrigin {
        match *self {
            OriginBase::Let(init) => LocalOrigin::Let { init, path: steps.to_vec() },
            OriginBase::For(iter) => LocalOrigin::ForLoop { iter, path: steps.to_vec() },
            OriginBase::Scrutinee(scrutinee) => LocalOrigin::Scrutinee { scrutinee, path: steps.to_vec() },
            OriginBase::Param(_) if steps.is_empty() => LocalOrigin::Param,
            OriginBase::Param(ref ty) => {
                LocalOrigin::ParamPart { param_ty: ty.clone(), path: steps.to_vec() }
            }
            OriginBase::ClosureParam => LocalOrigin::ClosureParam { closure: None, index: 0 },
        }
    }
}

/// A `select!` body as parsed, before lowering.
struct RawSelect {
    biased: bool,
    branches: Vec<(syn::Pat, syn::Expr, Option<syn::Expr>, syn::Expr, Span)>,
    fallback: Vec<syn::Expr>,
}

/// What a macro body parsed as.
enum RawMacroBody {
    Exprs(Vec<syn::Expr>),
    Stmts(Vec<syn::Stmt>),
    Opaque,
}

struct BodyLowerer<'a> {
    tree: &'a ModuleTree,
    /// The file's text, where the file's `macro_rules!` definitions are read from.
    file_text: &'a str,
    knowledge: &'a dyn PathKnowledge,
    module: usize,
    blocks: BlockScopes,
    self_ty: Option<Ty>,
    self_path: Option<String>,
    fn_path: String,
    body: Body,
    /// Local scopes, innermost last; shadowing is resolved by searching from the end.
    frames: Vec<Vec<(String, LocalId)>>,
    /// Items declared inside the body, with the block scopes they see.
    nested: Vec<(syn::Item, BlockScopes)>,
    /// Statements with `#[allow(..)]` attributes.
    allowed_regions: Vec<(Span, Vec<String>)>,
    depth: u32,
    /// The bounded type parameters of the function and its `impl` block.
    type_params: TypeParams,
    /// Set while a `macro_rules!` expansion is lowered.
    expansion: Option<Expansion>,
    /// `macro_rules!` definitions met in the body so far (they shadow the file's).
    body_macros: Vec<(String, TokenStream)>,
    /// How many more tokens macro expansions may add to this body (a macro that invokes
    /// itself many times over grows exponentially with depth).
    expansion_budget: usize,
}

/// The invocation a macro expansion is lowered for. Tokens written in the macro's definition
/// carry the span of the invocation's name (before `arguments_start`); what is made of them,
/// in whole or in part, is placed on the whole invocation, while what comes from its
/// arguments alone keeps its own span.
#[derive(Clone, Copy)]
struct Expansion {
    invocation: Span,
    arguments_start: Pos,
    depth: u32,
}

/// Macros expanding macros deeper than this are left unexpanded (recursive macros).
const MAX_EXPANSION_DEPTH: u32 = 8;
/// What macro expansions may add to one body, in tokens; past it, invocations stay unexpanded.
const MAX_EXPANDED_TOKENS_PER_BODY: usize = 100_000;

impl<'a> BodyLowerer<'a> {
    fn new(
        tree: &'a ModuleTree,
        knowledge: &'a dyn PathKnowledge,
        env: &ItemEnv,
        self_ty: Option<Ty>,
        fn_path: String,
    ) -> Self {
        let self_path = self_ty.as_ref().and_then(|t| t.path_str().map(str::to_string));
        BodyLowerer {
            tree,
            file_text: "",
            knowledge,
            module: env.module,
            blocks: env.blocks.clone(),
            self_ty,
            self_path,
            fn_path,
            body: Body::default(),
            frames: vec![Vec::new()],
            nested: Vec::new(),
            allowed_regions: Vec::new(),
            depth: 0,
            type_params: TypeParams::new(),
            expansion: None,
            body_macros: Vec::new(),
            expansion_budget: MAX_EXPANDED_TOKENS_PER_BODY,
        }
    }

    fn resolver(&self) -> Resolver<'_> {
        Resolver {
            tree: self.tree,
            module: self.module,
            blocks: &self.blocks,
            self_ty: self.self_path.as_deref(),
            knowledge: self.knowledge,
            type_params: &self.type_params,
        }
    }

    fn finish(mut self, root: ExprId) -> Body {
        self.body.root = Some(root);
        let mut parents = vec![None; self.body.exprs.len()];
        for (index, expr) in self.body.exprs.iter().enumerate() {
            for_each_child(&expr.kind, |child| parents[child.0 as usize] = Some(ExprId(index as u32)));
        }
        self.body.parents = parents;
        // Bodies live until the end of the run: no spare capacity.
        self.body.exprs.shrink_to_fit();
        self.body.locals.shrink_to_fit();
        self.body
    }

    fn alloc(&mut self, kind: ExprKind, span: Span) -> ExprId {
        let span = self.placed(span);
        self.body.exprs.push(Expr { kind, span });
        ExprId(self.body.exprs.len() as u32 - 1)
    }

    /// Where a span of the code being lowered is shown: inside a macro expansion, what the
    /// macro's definition wrote is shown on the whole invocation.
    fn placed(&self, span: Span) -> Span {
        match self.expansion {
            // Made of the definition's tokens, in whole or in part.
            Some(expansion) if span.start.min(span.end) < expansion.arguments_start => expansion.invocation,
            _ => span,
        }
    }

    fn bind(&mut self, name: String, span: Span, declared_ty: Option<Ty>, origin: LocalOrigin) -> LocalId {
        let id = LocalId(self.body.locals.len() as u32);
        self.body.locals.push(Local { name: name.clone(), span, declared_ty, origin });
        if let Some(frame) = self.frames.last_mut() {
            frame.push((name, id));
        }
        id
    }

    fn lookup_local(&self, name: &str) -> Option<LocalId> {
        self.frames.iter().rev().flat_map(|f| f.iter().rev()).find(|(n, _)| n == name).map(|(_, id)| *id)
    }

    fn push_frame(&mut self) {
        self.frames.push(Vec::new());
    }

    fn pop_frame(&mut self) {
        self.frames.pop();
    }

    fn resolve_path(&self, path: &syn::Path) -> Resolved {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.unraw()).collect();
        match self.resolver().resolve(&segments, path.leading_colon.is_some()) {
            Some(resolved) => Resolved::Item(resolved),
            None => Resolved::Unknown(segments.join("::")),
        }
    }

    fn params(&mut self, sig: &syn::Signature) -> Vec<LocalId> {
        let mut params = Vec::new();
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(r) => {
                    let self_ty = self.self_ty.clone().unwrap_or(Ty::Unknown);
                    let ty = if r.reference.is_some() { Ty::Ref(Box::new(self_ty)) } else { self_ty };
                    params.push(self.bind(
                        "self".into(),
                        span_of(&r.self_token),
                        Some(ty),
                        LocalOrigin::SelfParam,
                    ));
                }
                syn::FnArg::Typed(t) => {
                    let ty = lower_type(&self.resolver(), &t.ty);
                    let pat = self.pat(&t.pat, &OriginBase::Param(ty.clone()), &mut Vec::new(), Some(ty));
                    params.extend(pat.bindings());
                }
            }
        }
        params
    }

    fn block(&mut self, block: &syn::Block, is_unsafe: bool) -> ExprId {
        self.blocks.push(&block.stmts, &self.fn_path.clone());
        self.push_frame();
        let lowered = self.stmts(&block.stmts, is_unsafe);
        self.pop_frame();
        self.blocks.pop();
        self.alloc(ExprKind::Block(lowered), syntax_span::block(block))
    }

    fn stmts(&mut self, stmts: &[syn::Stmt], is_unsafe: bool) -> Block {
        let mut out = Vec::new();
        let mut tail = None;
        for (index, stmt) in stmts.iter().enumerate() {
            let is_last = index + 1 == stmts.len();
            match stmt {
                syn::Stmt::Local(local) => out.push(self.local(local)),
                syn::Stmt::Item(syn::Item::Macro(m))
                    if m.ident.is_some() && m.mac.path.is_ident("macro_rules") =>
                {
                    let name = m.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
                    self.body_macros.push((name, m.mac.tokens.clone()));
                    out.push(Stmt::Item);
                }
                syn::Stmt::Item(item) => {
                    // Items a macro expansion defines are not lowered (their spans are not theirs).
                    if !matches!(item, syn::Item::Mod(_)) && self.expansion.is_none() {
                        self.nested.push((item.clone(), self.blocks.clone()));
                    }
                    out.push(Stmt::Item);
                }
                syn::Stmt::Expr(expr, semi) => {
                    let id = self.expr(expr);
                    if is_last && semi.is_none() {
                        tail = Some(id);
                    } else {
                        out.push(Stmt::Expr { expr: id, semi: semi.is_some() });
                    }
                }
                syn::Stmt::Macro(m) => {
                    let id = self.macro_expr(&m.mac, syntax_span::macro_call(&m.mac, m.semi_token.as_ref()));
                    if is_last && m.semi_token.is_none() {
                        tail = Some(id);
                    } else {
                        out.push(Stmt::Expr { expr: id, semi: m.semi_token.is_some() });
                    }
                }
            }
        }
        Block { stmts: out, tail, is_unsafe }
    }

    fn local(&mut self, local: &syn::Local) -> Stmt {
        let lints = allowed_lints(&local.attrs);
        if !lints.is_empty() {
            self.allowed_regions.push((syntax_span::local(local), lints));
        }
        let init = local.init.as_ref().map(|i| self.expr(&i.expr));
        let else_branch = local.init.as_ref().and_then(|i| i.diverge.as_ref()).map(|(_, e)| self.expr(e));
        let (pat, ty) = match &local.pat {
            syn::Pat::Type(t) => (&*t.pat, Some(lower_type(&self.resolver(), &t.ty))),
            other => (other, None),
        };
        let lowered = self.pat(pat, &OriginBase::Let(init), &mut Vec::new(), ty);
        Stmt::Let { pat: lowered, init, else_branch, span: syntax_span::local(local) }
    }

    fn pat(
        &mut self,
        pat: &syn::Pat,
        base: &OriginBase,
        steps: &mut Vec<PatStep>,
        declared: Option<Ty>,
    ) -> Pat {
        match pat {
            syn::Pat::Ident(p) => {
                let local = self.bind(p.ident.unraw(), span_of(&p.ident), declared, base.origin(steps));
                if let Some((_, sub)) = &p.subpat {
                    self.pat(sub, base, steps, None);
                }
                Pat::Binding { local, by_ref: p.by_ref.is_some() }
            }
            syn::Pat::Wild(_) => Pat::Wild,
            syn::Pat::Type(t) => {
                let ty = lower_type(&self.resolver(), &t.ty);
                self.pat(&t.pat, base, steps, Some(ty))
            }
            syn::Pat::Reference(r) => self.pat(&r.pat, base, steps, None),
            syn::Pat::Paren(p) => self.pat(&p.pat, base, steps, declared),
            syn::Pat::Tuple(t) => {
                let items = t
                    .elems
                    .iter()
                    .enumerate()
                    .map(|(i, elem)| {
                        steps.push(PatStep::Field(i));
                        let item = self.pat(elem, base, steps, None);
                        steps.pop();
                        item
                    })
                    .collect();
                Pat::Tuple(items)
            }
            syn::Pat::TupleStruct(t) => {
                let path = self.resolve_path(&t.path);
                let is_variant = matches!(path.name(), "Some" | "Ok" | "Err") && t.elems.len() == 1;
                let items = t
                    .elems
                    .iter()
                    .enumerate()
                    .map(|(i, elem)| {
                        steps.push(if is_variant { PatStep::Variant } else { PatStep::Field(i) });
                        let item = self.pat(elem, base, steps, None);
                        steps.pop();
                        item
                    })
                    .collect();
                Pat::TupleStruct { path, items }
            }
            syn::Pat::Or(o) => {
                // Every alternative binds the same names; the first one stands for all.
                match o.cases.first() {
                    Some(first) => {
                        let lowered = self.pat(first, base, steps, declared);
                        Pat::Other(lowered.bindings())
                    }
                    None => Pat::Other(Vec::new()),
                }
            }
            syn::Pat::Struct(s) => {
                let mut locals = Vec::new();
                for field in &s.fields {
                    locals.extend(self.pat(&field.pat, base, steps, None).bindings());
                }
                Pat::Other(locals)
            }
            syn::Pat::Slice(s) => {
                let mut locals = Vec::new();
                for elem in &s.elems {
                    locals.extend(self.pat(elem, base, steps, None).bindings());
                }
                Pat::Other(locals)
            }
            _ => Pat::Other(Vec::new()),
        }
    }

    fn exprs(&mut self, exprs: &[&syn::Expr]) -> Vec<ExprId> {
        exprs.iter().map(|e| self.expr(e)).collect()
    }

    fn expr(&mut self, expr: &syn::Expr) -> ExprId {
        if self.depth >= MAX_EXPR_DEPTH {
            return self.alloc(ExprKind::Lit, syntax_span::expr(expr));
        }
        // `#[allow(clippy::async_yields_async)] rt.spawn(async { .. })`, also on an
        // expression statement, whose attributes syn gives the expression.
        let lints = allowed_lints(expr_attrs(expr));
        if !lints.is_empty() {
            self.allowed_regions.push((self.placed(syntax_span::expr(expr)), lints));
        }
        self.depth += 1;
        let id = self.expr_inner(expr);
        self.depth -= 1;
        id
    }

    fn expr_inner(&mut self, expr: &syn::Expr) -> ExprId {
        use syn::Expr as E;
        let span = syntax_span::expr(expr);
        let kind = match expr {
            E::Array(a) => ExprKind::Other(self.exprs(&a.elems.iter().collect::<Vec<_>>())),
            E::Assign(a) => {
                let target = self.expr(&a.left);
                let value = self.expr(&a.right);
                ExprKind::Assign { target, value }
            }
            E::Async(a) => {
                let header = a
                    .capture
                    .map(|c| span_of(&a.async_token).to(span_of(&c)))
                    .unwrap_or(span_of(&a.async_token));
                let body = self.block(&a.block, false);
                ExprKind::Async { body, is_move: a.capture.is_some(), header, is_stream: false }
            }
            E::Await(a) => ExprKind::Await(self.expr(&a.base)),
            E::Binary(b) => ExprKind::Other(self.exprs(&[&b.left, &b.right])),
            E::Block(b) => return self.block(&b.block, false),
            E::Break(b) => {
                let value = b.expr.as_ref().map(|e| self.expr(e));
                ExprKind::Break { label: b.label.as_ref().map(|l| l.ident.to_string()), value }
            }
            E::Call(c) => {
                let callee = self.expr(&c.func);
                let args = self.exprs(&c.args.iter().collect::<Vec<_>>());
                ExprKind::Call { callee, args }
            }
            E::Cast(c) => ExprKind::Other(vec![self.expr(&c.expr)]),
            E::Closure(c) => return self.closure(c),
            E::Const(c) => return self.block(&c.block, false),
            E::Continue(c) => ExprKind::Continue { label: c.label.as_ref().map(|l| l.ident.to_string()) },
            E::Field(f) => {
                let base = self.expr(&f.base);
                let name = match &f.member {
                    syn::Member::Named(ident) => ident.unraw(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                };
                ExprKind::Field { base, name }
            }
            E::ForLoop(f) => {
                let iter = self.expr(&f.expr);
                self.push_frame();
                let pat = self.pat(&f.pat, &OriginBase::For(iter), &mut Vec::new(), None);
                let body = self.block(&f.body, false);
                self.pop_frame();
                let label = f.label.as_ref().map(|l| l.name.ident.to_string());
                ExprKind::For { pat: Box::new(pat), iter, body, label }
            }
            E::Group(g) => return self.expr(&g.expr),
            E::If(i) => {
                self.push_frame();
                let cond = self.expr(&i.cond);
                let then_branch = self.block(&i.then_branch, false);
                self.pop_frame();
                let else_branch = i.else_branch.as_ref().map(|(_, e)| self.expr(e));
                ExprKind::If { cond, then_branch, else_branch }
            }
            E::Index(i) => ExprKind::Index { base: self.expr(&i.expr), index: self.expr(&i.index) },
            E::Let(l) => {
                let scrutinee = self.expr(&l.expr);
                let pat = self.pat(&l.pat, &OriginBase::Scrutinee(scrutinee), &mut Vec::new(), None);
                ExprKind::Let { pat, scrutinee }
            }
            E::Loop(l) => {
                let body = self.block(&l.body, false);
                ExprKind::Loop { body, label: l.label.as_ref().map(|l| l.name.ident.to_string()) }
            }
            E::Macro(m) => return self.macro_expr(&m.mac, span),
            E::Match(m) => {
                let scrutinee = self.expr(&m.expr);
                let arms = m
                    .arms
                    .iter()
                    .map(|arm| {
                        self.push_frame();
                        let pat =
                            self.pat(&arm.pat, &OriginBase::Scrutinee(scrutinee), &mut Vec::new(), None);
                        let guard = arm.guard.as_ref().map(|(_, g)| self.expr(g));
                        let body = self.expr(&arm.body);
                        self.pop_frame();
                        Arm { pat, guard, body }
                    })
                    .collect();
                ExprKind::Match { scrutinee, arms }
            }
            E::MethodCall(m) => {
                let receiver = self.expr(&m.receiver);
                let args = self.exprs(&m.args.iter().collect::<Vec<_>>());
                let method_span =
                    self.placed(span_of(&m.method).to(Span::from_pm2(m.paren_token.span.close())));
                ExprKind::MethodCall { receiver, method: m.method.unraw(), method_span, args }
            }
            E::Paren(p) => return self.expr(&p.expr),
            E::Path(p) => self.path_expr(p),
            E::Range(r) => {
                let parts: Vec<&syn::Expr> = r.start.iter().chain(r.end.iter()).map(|b| &**b).collect();
                ExprKind::Other(self.exprs(&parts))
            }
            E::RawAddr(r) => ExprKind::Other(vec![self.expr(&r.expr)]),
            E::Reference(r) => ExprKind::Ref(self.expr(&r.expr)),
            E::Repeat(r) => ExprKind::Other(self.exprs(&[&r.expr, &r.len])),
            E::Return(r) => ExprKind::Return(r.expr.as_ref().map(|e| self.expr(e))),
            E::Struct(s) => {
                let path = self.resolve_path(&s.path);
                let mut fields: Vec<ExprId> = s.fields.iter().map(|f| self.expr(&f.expr)).collect();
                if let Some(rest) = &s.rest {
                    fields.push(self.expr(rest));
                }
                ExprKind::Struct { path, fields }
            }
            E::Try(t) => ExprKind::Try(self.expr(&t.expr)),
            E::TryBlock(t) => return self.block(&t.block, false),
            E::Tuple(t) => ExprKind::Tuple(self.exprs(&t.elems.iter().collect::<Vec<_>>())),
            E::Unary(u) => match u.op {
                syn::UnOp::Deref(_) => ExprKind::Deref(self.expr(&u.expr)),
                _ => ExprKind::Other(vec![self.expr(&u.expr)]),
            },
            E::Unsafe(u) => return self.block(&u.block, true),
            E::While(w) => {
                self.push_frame();
                let cond = self.expr(&w.cond);
                let body = self.block(&w.body, false);
                self.pop_frame();
                ExprKind::While { cond, body, label: w.label.as_ref().map(|l| l.name.ident.to_string()) }
            }
            E::Yield(y) => ExprKind::Other(y.expr.iter().map(|e| self.expr(e)).collect()),
            _ => ExprKind::Lit,
        };
        self.alloc(kind, span)
    }

    fn path_expr(&mut self, p: &syn::ExprPath) -> ExprKind {
        if let Some(qself) = &p.qself {
            // `<T as Trait>::f` names `Trait::f`; `<T>::f` names `T::f`.
            if qself.position > 0 {
                return ExprKind::Path(self.resolve_path(&p.path));
            }
            let ty = lower_type(&self.resolver(), &qself.ty);
            let rest: Vec<String> = p.path.segments.iter().map(|s| s.ident.unraw()).collect();
            return match ty.path_str() {
                Some(base) => ExprKind::Path(Resolved::Item(format!("{base}::{}", rest.join("::")))),
                None => ExprKind::Path(Resolved::Unknown(rest.join("::"))),
            };
        }
        if p.path.leading_colon.is_none() && p.path.segments.len() == 1 {
            let name = p.path.segments[0].ident.unraw();
            if let Some(local) = self.lookup_local(&name) {
                return ExprKind::Local(local);
            }
        }
        ExprKind::Path(self.resolve_path(&p.path))
    }

    fn closure(&mut self, c: &syn::ExprClosure) -> ExprId {
        let start = c.asyncness.map(|t| t.span).or(c.capture.map(|t| t.span)).unwrap_or(c.or1_token.span);
        let header = Span::from_pm2(start).to(span_of(&c.or2_token));
        self.push_frame();
        let params: Vec<Pat> =
            c.inputs.iter().map(|p| self.pat(p, &OriginBase::ClosureParam, &mut Vec::new(), None)).collect();
        let body = self.expr(&c.body);
        self.pop_frame();
        let top_level: Vec<(usize, LocalId)> = params
            .iter()
            .enumerate()
            .filter_map(|(index, pat)| match pat {
                Pat::Binding { local, .. } => Some((index, *local)),
                _ => None,
            })
            .collect();
        let kind = ExprKind::Closure {
            is_async: c.asyncness.is_some(),
            is_move: c.capture.is_some(),
            params,
            body,
            header,
        };
        let id = self.alloc(kind, syntax_span::closure(c));
        // Now that the closure has an id, its parameters can say whose they are.
        for (index, local) in top_level {
            self.body.locals[local.0 as usize].origin =
                LocalOrigin::ClosureParam { closure: Some(id), index };
        }
        id
    }

    fn macro_expr(&mut self, mac: &syn::Macro, span: Span) -> ExprId {
        if let Some(expanded) = self.expand_file_macro(mac, span) {
            return expanded;
        }
        let path = self.resolve_path(&mac.path);
        if matches!(path.item(), Some("async_stream::stream" | "async_stream::try_stream")) {
            if let Some(stream) = self.async_stream_body(mac) {
                return stream;
            }
        }
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let kind = match name.as_str() {
            "select" | "select_biased" => match mac.parse_body_with(parse_select) {
                Ok(raw) => MacroKind::Select(self.select(raw)),
                Err(_) => self.generic_macro(mac.tokens.clone(), false),
            },
            "pin" | "pin_mut" => self.generic_macro(mac.tokens.clone(), true),
            // serde_json's `json!({ "key": value, "list": [a, b] })`: its values are expressions.
            "json" => match mac.parse_body_with(json_values) {
                Ok(exprs) => self.lowered_exprs(&exprs),
                Err(_) => self.generic_macro(mac.tokens.clone(), false),
            },
            // Its tokens are turned into a string, never run.
            "stringify" => MacroKind::Opaque,
            _ => self.generic_macro(mac.tokens.clone(), false),
        };
        if let (MacroKind::Exprs(args), true) = (&kind, is_std_write_macro(&mac.path)) {
            if let Some((&destination, rest)) = args.split_first() {
                // `write!(dst, ..)` is `dst.write_fmt(format_args!(..))`: a call on `dst` that
                // blocks when `dst` is a file or a socket.
                let call = ExprKind::MethodCall {
                    receiver: destination,
                    method: "write_fmt".to_string(),
                    method_span: span,
                    args: rest.to_vec(),
                };
                return self.alloc(call, span);
            }
        }
        self.alloc(ExprKind::Macro(Box::new(MacroCall { path, kind })), span)
    }

    /// An invocation of one of the file's own `macro_rules!` macros, lowered as its expansion
    /// if it matches one of the macro's rules (see [`Self::lower_expansion`]).
    fn expand_file_macro(&mut self, mac: &syn::Macro, span: Span) -> Option<ExprId> {
        let name = match mac.path.segments.len() {
            1 => &mac.path.segments[0].ident,
            2 if mac.path.segments[0].ident == "crate" => &mac.path.segments[1].ident,
            _ => return None,
        };
        let depth = self.expansion.map_or(0, |outer| outer.depth + 1);
        if depth >= MAX_EXPANSION_DEPTH {
            return None;
        }
        let rules = MacroRules::parse(self.macro_definition(&name.to_string())?)?;
        let tokens = rules.expand(mac.tokens.clone(), name.span())?;
        let added = crate::macro_rules::count_tokens(&tokens);
        if added > self.expansion_budget {
            self.expansion_budget = 0;
            return None;
        }
        self.expansion_budget -= added;
        let stmts = syn::Block::parse_within.parse2(tokens).ok()?;
        let expansion = self.expansion_of(mac, span, depth);
        let outer = self.expansion.replace(expansion);
        let lowered = self.lower_expansion(&stmts, mac, span);
        self.expansion = outer;
        if outer.is_none() {
            self.body.expansions.push((expansion.invocation, name.to_string()));
        }
        Some(lowered)
    }

    /// Where the expansion of `mac` is placed: on its own invocation, or, when an outer
    /// macro's definition wrote the invocation, on that macro's.
    fn expansion_of(&self, mac: &syn::Macro, span: Span, depth: u32) -> Expansion {
        match self.expansion {
            Some(outer) if span.start < outer.arguments_start => Expansion { depth, ..outer },
            _ => Expansion {
                invocation: syntax_span::macro_call(mac, None),
                arguments_start: syntax_span::macro_arguments_start(mac),
                depth,
            },
        }
    }

    /// One expression is lowered in the invocation's place; statements as a block, whose
    /// `let`s stay inside.
    fn lower_expansion(&mut self, stmts: &[syn::Stmt], mac: &syn::Macro, span: Span) -> ExprId {
        match stmts {
            // One expression: lowered as if written in place, so that its value is seen for
            // what it is (a guard, a future) by every rule.
            [syn::Stmt::Expr(value, None)] => self.expr(value),
            _ => {
                self.push_frame();
                let block = self.stmts(stmts, false);
                self.pop_frame();
                let expanded = self.alloc(ExprKind::Block(block), span);
                let path = self.resolve_path(&mac.path);
                let call = MacroCall { path, kind: MacroKind::Stmts(expanded) };
                self.alloc(ExprKind::Macro(Box::new(call)), span)
            }
        }
    }

    /// The tokens of the `macro_rules! name` an invocation here reaches: the body's own, the
    /// latest first, else the file's one definition.
    fn macro_definition(&self, name: &str) -> Option<TokenStream> {
        if let Some((_, tokens)) = self.body_macros.iter().rev().find(|(defined, _)| defined == name) {
            return Some(tokens.clone());
        }
        let body = self.tree.macro_rules(name)?;
        let range = offset_in(self.file_text, body.start)..offset_in(self.file_text, body.end);
        self.file_text.get(range)?.parse().ok()
    }

    /// `async_stream::stream! { .. yield x; .. }`: the body runs as an async block does (it
    /// is polled by whoever polls the stream), so it is lowered as one.
    fn async_stream_body(&mut self, mac: &syn::Macro) -> Option<ExprId> {
        // `for await x in s` is the macro's own syntax: read as a `for` loop over `s`.
        let tokens = without_for_await(mac.tokens.clone());
        let stmts = syn::Block::parse_within.parse2(tokens).ok()?;
        let header = syntax_span::macro_call(mac, None);
        self.push_frame();
        let block = self.stmts(&stmts, false);
        self.pop_frame();
        let body = self.alloc(ExprKind::Block(block), header);
        Some(self.alloc(
            ExprKind::Async { body, is_move: true, header: span_of(&mac.path), is_stream: true },
            header,
        ))
    }

    fn lowered_exprs(&mut self, exprs: &[syn::Expr]) -> MacroKind {
        let mut lowered: Vec<ExprId> = exprs.iter().map(|e| self.expr(e)).collect();
        lowered.extend(self.inline_format_captures(exprs));
        MacroKind::Exprs(lowered)
    }

    /// `binds_outward`: the macro's `let`s bind in the enclosing block (`tokio::pin! { let x = ..; }`).
    fn generic_macro(&mut self, tokens: TokenStream, binds_outward: bool) -> MacroKind {
        match parse_macro_body(tokens) {
            RawMacroBody::Exprs(exprs) => self.lowered_exprs(&exprs),
            RawMacroBody::Stmts(stmts) => {
                if !binds_outward {
                    self.push_frame();
                }
                let block = self.stmts(&stmts, false);
                if !binds_outward {
                    self.pop_frame();
                }
                let span = stmts
                    .first()
                    .map(|s| syntax_span::stmt(s).to(syntax_span::stmt(stmts.last().unwrap_or(s))))
                    .unwrap_or_default();
                MacroKind::Stmts(self.alloc(ExprKind::Block(block), span))
            }
            RawMacroBody::Opaque => MacroKind::Opaque,
        }
    }

    /// `println!("{name}")` uses the local `name` without writing it as an expression; the
    /// captures are lowered as local references at the string literal's span.
    fn inline_format_captures(&mut self, args: &[syn::Expr]) -> Vec<ExprId> {
        let mut out = Vec::new();
        for arg in args {
            let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(literal), .. }) = arg else { continue };
            let span = span_of(literal);
            for name in format_captures(&literal.value()) {
                if let Some(local) = self.lookup_local(&name) {
                    out.push(self.alloc(ExprKind::Local(local), span));
                }
            }
        }
        out
    }

    fn select(&mut self, raw: RawSelect) -> Select {
        let branches = raw
            .branches
            .into_iter()
            .map(|(pat, future, condition, handler, span)| {
                let future = self.expr(&future);
                let condition = condition.map(|c| self.expr(&c));
                self.push_frame();
                let pat = self.pat(&pat, &OriginBase::Scrutinee(future), &mut Vec::new(), None);
                let handler = self.expr(&handler);
                self.pop_frame();
                SelectBranch { pat, future, condition, handler, span }
            })
            .collect();
        let fallback = raw.fallback.iter().map(|e| self.expr(e)).collect();
        Select { biased: raw.biased, branches, fallback }
    }
}

/// The identifiers a format string captures implicitly: `{name}`, `{name:?}`, `{name:>8}`.
fn format_captures(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(stripped) = rest.strip_prefix('{') {
            rest = stripped;
            continue;
        }
        let end = rest.find(['}', ':']).unwrap_or(rest.len());
        let name = rest[..end].trim();
        let is_ident = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if is_ident {
            out.push(name.to_string());
        }
        rest = &rest[end..];
    }
    out
}

/// `write!`/`writeln!` from the prelude (or named through `std`/`core`).
fn is_std_write_macro(path: &syn::Path) -> bool {
    let is_write = |ident: &syn::Ident| ident == "write" || ident == "writeln";
    let segments: Vec<&syn::Ident> = path.segments.iter().map(|s| &s.ident).collect();
    match segments.as_slice() {
        [name] => is_write(name),
        [krate, name] => (*krate == "std" || *krate == "core") && is_write(name),
        _ => false,
    }
}

/// Drops the `await` of every `for await` (`async_stream`'s loop over a stream).
fn without_for_await(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut after_for = false;
    for tree in tokens {
        let tree = match tree {
            proc_macro2::TokenTree::Ident(ident) if after_for && ident == "await" => {
                after_for = false;
                continue;
            }
            proc_macro2::TokenTree::Group(group) => {
                let mut inner = proc_macro2::Group::new(group.delimiter(), without_for_await(group.stream()));
                inner.set_span(group.span());
                proc_macro2::TokenTree::Group(inner)
            }
            other => other,
        };
        after_for = matches!(&tree, proc_macro2::TokenTree::Ident(ident) if ident == "for");
        out.push(tree);
    }
    out.into_iter().collect()
}

/// Parses a macro body as comma-separated expressions, `expr; expr` (`vec![x; n]`), statements,
/// or a leading expression followed by anything (`matches!(x, Pat)`).
fn parse_macro_body(tokens: TokenStream) -> RawMacroBody {
    if tokens.is_empty() {
        return RawMacroBody::Exprs(Vec::new());
    }
    // One token buffer for every reading tried (each on a fork of the input).
    let readings = |input: ParseStream| -> syn::Result<RawMacroBody> {
        let attempts: [fn(ParseStream) -> syn::Result<RawMacroBody>; 5] =
            [comma_separated_exprs, repeat_expr, statements, structured_fields, leading_expr];
        for attempt in attempts {
            if let Ok(body) = attempt(&input.fork()) {
                // Every reading takes the whole input: what the fork read is skipped here.
                input.parse::<TokenStream>()?;
                return Ok(body);
            }
        }
        input.parse::<TokenStream>()?;
        Ok(RawMacroBody::Opaque)
    };
    readings.parse2(tokens).unwrap_or(RawMacroBody::Opaque)
}

/// `a, b, c`: `println!`, `vec![..]`, `assert_eq!` ...
fn comma_separated_exprs(input: ParseStream) -> syn::Result<RawMacroBody> {
    let exprs = Punctuated::<syn::Expr, Token![,]>::parse_terminated(input)?;
    Ok(RawMacroBody::Exprs(exprs.into_iter().collect()))
}

/// `value; count`: `vec![0; n]`.
fn repeat_expr(input: ParseStream) -> syn::Result<RawMacroBody> {
    let value: syn::Expr = input.parse()?;
    input.parse::<Token![;]>()?;
    let count: syn::Expr = input.parse()?;
    end_of_input(input)?;
    Ok(RawMacroBody::Exprs(vec![value, count]))
}

/// Statements: `tokio::pin! { let x = ..; }`.
fn statements(input: ParseStream) -> syn::Result<RawMacroBody> {
    Ok(RawMacroBody::Stmts(syn::Block::parse_within(input)?))
}

/// Structured logging fields, each read as its value: `tracing::info!(target: "db", user.id
/// = %id, size = ?meta.len(), ?err, "message {}", x)`.
fn structured_fields(input: ParseStream) -> syn::Result<RawMacroBody> {
    let mut values = Vec::new();
    while !input.is_empty() {
        skip_field_name(input)?;
        if input.peek(Token![?]) {
            input.parse::<Token![?]>()?;
        } else if input.peek(Token![%]) {
            input.parse::<Token![%]>()?;
        }
        values.push(input.parse::<syn::Expr>()?);
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(RawMacroBody::Exprs(values))
}

/// Skips `name:` (`target:`, `parent:`) or a field name and its `=` (`a.b =`, `"key" =`),
/// where the input starts with one.
fn skip_field_name(input: ParseStream) -> syn::Result<()> {
    if input.peek(syn::Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        input.parse::<syn::Ident>()?;
        input.parse::<Token![:]>()?;
        return Ok(());
    }
    let ahead = input.fork();
    let named = if ahead.peek(syn::LitStr) {
        ahead.parse::<syn::LitStr>().is_ok()
    } else {
        Punctuated::<syn::Ident, Token![.]>::parse_separated_nonempty(&ahead).is_ok()
    };
    if named && ahead.peek(Token![=]) && !ahead.peek(Token![==]) && !ahead.peek(Token![=>]) {
        ahead.parse::<Token![=]>()?;
        input.advance_to(&ahead);
    }
    Ok(())
}

/// An expression followed by a comma and anything: `tracing::info!(value, %field)`.
fn leading_expr(input: ParseStream) -> syn::Result<RawMacroBody> {
    let first: syn::Expr = input.parse()?;
    input.parse::<Token![,]>()?;
    input.parse::<TokenStream>()?;
    Ok(RawMacroBody::Exprs(vec![first]))
}

/// The expressions of a `json!` value: an object's values (its keys are skipped up to their
/// `:`), an array's elements, nested objects and arrays, or one expression.
fn json_values(input: ParseStream) -> syn::Result<Vec<syn::Expr>> {
    let mut values = Vec::new();
    json_value(input, &mut values)?;
    end_of_input(input)?;
    Ok(values)
}

fn json_value(input: ParseStream, values: &mut Vec<syn::Expr>) -> syn::Result<()> {
    if input.peek(syn::token::Brace) {
        let object;
        syn::braced!(object in input);
        while !object.is_empty() {
            // A key is anything up to its `:` (a path's `::` is part of it).
            loop {
                if object.peek(Token![::]) {
                    object.parse::<Token![::]>()?;
                } else if object.peek(Token![:]) {
                    break;
                } else {
                    object.parse::<proc_macro2::TokenTree>()?;
                }
            }
            object.parse::<Token![:]>()?;
            json_value(&object, values)?;
            json_separator(&object)?;
        }
    } else if input.peek(syn::token::Bracket) {
        let array;
        syn::bracketed!(array in input);
        while !array.is_empty() {
            json_value(&array, values)?;
            json_separator(&array)?;
        }
    } else {
        values.push(input.parse()?);
    }
    Ok(())
}

fn json_separator(input: ParseStream) -> syn::Result<()> {
    if !input.is_empty() {
        input.parse::<Token![,]>()?;
    }
    Ok(())
}

fn end_of_input(input: ParseStream) -> syn::Result<()> {
    if input.is_empty() {
        Ok(())
    } else {
        Err(input.error("unexpected tokens"))
    }
}

/// The grammar shared by `tokio::select!` and `futures::select!`:
/// `[biased;] (PAT = FUT [, if COND] => HANDLER [,])* [else|complete|default => HANDLER [,]]`.
fn parse_select(input: ParseStream) -> syn::Result<RawSelect> {
    let mut raw = RawSelect { biased: false, branches: Vec::new(), fallback: Vec::new() };
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        let ident: syn::Ident = input.parse()?;
        if ident != "biased" {
            return Err(syn::Error::new(ident.span(), "expected `biased;`"));
        }
        input.parse::<Token![;]>()?;
        raw.biased = true;
    }
    while !input.is_empty() {
        let is_fallback =
            (input.peek(Token![else]) || input.peek(Token![default]) || peek_ident(input, "complete"))
                && input.peek2(Token![=>]);
        if is_fallback {
            input.parse::<proc_macro2::TokenTree>()?;
            input.parse::<Token![=>]>()?;
            raw.fallback.push(parse_select_handler(input)?);
            continue;
        }
        let start = input.span();
        let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
        input.parse::<Token![=]>()?;
        let future: syn::Expr = input.parse()?;
        let condition = if input.peek(Token![,]) && input.peek2(Token![if]) {
            input.parse::<Token![,]>()?;
            input.parse::<Token![if]>()?;
            Some(input.parse::<syn::Expr>()?)
        } else {
            None
        };
        input.parse::<Token![=>]>()?;
        let handler = parse_select_handler(input)?;
        let span = Span::from_pm2(start).to(span_of(&handler));
        raw.branches.push((pat, future, condition, handler, span));
    }
    Ok(raw)
}

fn peek_ident(input: ParseStream, name: &str) -> bool {
    input.cursor().ident().is_some_and(|(ident, _)| ident == name)
}

/// A branch handler: a block (comma optional) or an expression followed by a comma or the end.
fn parse_select_handler(input: ParseStream) -> syn::Result<syn::Expr> {
    let handler = if input.peek(syn::token::Brace) {
        let block: syn::Block = input.parse()?;
        syn::Expr::Block(syn::ExprBlock { attrs: Vec::new(), label: None, block })
    } else {
        input.parse::<syn::Expr>()?
    };
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
    }
    Ok(handler)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::discovery::{discover, Target};
    use crate::parse::{parse_skeleton, parse_source};

    /// A file's HIR lowered from a skeleton with every deferred body lowered afterwards.
    fn lower_late(text: &str, source: &SourceFile, catalog: &Catalog) -> (FileHir, usize) {
        let (syntax, blanked) = parse_skeleton(text).unwrap();
        let (mut hir, pending) = lower_skeleton(&syntax, text, source, catalog, true, &blanked);
        let lines = LineIndex::new(std::sync::Arc::from(text));
        for deferred in &pending.bodies {
            let function = &mut hir.functions[deferred.function];
            let late = pending.parse_and_lower(deferred, &lines, &function.path, catalog).unwrap();
            function.params = late.params;
            function.body = Some(late.body);
            hir.allowed_regions.extend(late.allowed_regions);
        }
        hir.allowed_regions.sort_by_key(|(span, _)| *span);
        (hir, pending.bodies.len())
    }

    /// What each value of a macro body is: `lit`, `path`, `call`, `method`, `binary` ...
    fn read_values(body: &str) -> Vec<&'static str> {
        let kind = |e: &syn::Expr| match e {
            syn::Expr::Lit(_) => "lit",
            syn::Expr::Path(_) => "path",
            syn::Expr::MethodCall(_) => "method",
            syn::Expr::Binary(_) => "binary",
            _ => "other",
        };
        match parse_macro_body(body.parse().unwrap()) {
            RawMacroBody::Exprs(exprs) => exprs.iter().map(kind).collect(),
            RawMacroBody::Stmts(_) => vec!["statements"],
            RawMacroBody::Opaque => vec!["opaque"],
        }
    }

    #[test]
    fn structured_logging_fields_are_read_as_their_values() {
        let values = read_values(r#"target: "db", user.id = %id, size = ?meta.len(), ?err, "done {}", n"#);
        assert_eq!(values, ["lit", "path", "method", "path", "lit", "path"]);
        assert_eq!(read_values(r#""key" = %value, flag"#), ["path", "path"]);
        // A comparison is an expression, not a field name.
        assert_eq!(read_values("a == b, %c"), ["binary", "path"]);
    }

    #[test]
    fn bodies_lowered_late_are_the_bodies_lowered_at_once() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        let files = discover(&Target::Paths(vec![fixtures.clone()]), &fixtures).unwrap().files;
        let catalog = Catalog::builtin();
        let mut deferred = 0;
        for source in &files {
            let text = std::fs::read_to_string(&source.path).unwrap();
            let Ok(syntax) = parse_source(&text) else { continue };
            let mut at_once = lower_file(&syntax, &text, source, &catalog, true);
            at_once.allowed_regions.sort_by_key(|(span, _)| *span);
            let (late, count) = lower_late(&text, source, &catalog);
            assert_eq!(format!("{at_once:?}"), format!("{late:?}"), "{}", source.display);
            deferred += count;
        }
        assert!(files.len() > 30 && deferred > 100, "{} files, {deferred} bodies deferred", files.len());
    }
}
