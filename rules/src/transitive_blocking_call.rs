//! `transitive_blocking_call`: async code calls a workspace sync function that blocks.

use async_lint_analyzer::callgraph::{called_sync_function, Callee, Hop};
use async_lint_analyzer::context::{walk_function, AsyncOrigin};
use async_lint_analyzer::hir::{ExprKind, Function};
use async_lint_analyzer::semantics::Semantics;
use async_lint_analyzer::source::{Runtime, Span};
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use crate::util::call_span;

pub struct TransitiveBlockingCall;

/// Chains longer than this are cut in the note (the first hops are what a reader needs).
const MAX_CHAIN: usize = 8;

static META: RuleMeta = RuleMeta {
    id: "transitive_blocking_call",
    default_level: Level::Warn,
    summary: "Async code calls a workspace sync function that blocks, directly or through other helpers.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports a call, in an async context, of a sync function of the workspace that blocks: one
whose body (outside closures handed to `spawn_blocking` and friends) calls a blocking API of
the `blocking_call` catalog, an executor's `block_on`, or another workspace function that
blocks, at any depth, across modules and workspace crates. A note shows the shortest chain
down to the blocking API, with locations: `load_config` (src/config.rs:4) ->
`std::fs::read_to_string` (src/config.rs:5).

Calls are resolved like everywhere else in async-lint: paths through `use` items, methods
through the receiver's type (`self`, fields, parameters, locals, trait bounds) or a method
name only one workspace function has and no everyday std method shares (an untyped
`values.get(k)` is not taken for the crate's only `get`). Ambiguous calls (a trait method with several impls on a
receiver of unknown type) are not followed. A trait's method called on a trait object or a
bounded type parameter (`s: &dyn Storage`, `s: &S` with `S: Storage`) may run any of its
implementations: it is reported when every implementation in the workspace blocks, and a
note names them. A function passed by name to an offloading API
(`spawn_blocking(load_config)`) is not a call in async context.",
        why_is_this_bad: "\
Blocking rarely sits in the async fn itself: it sits two calls down, in `load_config()` or
`Repo::read_disk()`, which look harmless at the call site. It stalls the executor thread just
the same as a direct `std::fs` call.",
        example: "\
fn load_config() -> String {
    std::fs::read_to_string(\"app.toml\").unwrap()
}

async fn handler() {
    let config = load_config();
}",
        use_instead: "\
async fn handler() {
    let config = tokio::task::spawn_blocking(load_config).await.unwrap();
}",
        known_limits: "\
Calls through function pointers and closures stored in fields are not followed. A trait
method called on a trait object or a bounded type parameter is not reported when some
workspace implementation does not block (an in-memory store), nor when the trait is
implemented outside the workspace only: which implementation runs is not known. A test double
(an implementation in test code, for a trait that is not) does not count: it is not what the
workspace's own code runs.
Implementations a macro generates are not seen. `poll*` methods are not followed through
their implementations, nor `async` ones (a blocking call in an `async` implementation is
reported where it blocks). A trait's default
body is followed when the receiver's type is that trait (a bound) or a type whose impl of the
trait does not override it. A blocking call inside a helper guarded by a runtime check
(`if in_runtime { .. }`) is reported as if it always ran.",
    },
};

struct TransitiveSite {
    span: Span,
    callee: String,
    origin: AsyncOrigin,
}

impl Rule for TransitiveBlockingCall {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            for site in find_blocking_helper_calls(cx.sem, function) {
                out.push(report(cx.sem, &site, cx.file.runtime));
            }
        }
    }
}

fn find_blocking_helper_calls(sem: &Semantics<'_>, function: &Function) -> Vec<TransitiveSite> {
    let mut sites = Vec::new();
    walk_function(sem, function, &mut |body, expr, cx| {
        let Some(origin) = &cx.async_origin else { return };
        if !matches!(body.kind(expr), ExprKind::Call { .. } | ExprKind::MethodCall { .. }) {
            return;
        }
        if sem.blocking_api(body, expr).is_some() {
            // A catalogued API called directly is `blocking_call`'s.
            return;
        }
        let Some(callee) = called_sync_function(sem, body, expr) else { return };
        if sem.index.blocking().first_hop(&callee).is_some() {
            sites.push(TransitiveSite { span: call_span(body, expr), callee, origin: origin.clone() });
        }
    });
    sites
}

/// `load_config`, or `Repo::read_disk` for methods.
fn short_name(path: &str) -> String {
    let mut segments: Vec<&str> = path.rsplit("::").take(2).collect();
    segments.reverse();
    match segments.as_slice() {
        [owner, name] if owner.starts_with(|c: char| c.is_uppercase()) => format!("{owner}::{name}"),
        [.., name] => name.to_string(),
        [] => path.to_string(),
    }
}

fn chain_note(sem: &Semantics<'_>, callee: &str, chain: &[Hop]) -> String {
    let mut parts = Vec::new();
    let mut current = callee.to_string();
    for hop in chain {
        let declared = sem
            .index
            .function(&current)
            .map(|sig| format!(" ({}:{})", sig.location.display, sig.location.name_span.start.line))
            .unwrap_or_default();
        parts.push(format!("`{}`{declared}", short_name(&current)));
        match &hop.callee {
            Callee::Function(next) => current = next.clone(),
            Callee::Api(api) => parts.push(format!("`{api}` ({}:{})", hop.file, hop.span.start.line)),
        }
    }
    parts.join(" -> ")
}

fn report(sem: &Semantics<'_>, site: &TransitiveSite, runtime: Runtime) -> Finding {
    let chain = sem.index.blocking().chain(&site.callee, MAX_CHAIN);
    let api = chain
        .last()
        .map(|hop| match &hop.callee {
            Callee::Api(api) | Callee::Function(api) => api.clone(),
        })
        .unwrap_or_default();
    let name = short_name(&site.callee);
    let mut finding = Finding::new(
        site.span,
        format!("`{name}` blocks, and is called in an async context: it reaches `{api}`"),
    )
    .primary_label("this call blocks the executor thread")
    .label(site.origin.span(), site.origin.describe());
    if let Some(implementations) = sem.index.blocking().implementations(&site.callee) {
        finding = finding.note(implementations_note(&name, implementations));
    }
    finding.note(format!("blocking chain: {}", chain_note(sem, &site.callee, &chain))).help(format!(
        "call it on a blocking thread (`{}`), or make `{name}` async",
        offload_call(runtime, &name)
    ))
}

/// For a trait method called on a trait object or a bounded type: which implementations
/// may run, all of which block.
fn implementations_note(name: &str, implementations: &[String]) -> String {
    let names: Vec<String> = implementations.iter().map(|path| format!("`{}`", short_name(path))).collect();
    match names.as_slice() {
        [only] => {
            format!("`{name}` is a trait method, and its one implementation in the workspace, {only}, blocks")
        }
        _ => format!(
            "`{name}` is a trait method, and each of its {} implementations in the workspace blocks: {}",
            names.len(),
            names.join(", ")
        ),
    }
}

/// Running `name` on the runtime's blocking threads.
fn offload_call(runtime: Runtime, name: &str) -> String {
    let offload = match runtime {
        Runtime::Tokio => "tokio::task::spawn_blocking",
        Runtime::AsyncStd => "async_std::task::spawn_blocking",
        Runtime::Smol => "smol::unblock",
    };
    format!("{offload}(move || {name}(..)).await")
}
