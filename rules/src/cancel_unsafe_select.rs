//! `cancel_unsafe_select`: a not-cancel-safe future raced inline in a `select!` loop.

use crate::util::select_branches;
use async_lint_analyzer::hir::Function;
use async_lint_analyzer::source::Span;
use async_lint_analyzer::tasks::CancelUnsafe;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

pub struct CancelUnsafeSelect;

static META: RuleMeta = RuleMeta {
    id: "cancel_unsafe_select",
    default_level: Level::Warn,
    summary: "A `select!` in a loop re-creates a non-cancel-safe future each iteration, losing data or queue places.",
    equivalent_lints: &[],
    docs: RuleDocs {
        what_it_does: "\
Reports a branch of `tokio::select!`, `futures::select!` or `futures::select_biased!` inside a
loop (`loop`, `while`, `for`, also through blocks) whose future is created inline by an
operation tokio documents as not cancel safe: `read_exact`, `read_to_end`, `read_to_string`,
the multi-byte `read_u16` .. `read_f64` (and `_le`), `read_line`, `read_until`, `write_all`,
`mpsc::Sender::send`/`reserve`, tokio's `Mutex::lock` and `RwLock::read`/`write`,
`Semaphore::acquire*`, `Notify::notified`, `Barrier::wait`, `SinkExt::send`/`feed`/`send_all`. Wrappers
(`.fuse()` or `FutureExt::fuse(..)`, `Box::pin(..)`, the inner future of `timeout(d, ..)`) are looked through;
`biased;`, `, if` preconditions, `else =>` and patterns such as `Some(x) = ..` are understood.
A call of a workspace async fn or method is not cancel safe either when it awaits a
data-losing operation (the I/O reads and writes above, `send`, `feed`, `send_all`; not the
lock, semaphore and notification waits, which lose only a place in a queue) on state a
parameter or `self` borrows (`reader: &mut R`, `&mut self` and its fields, a generic reader
taken by value where the call passes `&mut stream` for it), directly or
through the workspace async fns it hands that state to: `msg = read_message(&mut stream)`
over a `read_exact` inside, `frame = conn.receive()`; a note shows where the operation is.
A `&mut fut` branch over a future created and pinned outside the loop is fine, and so are the
cancel-safe operations (`recv`, `read`, `accept`, `tick`, `next`, `cancelled`, ...).",
        why_is_this_bad: "\
When another branch wins, `select!` drops the losing futures, and the loop creates them anew.
A half-done `read_exact` loses the bytes it had read, a `write_all` leaves a partial frame on
the wire and starts over, `Sender::send` drops the message, and a lock or semaphore acquire
loses its place in the fair queue. None of it shows up as an error.",
        example: "\
loop {
    tokio::select! {
        res = stream.read_exact(&mut header) => handle(res?),
        _ = shutdown.recv() => break,
    }
}",
        use_instead: "\
let mut frames = tokio_util::codec::FramedRead::new(stream, Codec);
loop {
    tokio::select! {
        frame = frames.next() => handle(frame),
        _ = shutdown.recv() => break,
    }
}",
        known_limits: "\
Selects outside any loop are not reported (a single race rarely hides the loss). Operations
are matched by method name on receivers that are not the crate's own types; a crate's own
async method named like a tokio one (`send`, `lock`) on a receiver of unknown type may be
reported. A workspace async fn is followed when it is called by path or on a receiver of
known type; a trait object's method, a function returning `impl Future` without `async`, and
an operation on a stream the function owns (a concrete stream taken by value or opened
inside, so dropped with its future) are not. A generic reader taken by value (`mut r: R`
with `R: AsyncRead`, `impl AsyncRead`) counts where the call lends it a borrow
(`read_message(&mut stream)`).",
    },
};

struct UnsafeBranch {
    span: Span,
    /// The loop that re-runs the `select!`; `None` for a select outside loops (reported only
    /// with `select-outside-loops = true`).
    loop_span: Option<Span>,
    operation: CancelUnsafe,
}

impl Rule for CancelUnsafeSelect {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for function in &cx.hir.functions {
            out.extend(find_unsafe_branches(cx, function).iter().map(report));
        }
    }
}

fn find_unsafe_branches(cx: &RuleContext<'_>, function: &Function) -> Vec<UnsafeBranch> {
    let Some(body) = &function.body else { return Vec::new() };
    select_branches(cx.sem, function, cx.options.select_outside_loops)
        .into_iter()
        .filter_map(|branch| {
            let operation = cx.sem.cancel_unsafe_operation(body, branch.future)?;
            Some(UnsafeBranch { span: body.span(branch.future), loop_span: branch.loop_span, operation })
        })
        .collect()
}

fn report(branch: &UnsafeBranch) -> Finding {
    let op = &branch.operation;
    let message = match branch.loop_span {
        Some(_) => {
            format!("`{}` is not cancel safe, and this `select!` re-creates it on every iteration", op.method)
        }
        None => format!("`{}` is not cancel safe, and this `select!` may drop it half done", op.method),
    };
    let mut finding = Finding::new(branch.span, message)
        .primary_label(format!("when another branch wins, this future is dropped, and with it {}", op.lost));
    if let Some(loop_span) = branch.loop_span {
        finding = finding.label(loop_span, "the loop runs the `select!` again with a new future");
    }
    if let Some(via) = &op.via {
        let through: Vec<String> = via.through.iter().map(|f| format!("`{f}`")).collect();
        let through = match through.is_empty() {
            true => String::new(),
            false => format!(" (through {})", through.join(" -> ")),
        };
        finding = finding.note(format!(
            "`{}` awaits `{}` at {}:{}{through}, which is not cancel safe",
            op.method, via.operation, via.file, via.span.start.line
        ));
    }
    finding
        .note("`select!` drops every branch future that did not complete; a not-cancel-safe operation loses its progress")
        .help(op.instead)
}
